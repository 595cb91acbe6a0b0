"""Corrections a reviewer makes to a stored call: read its transcript back, swap agent and customer,
re-score and store the new result (the previous role decision is kept inside the new `roles`). The call is
re-scored with its own rubric (qa.review.provenance) unless another is given."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from qa.pipeline.call import CallResult, Pipeline
from qa.review.provenance import own_rubric
from qa.store.calls import read_transcript
from qa.store.database import Store
from scoring.rubric import Rubric
from transcribe.errors import InputError
from transcribe.speakers import swap_turn_roles
from transcribe.types import Transcript


def load_stored_transcript(store: Store, call_id: str) -> Transcript:
    """The `Transcript` of a stored call, as it was scored. Raises `InputError` when it is not stored."""
    with store.connect() as con:
        transcript = read_transcript(con, call_id)
    if transcript is None:
        raise InputError(store.path, f"no call {call_id!r} stored",
                         f"`callqa list --db {store.path}` shows the stored calls")
    return transcript


def swap_roles(store: Store, pipeline: Pipeline, call_id: str, by: str | None = None,
               rubric: Rubric | None = None) -> CallResult:
    """Exchange agent and customer on a stored call, re-score it with `pipeline` and store the result. The call
    keeps the rubric that scored it (a warning is logged when its content changed since) unless `rubric` is
    given."""
    transcript = load_stored_transcript(store, call_id)
    rubric = rubric or own_rubric(store, call_id).rubric
    previous: dict[str, Any] = dict(transcript.roles)
    transcript.turns = swap_turn_roles(transcript.turns)
    roles: dict[str, Any] = {"method": "manual swap", "confidence": 1.0, "review": False,
                             "evidence": [f"roles swapped by {by or 'a reviewer'}"],
                             "swapped_at": datetime.now(UTC).isoformat(timespec="seconds"),
                             "previous": previous}
    if "diarization" in previous:
        roles["diarization"] = previous["diarization"]
    if previous.get("agent_channel") in ("left", "right"):  # stereo: the agent is now on the other channel
        roles["agent_channel"] = "right" if previous["agent_channel"] == "left" else "left"
    transcript.roles = roles
    result = pipeline.score(transcript, rubric=rubric)
    store.save(result)
    return result
