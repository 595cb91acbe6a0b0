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
import os
import time
from typing import Callable, Iterable, Iterator

from qa import __version__
from qa.batch.state import commit, plan, record_summary
from qa.batch.types import DONE, FAILED, BatchReport, BatchSummary, FileOutcome, Task
from qa.config.batch import BatchSettings
from qa.pipeline.call import CallResult, Pipeline, is_audio_file, is_transcript_file
from qa.config.settings import Settings
from qa.store.database import Store
from transcribe.errors import CallQAError, InputError, ModelUnavailable

__all__ = ["BatchReport", "FileOutcome", "discover", "run_batch", "score_files", "score_one"]

logger = logging.getLogger("qa")
COMMIT_EVERY_S = 1.0
COMMIT_EVERY_N = 50


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
        result = pipeline.process(path)
        apply_metadata(result, task.meta)
        outcome.result, outcome.call_id = result, result.transcript.call_id
        if result.transcript.source == "audio":
            outcome.audio_seconds = float(result.transcript.duration)
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
              on_file: Callable[[int, int, FileOutcome], None] | None = None) -> BatchReport:
    """Score every file under `paths` into `store`, resuming where earlier runs stopped.

    Files already done (same content) are skipped, as are files that failed before unless `retry_failed`.
    `on_file(i, n, outcome)` is called for every file, settled or scored (progress bars, logs)."""
    t0 = time.monotonic()
    batch = settings.batch
    files = discover(paths)
    run_id = store.start_run(command, settings.to_dict(), __version__)
    report = BatchReport(run_id)
    tasks, settled = plan(store, files, run_id, batch, retry_failed)
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
            note(o)
            if len(pending) >= COMMIT_EVERY_N or time.monotonic() - last >= COMMIT_EVERY_S:
                commit(store, pending, dispatched, run_id)
                for p in pending:
                    p.parquet = None
                pending, dispatched, last = [], [], time.monotonic()
    finally:
        commit(store, pending, dispatched, run_id)  # also on Ctrl-C: keep what is finished
    s = BatchSummary(run_id, batch.engine, batch.workers, n, len(report.done), len(report.failed),
                     len(report.skipped), sum(o.audio_seconds for o in report.done), time.monotonic() - t0)
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
