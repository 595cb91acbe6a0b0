"""Dataclasses at the batch boundaries: a file to score (`Task`), what became of it (`FileOutcome`), and the
run's report with its summary."""
from __future__ import annotations

from collections import Counter
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
    not_imported: tuple[tuple[str, int], ...] = ()  # (reason, files) a folder scan left out, counted in n_skipped

    def line(self) -> str:
        review = f"{self.n_needs_review} need review, " if self.n_needs_review else ""
        left_out = (f" ({sum(n for _, n in self.not_imported)} not imported: "
                    + ", ".join(f"{n} {reason}" for reason, n in self.not_imported) + ")") if self.not_imported else ""
        return (f"run {self.run_id}: {self.n_files} file(s): {self.n_done} done, {review}{self.n_failed} failed, "
                f"{self.n_skipped} skipped{left_out}; {self.audio_seconds / 3600:.2f} h of audio in "
                f"{self.wall_seconds:.1f} s wall time ({self.engine}, {self.workers} worker(s))")


def _skip_kind(reason: str | None) -> str:
    """A settled file's skip reason without its details, so that the run's line groups them."""
    for head, kind in (("failed before", "failed before (--retry-failed tries again)"),
                       ("needs review", "need review (--retry-failed recognises again)")):
        if (reason or "").startswith(head):
            return kind
    return reason or "skipped"


def by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    """(reason, count), most common first, then alphabetically (the same order on every run)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass(frozen=True)
class SkippedFile:
    """A file a folder scan left out, and why (`key`: the reason's stable name, for UI strings)."""

    path: str
    reason: str
    key: str


@dataclass
class BatchReport:
    """Every file of a run: `outcomes` of the files it scored or settled, `not_imported` the files a folder scan
    left out (`qa.batch.discover.SkippedFile`: path, reason)."""

    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    summary: BatchSummary | None = None
    not_imported: list[SkippedFile] = field(default_factory=list)

    def files_line(self) -> str:
        """"N files: X imported, Y failed, Z skipped (reasons…)" — every file the run saw, each counted once."""
        skipped = Counter(_skip_kind(o.reason) for o in self.skipped)
        skipped.update(s.reason for s in self.not_imported)
        n = len(self.outcomes) + len(self.not_imported)
        imported = len(self.done) + len(self.needs_review)
        reasons = f" ({', '.join(f'{k} {r}' for r, k in by_count(skipped))})" if skipped else ""
        failed = f"{len(self.failed)} failed, " if self.failed else ""
        return f"{n} file(s): {imported} imported, {failed}{sum(skipped.values())} skipped{reasons}"

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
