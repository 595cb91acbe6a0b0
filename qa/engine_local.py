"""Local engines: in this process, or a pool of worker processes that each load the models once.

A worker process that dies (out of memory, a crashing decoder) breaks the pool: the files it had in flight
are re-run one at a time in a fresh pool, so the file that kills a worker is found and failed with a
reason while the others are scored.
"""
from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

from qa.batch_types import FAILED, FileOutcome, Task
from qa.batchconf import BatchSettings
from qa.pipeline import Pipeline
from qa.settings import Settings

logger = logging.getLogger("qa")
WORKER_DIED = ("the worker process died while scoring this file (out of memory, or a crash in a decoder) — "
               "check the file; score it alone with --workers 1 to see the error")

_pipeline: Pipeline | None = None


def run_sequential(tasks: Iterable[Task], pipeline: Pipeline, batch: BatchSettings,
                   on_dispatch: Callable[[Task], None]) -> Iterator[FileOutcome]:
    from qa.batch import score_one

    for task in tasks:
        on_dispatch(task)
        yield score_one(pipeline, task, batch)


def _init_worker(settings: Settings) -> None:
    global _pipeline
    _pipeline = Pipeline(settings)  # models load lazily, once per worker process


def _work(task: Task, batch: BatchSettings) -> FileOutcome:
    from qa.batch import score_one

    assert _pipeline is not None
    return score_one(_pipeline, task, batch)


def run_pool(tasks: Iterable[Task], settings: Settings,
             on_dispatch: Callable[[Task], None]) -> Iterator[FileOutcome]:
    workers = settings.batch.workers
    queue, suspects = deque(tasks), deque()
    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding model threads
    while queue or suspects:
        solo = not queue  # suspects of a crash run one at a time
        source, width = (suspects, 1) if solo else (queue, workers)
        limit = 1 if solo else 2 * width
        pool = ProcessPoolExecutor(width, mp_context=ctx, initializer=_init_worker, initargs=(settings,))
        inflight: dict[Future[FileOutcome], Task] = {}
        broken = False
        try:
            while (source or inflight) and not broken:
                while source and len(inflight) < limit:
                    task = source.popleft()
                    on_dispatch(task)
                    inflight[pool.submit(_work, task, settings.batch)] = task
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
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
                    yield outcome
            if broken:
                logger.warning("a worker process died; %d file(s) in flight will be re-run one at a time",
                               len(inflight) + len(suspects))
                suspects.extend(inflight.values())
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)
