"""Score many files: discover inputs, run the pipeline per file, store each result, never stop on one failure."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from qa import __version__
from qa.pipeline import CallResult, Pipeline, is_audio_file, is_transcript_file
from qa.store import Store
from transcribe.errors import CallQAError, InputError, ModelUnavailable

logger = logging.getLogger("qa")


@dataclass
class FileOutcome:
    path: str
    call_id: str | None = None
    result: CallResult | None = None
    error: str | None = None
    model_missing: bool = False
    reason: str | None = None  # the error without the file name (same for every file a missing model stops)


@dataclass
class BatchReport:
    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def done(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.error is None]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.error is not None]


def discover(paths: Iterable[str]) -> list[str]:
    """Files to score: each given file, and every audio/transcript file under each given folder (sorted).
    A missing path is returned as is, so that it is reported as a failure rather than ignored."""
    found: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(root, f) for f in sorted(files)
                             if not f.startswith(".") and (is_audio_file(f) or is_transcript_file(f)))
        else:
            found.append(p)
    return list(dict.fromkeys(found))


def score_files(paths: Iterable[str], pipeline: Pipeline, store: Store, *, command: str = "score",
                on_file: Callable[[int, int, FileOutcome], None] | None = None) -> BatchReport:
    """Score and store every file; a failing file is recorded with its reason and the batch goes on.

    `on_file(i, n, outcome)` is called after each file (progress bars, logs)."""
    files = discover(paths)
    run_id = store.start_run(command, pipeline.settings.to_dict(), __version__)
    report = BatchReport(run_id)
    for i, path in enumerate(files, 1):
        outcome = FileOutcome(path)
        try:
            if not os.path.exists(path):
                raise InputError(path, "file or folder not found", "check the path")
            result = pipeline.process(path)
            outcome.call_id = store.save(result, run_id)
            outcome.result = result
        except ModelUnavailable as exc:
            outcome.error, outcome.model_missing, outcome.reason = f"{path}: {exc.message}", True, exc.message
        except CallQAError as exc:
            outcome.error = exc.message if exc.path else f"{path}: {exc.message}"
        except Exception as exc:  # a bug or an unexpected library error must not stop the batch
            logger.exception("unexpected error on %s", path)
            outcome.error = f"{path}: unexpected error ({type(exc).__name__}: {exc}); please report it"
        if outcome.error:
            store.record_failure(path, outcome.error, run_id)
        report.outcomes.append(outcome)
        if on_file:
            on_file(i, len(files), outcome)
    store.finish_run(run_id, len(report.done), len(report.failed))
    return report
