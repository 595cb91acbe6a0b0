"""The call page's recording player for re-listening: Streamlit's audio element (the bytes come from the media
store through the viewer's permission check, `qa.accounts.access.recording`) driven by a small Streamlit
component (`st.components.v2`) that draws the waveform with markers for evidence, holds and interruptions, and:

- seeks to the exact time asked (sub-second) and plays — again on every click of the same ▶ (each request
  carries a new number);
- stays in view while the transcript scrolls (the player's container is sticky);
- outlines the transcript turn being played (the turns are containers keyed `callqa-turn-<index>`);
- without a recording, a ▶ on evidence scrolls to its turn and outlines it instead;
- keys: Space or K play/pause, J/L back/forward 5 s, E the next evidence marker (not while typing in a field).

The component gets numbers and short labels only (times, kinds, indices); its code is fixed text in this module
and sets no HTML from data (labels go in as `textContent`/`title`)."""
from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from qa.store.scorecard_view import CallView

logger = logging.getLogger("qa")

PEAKS = 600  # waveform columns
PLAYER_KEY = "callqa-player"
TURN_KEY = "callqa-turn-{index}"

JS = r"""
export default function (component) {
  const { data, parentElement } = component;
  const doc = document;
  const root = parentElement.querySelector('.callqa-player') || (() => {
    const div = doc.createElement('div'); div.className = 'callqa-player'; parentElement.appendChild(div); return div;
  })();
  const state = (window.__callqaPlayer = window.__callqaPlayer || { lastRequest: 0 });
  const box = doc.querySelector('.st-key-callqa-player');
  if (box) {  // sticky on the wrapper that sits in the page's column (a lone child has no room to stick in)
    let el = box; while (el.parentElement && el.parentElement.children.length === 1) el = el.parentElement;
    el.style.position = 'sticky'; el.style.top = '3.75rem'; el.style.zIndex = '20';
    el.style.background = 'var(--st-background-color, white)';
  }
  const audio = box ? box.querySelector('audio') : null;
  const turnBox = (i) => doc.querySelector('.st-key-callqa-turn-' + i);
  const outline = (i) => {
    doc.querySelectorAll('.callqa-playing').forEach((el) => { el.classList.remove('callqa-playing');
      el.style.outline = ''; });
    const el = i === null || i === undefined ? null : turnBox(i);
    if (el) {
      el.classList.add('callqa-playing'); el.style.outline = '3px solid #f0a30a'; el.style.borderRadius = '8px';
    }
    return el;
  };
  const turnAt = (t) => {
    const hit = (data.turns || []).find((u) => t >= u.start && t < u.end); return hit ? hit.index : null;
  };

  // the waveform with its markers
  let canvas = root.querySelector('canvas');
  if (!canvas && data.peaks && data.peaks.length) {
    canvas = doc.createElement('canvas'); canvas.height = 64; canvas.style.width = '100%'; canvas.style.height = '64px';
    canvas.style.cursor = 'pointer'; canvas.setAttribute('data-testid', 'callqa-waveform'); root.appendChild(canvas);
  }
  const colours = { for: '#1a7f37', against: '#cf222e', context: '#8250df', not_counted: '#6e7781',
                    hold: '#bf8700', interruption: '#cf222e' };
  const draw = () => {
    if (!canvas) return;
    const w = canvas.clientWidth || 600; canvas.width = w; const h = canvas.height; const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, w, h); const peaks = data.peaks; const dur = data.duration || 1;
    ctx.fillStyle = '#9aa4b2';
    for (let x = 0; x < w; x++) { const p = peaks[Math.floor(x * peaks.length / w)] || 0; const y = p * (h / 2 - 6);
                                   ctx.fillRect(x, h / 2 - y, 1, Math.max(1, 2 * y)); }
    for (const m of data.markers || []) {
      const x = Math.round(m.t / dur * w); ctx.fillStyle = colours[m.kind] || '#57606a';
      if (m.until !== undefined && m.until !== null) {
        ctx.globalAlpha = 0.25; ctx.fillRect(x, 0, Math.max(2, Math.round((m.until - m.t) / dur * w)), h);
        ctx.globalAlpha = 1;
      } else { ctx.fillRect(x - 1, 0, 3, 8); ctx.fillRect(x, 0, 1, h); }
    }
    if (audio) { ctx.fillStyle = '#0969da'; ctx.fillRect(Math.round(audio.currentTime / dur * w), 0, 2, h); }
  };
  if (canvas) {
    canvas.title = data.labels.waveform;
    canvas.onclick = (e) => { if (!audio) return; const r = canvas.getBoundingClientRect();
      audio.currentTime = (e.clientX - r.left) / r.width * (data.duration || 0); audio.play(); };
  }
  let status = root.querySelector('.callqa-status');
  if (!status) { status = doc.createElement('div'); status.className = 'callqa-status';
                 status.setAttribute('data-testid', 'callqa-player-status'); status.style.fontSize = '0.85rem';
                 status.style.opacity = '0.8'; root.appendChild(status); }
  const tick = () => {
    draw();
    if (!audio) return;
    const i = turnAt(audio.currentTime);
    if (state.playing !== i) { state.playing = i; outline(i); }
    const clock = audio.currentTime.toFixed(1).replace('.', data.labels.point || '.');
    status.textContent = data.labels.at + ' ' + (data.labels.seconds || '{t} s').replace('{t}', clock) +
      (i === null ? '' : ' · ' + data.labels.turn + ' ' + i);
  };
  if (audio) { audio.ontimeupdate = tick; audio.onseeked = tick; }
  draw(); tick();

  // a request from a ▶ button: seek and play (with a recording), else scroll to the turn
  const req = data.request;
  if (req && req.id !== state.lastRequest) {
    state.lastRequest = req.id;
    if (audio && req.t !== null && req.t !== undefined) {
      const go = () => { audio.currentTime = req.t; const p = audio.play(); if (p && p.catch) p.catch(() => {}); };
      if (audio.readyState >= 1) go(); else audio.addEventListener('loadedmetadata', go, { once: true });
    } else if (req.turn !== null && req.turn !== undefined) {
      // the transcript is drawn after the player and may be redrawn (which drops the outline and moves the turn):
      // for two seconds, outline the turn again and bring it back into view when it is out of it
      const view = doc.defaultView || window;
      const show = (tries) => {
        const el = outline(req.turn);
        if (el) {
          const r = el.getBoundingClientRect();
          const how = { behavior: tries ? 'auto' : 'smooth', block: 'center' };
          if (r.top < 0 || r.bottom > view.innerHeight) el.scrollIntoView(how);
        }
        if (tries < 8) setTimeout(() => show(tries + 1), 250);
      };
      show(0);
    }
  }

  // keys
  const onKey = (e) => {
    const t = e.target; if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
    if (!audio || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if (k === ' ' || k === 'k') { e.preventDefault(); if (audio.paused) audio.play(); else audio.pause(); }
    else if (k === 'j') { audio.currentTime = Math.max(0, audio.currentTime - 5); }
    else if (k === 'l') { audio.currentTime = Math.min(data.duration || 1e9, audio.currentTime + 5); }
    else if (k === 'e') { const next = (data.markers || []).filter((m) => m.until === undefined || m.until === null)
                            .map((m) => m.t).sort((a, b) => a - b).find((x) => x > audio.currentTime + 0.25);
                          if (next !== undefined) { audio.currentTime = next; audio.play(); } }
  };
  doc.addEventListener('keydown', onKey);
  const onResize = () => draw(); window.addEventListener('resize', onResize);
  return () => { doc.removeEventListener('keydown', onKey); window.removeEventListener('resize', onResize);
                 if (audio) { audio.ontimeupdate = null; audio.onseeked = null; } };
}
"""

_component = None


def _mount() -> Any:
    global _component
    if _component is None:  # registered on first use, not at import
        from streamlit.components.v2 import component

        _component = component("callqa_player", js=JS, isolate_styles=True)
    return _component


@dataclass(frozen=True)
class Marker:
    """A point (evidence) or a span (`until`: a hold, an interruption) on the waveform, by kind."""

    t: float
    kind: str
    until: float | None = None


def markers(card: CallView) -> list[Marker]:
    """The evidence of every criterion (by kind), the holds and the agent's interruptions of the call."""
    out = [Marker(float(e.start), e.kind or "context") for c in card.criteria + card.critical for e in c.evidence
           if e.start is not None]
    m = card.metrics or {}
    for span in m.get("hold_spans") or []:
        if isinstance(span, (list, tuple)) and len(span) >= 2:
            out.append(Marker(float(span[0]), "hold", float(span[1])))
    turns = {t.index: t for t in card.turns}
    for idx in m.get("interruption_turns") or []:
        turn = turns.get(idx) if isinstance(idx, int) else None
        if turn is not None:
            out.append(Marker(float(turn.start), "interruption", float(min(turn.end, turn.start + 1.0))))
    return sorted(out, key=lambda x: x.t)


@st.cache_data(max_entries=64, show_spinner=False)
def waveform(media_key: str, data: bytes, columns: int = PEAKS) -> list[float]:
    """`columns` peak levels (0..1) of the recording (cached by its content key); [] when it cannot be decoded."""
    try:
        import numpy as np
        import soundfile as sf

        samples, _ = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
        mono = np.abs(samples).max(axis=1)
        if mono.size == 0:
            return []
        edges = np.linspace(0, mono.size, num=min(columns, mono.size) + 1, dtype=int)
        peaks = np.maximum.reduceat(mono, edges[:-1])
        top = float(peaks.max()) or 1.0
        return [round(float(p) / top, 3) for p in peaks]
    except Exception as exc:  # an undecodable file still plays in the browser: no waveform then
        logger.info("no waveform for %s: %s", media_key, exc)
        return []


def request_key(call_id: str) -> str:
    return f"player_request:{call_id}"


def ask(call_id: str, t: float | None, turn: int | None) -> None:
    """Ask the player to play from `t` (or, without a recording, to show `turn`); every ask is new."""
    st.session_state[request_key(call_id)] = {"id": time.time_ns(), "t": t, "turn": turn}


def player(card: CallView, recording: tuple[bytes, str] | None, labels: dict[str, str]) -> None:
    """The sticky player (the audio element and its waveform) when `recording` is given, and the component
    that carries ▶ requests either way. `labels`: "waveform", "at", "turn" in the viewer's language,
    "point" (the decimal symbol) and "seconds" (a duration, "{t}" for the number) of the viewer's locale."""
    request = st.session_state.get(request_key(card.call_id))
    with st.container(key=PLAYER_KEY):
        peaks: list[float] = []
        if recording is not None:
            data, mime = recording
            st.audio(data, format=mime)
            peaks = waveform(card.media or card.call_id, data)
        _mount()(key=f"callqa-player-{card.call_id}", height="content", data={
            "duration": float(card.duration or 0), "peaks": peaks,
            "markers": [{"t": m.t, "kind": m.kind, "until": m.until} for m in markers(card)],
            "turns": [{"index": t.index, "start": t.start, "end": t.end} for t in card.turns],
            "request": request, "labels": labels})
