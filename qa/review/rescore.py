"""Apply a (changed) rubric to calls already in the database, without transcribing or re-running sentiment.

Each stored call is read back as its `Transcript`, per-turn `Sentiment` and voice measures, scored with the
rubric and saved again in one transaction (the transcript and sentiment are written back unchanged).
Without a rubric each call is scored with its own (qa.review.provenance): a re-score never moves a call to
another rubric unless asked to.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from qa import __version__
from qa.pipeline.result import CallResult
from qa.pipeline.voice import voice_measures
from qa.review.provenance import own_rubric
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
    warning: str | None = None  # e.g. the call's own rubric changed since it was scored (qa.review.provenance)
    done: bool = True           # False: left as it was (its own rubric is no longer found; `warning` says why)


def rescore(store: Store, rubric: Rubric | None = None, call_ids: list[str] | None = None) -> list[Rescored]:
    """Score the stored calls (all, or `call_ids`) with `rubric` — None: each with its own rubric — and save the
    new scorecards. A call whose own rubric is no longer found is left as it is, with the reason as `warning`."""
    with store.connect() as con:
        known = [r[0] for r in con.execute("SELECT call_id FROM calls ORDER BY call_id").fetchall()]
        old = dict(con.execute("SELECT call_id, total FROM scorecards").fetchall())
        old_rubric = {r[0]: f"{r[1]} {r[2]}" for r in
                      con.execute("SELECT call_id, rubric_id, rubric_version FROM scorecards").fetchall()}
    missing = [c for c in call_ids or [] if c not in known]
    if missing:
        raise CallQAError(store.path, f"no stored call {missing[0]!r}", "`callqa list` shows the stored calls")
    run_id = store.start_run("rescore", {"rubric": rubric.path if rubric else "each call's own"}, __version__)
    out = []
    for call_id in call_ids or known:
        with store.connect() as con:
            stored = read_call(con, call_id)
        if stored is None:  # deleted meanwhile
            continue
        warning, use = None, rubric
        if use is None:
            try:
                own = own_rubric(store, call_id)
            except CallQAError as exc:  # one call's missing rubric does not stop the others
                logger.warning("%s", exc.message)
                out.append(Rescored(call_id, old.get(call_id), old.get(call_id), old_rubric.get(call_id, "?"),
                                    old_rubric.get(call_id, "?"), {}, exc.message, done=False))
                continue
            use, warning = own.rubric, own.warning
        transcript, models, prosody = stored.transcript, stored.models, stored.prosody
        if use.needs_audio() and not any(prosody):
            prosody = voice_measures(transcript)
        card = score_transcript(transcript, stored.sentiments, use, models.get("sentiment"), prosody)
        models["rubric"] = use.describe()
        store.save(CallResult(transcript, card, models, __version__), run_id=run_id)
        out.append(Rescored(call_id, old.get(call_id), card.total, old_rubric.get(call_id, "?"),
                            f"{use.id} {use.version}", {c.id: c.status for c in card.criteria}, warning))
    store.finish_run(run_id, sum(r.done for r in out), sum(not r.done for r in out))
    return out
