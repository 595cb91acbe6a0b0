"""Dataclasses at the batch boundaries: a file to score (`Task`), what became of it (`FileOutcome`), and the
run's report with its summary."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qa.pipeline.result import CallResult

QUEUED, RUNNING, DONE, FAILED, SKIPPED = "queued", "running", "done", "failed", "skipped"
NEEDS_REVIEW = "needs_review"  # speech recognition failed on the call: not scored, a reviewer must listen
STATUSES = (QUEUED, RUNNING, DONE, NEEDS_REVIEW, FAILED, SKIPPED)


@dataclass(frozen=True)
class Task:
    """One input file to score. `sha256` is the content hash that keys its call (None if unreadable)."""

    path: str
    sha256: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class FileOutcome:
    """What happened to one file in a run. `status` is done, needs_review (recognition failed: `reason` says
    why, no result), failed or skipped."""

    path: str
    call_id: str | None = None
    result: CallResult | None = None
    error: str | None = None
    model_missing: bool = False
    reason: str | None = None  # the error without the file name (same for every file a missing model stops)
    status: str = DONE
    sha256: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    audio_seconds: float = 0.0
    parquet: str | None = None  # ray engine: the folder holding this call's Parquet results

    @property
    def skip_reason(self) -> str | None:
        return self.reason if self.status == SKIPPED else None


@dataclass(frozen=True)
class BatchSummary:
    """The end-of-run summary, written to the log and to the store (`batch_runs`)."""

    run_id: str
    engine: str
    workers: int
    n_files: int
    n_done: int
    n_failed: int
    n_skipped: int
    audio_seconds: float
    wall_seconds: float
    n_needs_review: int = 0

    def line(self) -> str:
        review = f"{self.n_needs_review} need review, " if self.n_needs_review else ""
        return (f"run {self.run_id}: {self.n_files} file(s): {self.n_done} done, {review}{self.n_failed} failed, "
                f"{self.n_skipped} skipped; {self.audio_seconds / 3600:.2f} h of audio in "
                f"{self.wall_seconds:.1f} s wall time ({self.engine}, {self.workers} worker(s))")


@dataclass
class BatchReport:
    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    summary: BatchSummary | None = None

    @property
    def done(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == DONE]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def needs_review(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == NEEDS_REVIEW]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == SKIPPED]
