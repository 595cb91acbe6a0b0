"""Apply a (changed) rubric to calls already in the database, without transcribing or re-running sentiment.

Each stored call is read back as its `Transcript`, per-turn `Sentiment` and voice measures, scored with the
rubric and saved again in one transaction (the transcript and sentiment are written back unchanged).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Any

from qa import __version__
from qa.pipeline.call import CallResult
from qa.store.database import Store
from scoring.rubric import Rubric, score_transcript
from scoring.types import Prosody, Sentiment
from transcribe.errors import CallQAError
from transcribe.types import AGENT, CUSTOMER, Transcript, Turn, Word

logger = logging.getLogger("qa")


@dataclass(frozen=True)
class Rescored:
    call_id: str
    old_total: float | None
    new_total: float | None
    old_rubric: str
    new_rubric: str
    statuses: dict[str, str]


def load_stored(con: Any, call_id: str) -> tuple[Transcript, list[Sentiment], list[Prosody | None], dict[str, Any]]:
    """A stored call: its transcript, per-turn sentiment, per-turn voice measures and the models that scored it."""
    cur = con.execute("SELECT * FROM calls WHERE call_id = ?", [call_id])
    names = [d[0] for d in cur.description]
    call = dict(zip(names, cur.fetchone()))
    cur = con.execute("SELECT * FROM turns WHERE call_id = ? ORDER BY idx", [call_id])
    names = [d[0] for d in cur.description]
    turns, sentiments = [], []
    for row in cur.fetchall():
        t = dict(zip(names, row))
        turns.append(Turn(speaker=t["speaker"], start=t["start_s"], end=t["end_s"], text=t["text"],
                          words=[Word(*w) for w in json.loads(t["words"] or "[]")], channel=t["channel"],
                          confidence=t["confidence"], low_confidence=bool(t["low_confidence"]),
                          extra=json.loads(t["extra"] or "{}")))
        if t["sentiment_label"] is not None:
            sentiments.append(Sentiment(t["sentiment_label"], t["sentiment_score"], t["sentiment_polarity"],
                                        t["sentiment_language"], t["sentiment_backend"]))
    transcript = Transcript(call_id=call["call_id"], language=call["language"], turns=turns,
                            duration=call["duration"] or 0.0, source=call["source"],
                            source_path=call["source_path"] or "", agent_id=call["agent_id"],
                            audio_path=call["audio_path"], sha256=call["sha256"],
                            asr=json.loads(call["asr"] or "{}"), roles=json.loads(call["roles"] or "{}"),
                            extra=json.loads(call["extra"] or "{}"))
    row = con.execute("SELECT prosody FROM call_metrics WHERE call_id = ?", [call_id]).fetchone()
    prosody = [Prosody(**p) if p else None for p in json.loads(row[0] or "[]")] if row else []
    models = con.execute("SELECT models FROM scorecards WHERE call_id = ?", [call_id]).fetchone()
    return transcript, sentiments, prosody, json.loads(models[0] or "{}") if models else {}


def _measure_voice(transcript: Transcript) -> list[Prosody | None]:
    """Voice measures from the call's recording, for a rubric with voice rules on a call stored without them."""
    from scoring.prosody import turn_prosody
    from transcribe.audio import decode

    if not transcript.audio_path or not os.path.isfile(transcript.audio_path):
        return []
    try:
        audio = decode(transcript.audio_path)
    except CallQAError as exc:
        logger.warning("%s: no voice measures (%s)", transcript.audio_path, exc.message)
        return []
    agent_ch = 1 if transcript.roles.get("agent_channel") == "right" else 0
    with audio:  # a long recording's temporary files go at once
        return turn_prosody(audio.channels, audio.sample_rate, transcript.turns,
                            {AGENT: agent_ch, CUSTOMER: 1 - agent_ch})


def rescore(store: Store, rubric: Rubric, call_ids: list[str] | None = None) -> list[Rescored]:
    """Score the stored calls (all, or `call_ids`) with `rubric` and save the new scorecards."""
    with store.connect() as con:
        known = [r[0] for r in con.execute("SELECT call_id FROM calls ORDER BY call_id").fetchall()]
        old = dict(con.execute("SELECT call_id, total FROM scorecards").fetchall())
        old_rubric = {r[0]: f"{r[1]} {r[2]}" for r in
                      con.execute("SELECT call_id, rubric_id, rubric_version FROM scorecards").fetchall()}
    missing = [c for c in call_ids or [] if c not in known]
    if missing:
        raise CallQAError(store.path, f"no stored call {missing[0]!r}", "`callqa list` shows the stored calls")
    run_id = store.start_run("rescore", {"rubric": rubric.path}, __version__)
    out = []
    for call_id in call_ids or known:
        with store.connect() as con:
            transcript, sentiments, prosody, models = load_stored(con, call_id)
        if rubric.needs_audio() and not any(prosody):
            prosody = _measure_voice(transcript)
        card = score_transcript(transcript, sentiments, rubric, models.get("sentiment"), prosody)
        models["rubric"] = rubric.describe()
        store.save(CallResult(transcript, card, models, __version__), run_id=run_id)
        out.append(Rescored(call_id, old.get(call_id), card.total, old_rubric.get(call_id, "?"),
                            f"{rubric.id} {rubric.version}", {c.id: c.status for c in card.criteria}))
    store.finish_run(run_id, len(out), 0)
    return out
