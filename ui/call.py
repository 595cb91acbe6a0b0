"""Call view: the recording, the transcript by speaker with sentiment, and each criterion with its evidence."""
from __future__ import annotations

import os

import streamlit as st

from qa import access
from qa.i18n import criterion_name, t
from ui.common import Context

SENTIMENT_COLOURS = {"negative": "red", "neutral": "gray", "positive": "green"}
STATUS_ICONS = {"pass": ":material/check_circle:", "fail": ":material/cancel:", "na": ":material/remove:"}


def audio_player(card: dict, lang: str) -> None:
    st.subheader(t("audio", lang))
    path = card.get("audio_path")
    if not path:
        st.info(t("no_audio", lang))
        return
    if not os.path.exists(path):
        st.warning(t("audio_missing", lang, path=path))
        return
    start = float(st.session_state.get(f"seek:{card['call_id']}", 0.0))
    st.audio(path, start_time=int(start))


def seek_button(card: dict, start: float, key: str, lang: str) -> None:
    if card.get("audio_path") and st.button("▶", key=key, help=t("play_from", lang, t=start)):
        st.session_state[f"seek:{card['call_id']}"] = start
        st.rerun()


def criteria_panel(card: dict, lang: str) -> None:
    st.subheader(t("criteria", lang))
    for c in card["criteria"]:
        score = "—" if c["score"] is None else f"{c['score']:g}/{c['weight']:g}"
        name = criterion_name(c["id"], c["name"], lang)
        header = f"{STATUS_ICONS.get(c['status'], '')} **{name}** — {t('status_' + c['status'], lang)} ({score})"
        with st.expander(header, expanded=c["status"] == "fail"):
            st.caption(f"{t('reason', lang)}: {c['reason']}")
            if not c["evidence"]:
                st.write(t("no_evidence", lang))
            for k, e in enumerate(c["evidence"]):
                cols = st.columns([6, 1])
                cols[0].markdown(f"`{t('kind_' + e['kind'], lang)}` {t('turn', lang)} {e['turn']} "
                                 f"({e['start']:.1f}–{e['end']:.1f} s): **{e['text']}**")
                with cols[1]:
                    seek_button(card, e["start"], f"ev-{c['id']}-{k}", lang)


def transcript_panel(card: dict, lang: str) -> None:
    st.subheader(t("transcript", lang))
    for turn in card["turns"]:
        s = turn["sentiment"]
        who = t("agent", lang) if turn["speaker"] == "agent" else t("customer", lang)
        colour = SENTIMENT_COLOURS.get(s["label"] or "", "gray")
        label = t(s["label"], lang) if s["label"] in SENTIMENT_COLOURS else "?"
        badge = f":{colour}[{label} {s['score'] or 0:.2f}]"
        low = f" · *{t('low_confidence', lang)}*" if turn["low_confidence"] else ""
        marks = " ".join(f"`{criterion_name(c, c, lang)}`" for c in turn["criteria"])
        with st.chat_message("assistant" if turn["speaker"] == "agent" else "user"):
            st.markdown(f"**{who}** · {turn['start']:.1f}–{turn['end']:.1f} s · {badge}{low} {marks}")
            st.write(turn["text"])


def render_call(ctx: Context, call_id: str) -> None:
    """One call, when the viewer may see it (otherwise the same message as for a call that does not exist)."""
    lang = ctx.lang
    card = access.get_call(ctx.store, ctx.viewer, call_id)
    if card is None:
        st.error(ctx.t("call_not_found", call=call_id))
        return
    total = "—" if card["total"] is None else f"{card['total']:.1f}"
    st.header(f"{t('call', lang)} {card['call_id']} — {t('total', lang)} {total}/100")
    meta = st.columns(4)
    meta[0].metric(t("language", lang), card["language"])
    meta[1].metric(t("agent_id", lang), card["agent_id"] or "—")
    meta[2].metric(t("duration", lang), f"{card['duration']:.1f}")
    meta[3].metric(t("source", lang), card["source"])
    if card["flags"]:
        st.warning(f"{t('flags', lang)}: {', '.join(card['flags'])}")
    audio_player(card, lang)
    left, right = st.columns([3, 2])
    with right:
        criteria_panel(card, lang)
        with st.expander(t("models", lang)):
            st.json({"rubric": card["rubric"], "models": card["models"], "roles": card["roles"],
                     "code_version": card["code_version"]})
    with left:
        transcript_panel(card, lang)
