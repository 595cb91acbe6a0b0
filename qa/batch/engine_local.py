"""Local engines: in this process, or a pool of worker processes that each load the models once.

A worker process that dies (out of memory, a crashing decoder) breaks the pool: the files it had in flight
are re-run one at a time in a fresh pool, so the file that kills a worker is found and failed with a
reason while the others are scored.

With a per-file time limit (`batch.file_timeout`), every worker reports when it starts a file; a file still
running after the limit has its worker killed (a read blocked in C cannot be interrupted in its own
process, and a process pool cannot cancel a running task): that file fails with the time-out reason, and
the other files in flight go back to the front of the queue and run again in a fresh pool. `--workers 1`
with a limit is a pool of one worker process, so the limit holds there too.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import queue as queue_mod
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from qa.batch.file_timeout import timed_out
from qa.batch.types import FAILED, FileOutcome, Task
from qa.batch.worker import lost_outcome
from qa.config.batch import BatchSettings
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline

logger = logging.getLogger("qa")
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WORKER_DIED = ("the worker process died while scoring this file (out of memory, or a crash in a decoder) — "
               "check the file; score it alone with --workers 1 --file-timeout 0 to see the error")

_pipeline: Pipeline | None = None
_started: Any = None  # the pool's queue of (path, pid): a worker starts a file


def run_sequential(tasks: Iterable[Task], pipeline: Pipeline, batch: BatchSettings,
                   on_dispatch: Callable[[Task], None]) -> Iterator[FileOutcome]:
    """Every file in this process, one after another (no time limit: nothing here could stop a hang)."""
    from qa.batch.worker import score_one

    for task in tasks:
        on_dispatch(task)
        yield score_one(pipeline, task, batch)


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent (the batch) ends, in every phase after this call."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not available: the watcher thread below still ends the worker
        pass


def _watch_parent(parent: int | None = None) -> None:
    """End this worker when the batch process `parent` (its pid) is gone, even when it died while this worker was
    still starting (importing, unpickling its settings): no orphan left holding the models."""
    _die_with_parent()
    parent = parent or os.getppid()
    if os.getppid() != parent:  # the batch died before we got here: its orphan was adopted by another process
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="callqa-parent-watch", daemon=True).start()


def _init_worker(settings: Settings, started: Any = None, log_level: int = logging.WARNING,
                 parent: int | None = None) -> None:
    global _pipeline, _started
    _watch_parent(parent)
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    _started = started
    _pipeline = Pipeline(settings)  # models load lazily, once per worker process
    _pipeline.prepare()  # (the PII analyzer: before the first file's clock starts)


def _work(task: Task, batch: BatchSettings) -> FileOutcome:
    from qa.batch.worker import score_one

    assert _pipeline is not None
    if _started is not None:
        _started.put((task.path, os.getpid()))
    return score_one(_pipeline, task, batch)


class _Clock:
    """When each file in flight started, as its worker reported it; which ones ran past the limit."""

    def __init__(self, started: Any, limit: float) -> None:
        self.started, self.limit = started, limit
        self.poll = min(1.0, max(0.05, limit / 20))
        self.since: dict[str, tuple[float, int]] = {}  # path -> (monotonic time seen, worker pid)

    def overdue(self, inflight: Iterable[Task]) -> list[tuple[Task, int]]:
        while True:
            try:
                path, pid = self.started.get_nowait()
            except queue_mod.Empty:
                break
            self.since[path] = (time.monotonic(), pid)
        now = time.monotonic()
        out = []
        for task in inflight:
            seen = self.since.get(task.path)
            if seen and now - seen[0] > self.limit:
                out.append((task, seen[1]))
        return out


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it ended on its own meanwhile


def run_pool(tasks: Iterable[Task], settings: Settings,
             on_dispatch: Callable[[Task], None]) -> Iterator[FileOutcome]:
    """Every file on a pool of `batch.workers` processes (see the module docstring)."""
    limit = settings.batch.file_timeout or None
    queue, suspects = deque(tasks), deque[Task]()
    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding model threads
    level = logging.getLogger("qa").getEffectiveLevel()
    while queue or suspects:
        solo = not queue  # suspects of a crash run one at a time
        source, width = (suspects, 1) if solo else (queue, settings.batch.workers)
        started = ctx.Queue() if limit else None  # one per pool: a killed worker may leave its lock taken
        clock = _Clock(started, limit) if limit else None
        pool = ProcessPoolExecutor(width, mp_context=ctx, initializer=_init_worker,
                                   initargs=(settings, started, level, os.getpid()))
        inflight: dict[Future[FileOutcome], Task] = {}
        broken = killed = False
        try:
            while (source or inflight) and not (broken or killed):
                while source and len(inflight) < (1 if solo else 2 * width):
                    task = source.popleft()
                    on_dispatch(task)
                    inflight[pool.submit(_work, task, settings.batch)] = task
                done, _ = wait(inflight, timeout=clock.poll if clock else None, return_when=FIRST_COMPLETED)
                for fut in done:
                    task = inflight.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if solo:
                            yield FileOutcome(task.path, error=f"{task.path}: {WORKER_DIED}", reason=WORKER_DIED,
                                              status=FAILED, sha256=task.sha256, meta=task.meta)
                        else:
                            suspects.append(task)
                        continue
                    except Exception as exc:  # the outcome could not come back (e.g. it failed to pickle)
                        yield lost_outcome(task, exc)
                        continue
                    yield outcome
                hung = clock.overdue(inflight.values()) if clock and not broken else []
                if hung:
                    killed = True
                    yield from _stop_hung(hung, inflight, queue, limit or 0.0)
            if broken:
                logger.warning("a worker process died; %d file(s) in flight will be re-run one at a time",
                               len(inflight) + len(suspects))
                suspects.extend(inflight.values())
        finally:
            pool.shutdown(wait=not (broken or killed), cancel_futures=True)


def _stop_hung(hung: list[tuple[Task, int]], inflight: dict[Future[FileOutcome], Task], queue: deque[Task],
               limit: float) -> Iterator[FileOutcome]:
    """Kill the workers of the files past the limit and fail those files; a file that finished meanwhile
    keeps its outcome, and the other files in flight go back to the front of `queue` (the pool breaks)."""
    for _, pid in hung:
        _kill(pid)
    stopped = {task.path for task, _ in hung}
    again: list[Task] = []
    for fut, task in list(inflight.items()):
        if task.path in stopped:
            logger.warning("%s: stopped after %g s (batch.file_timeout)", task.path, limit)
            yield timed_out(task, limit)
        elif fut.done() and not fut.cancelled() and fut.exception() is None:
            yield fut.result()
        else:
            again.append(task)
    inflight.clear()
    if again:
        logger.warning("%d other file(s) in flight will be scored again", len(again))
    queue.extendleft(reversed(again))
