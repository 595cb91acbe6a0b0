"""The per-call function every engine runs (in-process, a worker process, a Ray actor): one planned file -> one
`FileOutcome`, never an exception for a bad file."""
from __future__ import annotations

import logging
import os

from qa.batch.types import FAILED, NEEDS_REVIEW, FileOutcome, Task
from qa.config.batch import BatchSettings
from qa.pipeline.call import CallResult, Pipeline, is_transcript_file
from qa.pipeline.recognition import RecognitionFailed
from transcribe.errors import CallQAError, InputError, ModelUnavailable

logger = logging.getLogger("qa")


def apply_metadata(result: CallResult, meta: dict) -> None:
    """Path metadata onto the call: agent_id when the call has none; everything under extra["path_meta"]."""
    if not meta:
        return
    t = result.transcript
    if not t.agent_id and meta.get("agent_id"):
        t.agent_id = meta["agent_id"]
    t.extra["path_meta"] = dict(meta)


def score_one(pipeline: Pipeline, task: Task, batch: BatchSettings) -> FileOutcome:
    """The per-call function every engine runs: one file -> an outcome (never raises for a bad file)."""
    path = task.path
    outcome = FileOutcome(path, sha256=task.sha256, meta=task.meta)
    try:
        if not os.path.exists(path):
            raise InputError(path, "file or folder not found", "check the path")
        size = os.path.getsize(path)
        if is_transcript_file(path) and size > batch.max_transcript_mb * 1e6:
            raise InputError(path, f"is {size / 1e6:.1f} MB, larger than batch.max_transcript_mb "
                             f"({batch.max_transcript_mb:g} MB) allows for a transcript",
                             "check that it is a single call's transcript, or raise batch.max_transcript_mb")
        result = pipeline.process(path, meta=task.meta)
        apply_metadata(result, task.meta)
        outcome.result, outcome.call_id = result, result.transcript.call_id
        if result.transcript.source == "audio":
            outcome.audio_seconds = float(result.transcript.duration)
    except RecognitionFailed as exc:  # not a score and not a crash: the call goes to a reviewer
        outcome.status, outcome.call_id = NEEDS_REVIEW, exc.transcript.call_id
        outcome.reason = f"{exc.problem} — {exc.fix}"
        outcome.audio_seconds = float(exc.transcript.duration)
        return outcome
    except ModelUnavailable as exc:
        outcome.error, outcome.model_missing, outcome.reason = f"{path}: {exc.message}", True, exc.message
    except CallQAError as exc:
        outcome.error = exc.message if exc.path else f"{path}: {exc.message}"
        outcome.reason = exc.problem + (f" — {exc.fix}" if exc.fix else "")
    except MemoryError:
        outcome.error = f"{path}: ran out of memory"
        outcome.reason = "ran out of memory — score it alone (--workers 1) or on a machine with more memory"
    except Exception as exc:  # a bug or an unexpected library error must not stop the batch
        logger.exception("unexpected error on %s", path)
        outcome.reason = f"unexpected error ({type(exc).__name__}: {exc}); please report it"
        outcome.error = f"{path}: {outcome.reason}"
    if outcome.error:
        outcome.status, outcome.result = FAILED, None
    return outcome


def lost_outcome(task: Task, exc: BaseException) -> FileOutcome:
    """The failure of a file whose outcome could not come back from its worker (it could not be pickled, or the
    engine raised for it): that file fails with the reason, the run goes on."""
    logger.error("%s: its result could not be returned by the worker (%s: %s)", task.path, type(exc).__name__,
                 str(exc)[:300])
    reason = (f"its result could not be returned by the worker process ({type(exc).__name__}: {str(exc)[:300]}) "
              "— check the file (e.g. deeply nested fields); please report it")
    return FileOutcome(task.path, error=f"{task.path}: {reason}", reason=reason, status=FAILED, sha256=task.sha256,
                       meta=task.meta)
