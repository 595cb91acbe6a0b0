"""End-to-end evaluation: the whole speech path (decode, speech gate, diarization or channels, recognition,
alignment, role decision) runs on each recording as a batch would, and the turns it would store are compared
with the references: their words (WER/CER), who spoke when (DER) and which party is the agent (roles).

`callqa eval asr|diarization|roles --end-to-end` use these; without the flag those commands measure one stage
on its own (the recogniser on the channels, the diarizer on the audio, the role decision on reference words),
which overstates what users get when the stages' errors add up."""
from __future__ import annotations

import bisect
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qa.evaluation.speech import Segments, error_rates, reference_text, reference_words
from transcribe.types import Transcript

logger = logging.getLogger("qa")

METHOD = "end to end"


@dataclass(frozen=True)
class StoredTurns:
    """What the pipeline made of one recording: the transcript it would store (roles decided), the problems
    that would send it to review instead of a score (empty when it would be scored), seconds spent."""

    path: str
    transcript: Transcript
    problems: tuple[str, ...]
    seconds: float


def run_pipeline(pipeline: Any, path: str) -> StoredTurns:
    """Transcribe `path` with `pipeline` (a qa.pipeline.call.Pipeline) exactly as a batch would before scoring.
    A recognition failure is kept (its problems listed), not raised: its turns are evaluated like any other."""
    t0 = time.perf_counter()
    transcript = pipeline.transcribe(path)
    problems = tuple(transcript.asr.get("recognition", {}).get("problems") or ())
    return StoredTurns(path, transcript, problems, time.perf_counter() - t0)


def turn_text(transcript: Transcript) -> str:
    """The stored turns' words in time order."""
    return " ".join(t.text for t in sorted(transcript.turns, key=lambda t: t.start))


def asr_row(stored: StoredTurns, ref_path: str) -> dict[str, Any]:
    """Word and character error rates of the stored turns against the reference."""
    rates = error_rates(reference_text(ref_path), turn_text(stored.transcript))
    return {"file": os.path.basename(stored.path), **rates.__dict__, "needs_review": "; ".join(stored.problems),
            "seconds": round(stored.seconds, 3)}


def turn_segments(transcript: Transcript) -> Segments:
    """Who spoke when by the stored turns: (start, end, role)."""
    return [(t.start, t.end, t.speaker) for t in transcript.turns if t.end > t.start]


def role_row(stored: StoredTurns, reference: Transcript) -> dict[str, Any]:
    """Share of the reference's words whose time falls in a stored turn of the same role (a word in no stored
    turn counts as wrong: missed speech is a role error the reviewer sees too); a call is right above 0.5."""
    turns = sorted(stored.transcript.turns, key=lambda t: t.start)
    starts = [t.start for t in turns]
    words = reference_words(reference)
    right = 0
    for word, role in words:
        mid = (word.start + word.end) / 2
        k = bisect.bisect_right(starts, mid) - 1
        # the latest turn starting before the word's middle, or an earlier one still running (overlap)
        found = next((turns[j].speaker for j in range(k, max(-1, k - 4), -1) if turns[j].end >= mid), None)
        right += found == role
    accuracy = right / max(1, len(words))
    return {"file": os.path.basename(stored.path), "method": METHOD, "word_accuracy": round(accuracy, 4),
            "correct": accuracy > 0.5, "confidence": float(stored.transcript.roles.get("confidence") or 0.0),
            "needs_review": "; ".join(stored.problems), "seconds": round(stored.seconds, 3)}


def run_all(pipeline: Any, paths: list[str], each: Callable[[StoredTurns], Any],
            progress: Callable[[int, int, str], None] | None = None) -> list[Any]:
    """`each(stored)` for every recording, in order; `progress(done, total, path)` after each."""
    out = []
    for n, path in enumerate(paths, 1):
        out.append(each(run_pipeline(pipeline, path)))
        if progress:
            progress(n, len(paths), path)
    return out
