"""Apply a (changed) rubric to calls already in the database, without transcribing or re-running sentiment.

Each stored call is read back as its `Transcript`, per-turn `Sentiment` and voice measures, scored with the
rubric and saved again in one transaction (the transcript and sentiment are written back unchanged).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from qa import __version__
from qa.pipeline.result import CallResult
from qa.pipeline.voice import voice_measures
from qa.store.calls import read_call
from qa.store.database import Store
from scoring.rubric import Rubric, score_transcript
from transcribe.errors import CallQAError

logger = logging.getLogger("qa")


@dataclass(frozen=True)
class Rescored:
    call_id: str
    old_total: float | None
    new_total: float | None
    old_rubric: str
    new_rubric: str
    statuses: dict[str, str]


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
            stored = read_call(con, call_id)
        if stored is None:  # deleted meanwhile
            continue
        transcript, models, prosody = stored.transcript, stored.models, stored.prosody
        if rubric.needs_audio() and not any(prosody):
            prosody = voice_measures(transcript)
        card = score_transcript(transcript, stored.sentiments, rubric, models.get("sentiment"), prosody)
        models["rubric"] = rubric.describe()
        store.save(CallResult(transcript, card, models, __version__), run_id=run_id)
        out.append(Rescored(call_id, old.get(call_id), card.total, old_rubric.get(call_id, "?"),
                            f"{rubric.id} {rubric.version}", {c.id: c.status for c in card.criteria}))
    store.finish_run(run_id, len(out), 0)
    return out
