"""Score many files: plan (content hash, status per file), run the per-call function on an engine, and store
finished calls from one writer — a failing file gets a status and a reason and the batch goes on.

    files --plan--> tasks (queued) --engine: score_one per task--> outcomes --commit (one writer)--> store

Engines: a pool of processes each loading the models once (`workers` > 1, or 1 with a per-file time limit,
`batch.file_timeout`, so that a file that hangs can be stopped), in-process (1 worker without a limit, or a
pipeline handed in by the caller), or Ray (`engine: ray`, qa.batch.engine_ray). Finished calls are committed in
groups (at least once a second): a run killed at any moment loses only the uncommitted calls, which the next
run redoes; a call is never stored twice.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator

from qa import __version__
from qa.batch.discover import Scan, discover, scan
from qa.batch.paths import plan_paths, refusal
from qa.batch.state import commit, plan, record_summary
from qa.batch.types import BatchReport, BatchSummary, FileOutcome, Task, by_count
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.store.database import Store

__all__ = ["BatchReport", "FileOutcome", "Scan", "discover", "run_batch", "scan", "score_files"]

logger = logging.getLogger("qa")
COMMIT_EVERY_S = 1.0
COMMIT_EVERY_N = 50


def _engine(tasks: list[Task], settings: Settings, pipeline: Pipeline | None, run_id: str,
            on_dispatch: Callable[[Task], None]) -> Iterator[FileOutcome]:
    batch = settings.batch
    if batch.engine == "ray":
        from qa.batch.engine_ray import run_ray

        return run_ray(tasks, settings, run_id, on_dispatch)
    # With a per-file time limit even one worker is a child process, the only place a hang can be stopped;
    # a pipeline handed in by the caller lives in this process, so it runs here, without the limit.
    if tasks and (batch.workers > 1 and len(tasks) > 1 or batch.file_timeout and pipeline is None):
        from qa.batch.engine_local import run_pool

        Pipeline(settings)  # a bad setting (e.g. the rubric) fails the run here, not every file in the workers
        return run_pool(tasks, settings, on_dispatch)
    from qa.batch.engine_local import run_sequential

    return run_sequential(tasks, pipeline or Pipeline(settings), batch, on_dispatch)


def run_batch(paths: Iterable[str], settings: Settings, store: Store, *, pipeline: Pipeline | None = None,
              retry_failed: bool = False, command: str = "score",
              on_file: Callable[[int, int, FileOutcome], None] | None = None,
              scanned: Scan | None = None) -> BatchReport:
    """Score every file under `paths` into `store`, resuming where earlier runs stopped.

    Files already done (same content) are skipped, as are files that failed before unless `retry_failed`;
    files a folder scan leaves out are counted with their reasons (`report.not_imported`). `scanned`: the scan
    of `paths` when the caller has made it. `on_file(i, n, outcome)` is called for every file to score,
    settled or scored (progress bars, logs)."""
    t0 = time.monotonic()
    batch = settings.batch
    scanned = scanned or scan(paths)
    files = scanned.files
    path_plan = plan_paths(files, batch, store)
    refused = refusal(path_plan, batch.allow_unknown_agents)
    if refused is not None:  # before the run starts: nothing is stored under a pattern that would mis-assign
        raise refused
    run_id = store.start_run(command, settings.to_dict(), __version__)
    report = BatchReport(run_id, not_imported=list(scanned.skipped))
    tasks, settled = plan(store, files, run_id, batch, retry_failed, path_plan.metadata)
    n = len(files)

    def note(o: FileOutcome) -> None:
        report.outcomes.append(o)
        if on_file:
            on_file(len(report.outcomes), n, o)

    for o in settled:
        note(o)
    pending: list[FileOutcome] = []
    dispatched: list[Task] = []
    last = time.monotonic()
    try:
        for o in _engine(tasks, settings, pipeline, run_id, dispatched.append):
            pending.append(o)
            if len(pending) >= COMMIT_EVERY_N or time.monotonic() - last >= COMMIT_EVERY_S:
                commit(store, pending, dispatched, run_id)
                for p in pending:  # told once stored: a call refused at commit is reported failed, not ok
                    p.parquet = None
                    note(p)
                pending, dispatched, last = [], [], time.monotonic()
    finally:
        commit(store, pending, dispatched, run_id)  # also on Ctrl-C: keep what is finished
    for p in pending:
        note(p)
    left_out = scanned.reasons()
    s = BatchSummary(run_id, batch.engine, batch.workers, n + len(scanned.skipped), len(report.done),
                     len(report.failed), len(report.skipped) + len(scanned.skipped),
                     sum(o.audio_seconds for o in report.done + report.needs_review),
                     time.monotonic() - t0, len(report.needs_review), tuple(by_count(left_out)))
    report.summary = s
    store.finish_run(run_id, s.n_done, s.n_failed)
    record_summary(store, s)
    logger.info("%s", s.line())
    return report


def score_files(paths: Iterable[str], pipeline: Pipeline, store: Store, *, command: str = "score",
                retry_failed: bool = True,
                on_file: Callable[[int, int, FileOutcome], None] | None = None) -> BatchReport:
    """`run_batch` with a pre-built pipeline, in this process (tests, notebooks): `batch.file_timeout` does not
    apply (a hang cannot be stopped inside its own process); `run_batch` without a pipeline enforces it."""
    return run_batch(paths, pipeline.settings, store, pipeline=pipeline, retry_failed=retry_failed,
                     command=command, on_file=on_file)
