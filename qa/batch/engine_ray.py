"""Ray engine: the same per-call function (`qa.batch.worker.score_one`) on the actors of a Ray cluster.

Each actor loads the models once and writes every finished call as Parquet into `batch.results_dir`
(qa.batch.parquet_results); only small outcomes travel back, and the driver — the one writer — ingests the
Parquet files into the store. A file still running after `batch.file_timeout` seconds (counted from when it
was handed to its actor: an actor's first file includes the actor's start) has its actor killed and replaced,
and fails with the time-out reason. On a cluster, the input files and `results_dir` must be on storage every
node sees under the same path, and every node needs callqa and the models installed (see docs/ray.md).
"""
from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from qa.batch.file_timeout import timed_out
from qa.batch.types import DONE, FAILED, FileOutcome, Task
from qa.config.settings import Settings
from transcribe.errors import InputError

logger = logging.getLogger("qa")
ACTOR_DIED = ("the Ray worker died while scoring this file (out of memory, or a crash in a decoder) — "
              "check the file; score it alone with --workers 1 --file-timeout 0 to see the error")


class ScoreActor:
    """Holds one Pipeline (models loaded once) and a Parquet writer."""

    def __init__(self, settings: Settings, results_dir: str, run_id: str) -> None:
        from qa.batch.parquet_results import ParquetWriter
        from qa.pipeline.call import Pipeline

        self.settings, self.run_id = settings, run_id
        self.pipeline = Pipeline(settings)
        self.pipeline.prepare()  # (the PII analyzer: before the first file's clock starts)
        self.writer = ParquetWriter(results_dir)

    def run(self, task: Task) -> FileOutcome:
        from qa.batch.worker import score_one

        outcome = score_one(self.pipeline, task, self.settings.batch)
        if outcome.status == DONE and outcome.result is not None:
            key = (task.sha256 or outcome.call_id or "call")[:16]
            outcome.parquet = self.writer.write(outcome.result, key, self.run_id)
            outcome.result = None  # the Parquet files carry it
        return outcome


def default_results_dir(db_path: str) -> str:
    return os.path.abspath(f"{db_path}.results")


def _connect(address: str | None) -> bool:
    """Join or start Ray; returns whether this call started it (and so must shut it down)."""
    import ray

    if ray.is_initialized():
        return False
    # Workers import this same code (a source checkout included); on a cluster, install callqa on every node.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env: dict[str, Any] = {"env_vars": {"PYTHONPATH": os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p)}}
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, runtime_env=env,
                 configure_logging=False)
    except Exception as exc:
        raise InputError(address or "local Ray", f"cannot start or join the Ray cluster ({type(exc).__name__}: "
                         f"{exc})", "check batch.ray_address (e.g. ray://head:10001 or auto)") from None
    return True


def run_ray(tasks: Iterable[Task], settings: Settings, run_id: str,
            on_dispatch: Callable[[Task], None]) -> Iterator[FileOutcome]:
    import ray
    from ray.exceptions import RayActorError, RayError

    batch = settings.batch
    results_dir = os.path.abspath(batch.results_dir) if batch.results_dir else None
    if results_dir is None:
        raise InputError(None, "the ray engine needs batch.results_dir", "give --results-dir DIR (shared storage)")
    queue = deque(tasks)
    if not queue:
        return
    limit = batch.file_timeout or None
    poll = min(1.0, max(0.05, limit / 20)) if limit else None
    started = _connect(batch.ray_address)
    actor_cls = ray.remote(num_cpus=1)(ScoreActor)
    try:
        idle = [actor_cls.remote(settings, results_dir, run_id) for _ in range(min(batch.workers, len(queue)))]
        inflight: dict[Any, tuple[Task, Any, float]] = {}
        while queue or inflight:
            while queue and idle:
                actor, task = idle.pop(), queue.popleft()
                on_dispatch(task)
                # Ray types an actor handle's methods as the plain methods, without the `.remote` it adds
                inflight[actor.run.remote(task)] = (task, actor, time.monotonic())  # type: ignore[attr-defined]
            ready, _ = ray.wait(list(inflight), num_returns=1, timeout=poll)
            for ref in ready:
                task, actor, _ = inflight.pop(ref)
                try:
                    yield ray.get(ref)
                    idle.append(actor)
                except RayActorError:
                    ray.kill(actor)
                    idle.append(actor_cls.remote(settings, results_dir, run_id))
                    yield FileOutcome(task.path, error=f"{task.path}: {ACTOR_DIED}", reason=ACTOR_DIED, status=FAILED,
                                      sha256=task.sha256, meta=task.meta)
                except RayError as exc:
                    reason = f"Ray task failed ({type(exc).__name__}: {exc}); please report it"
                    idle.append(actor)
                    yield FileOutcome(task.path, error=f"{task.path}: {reason}", reason=reason, status=FAILED,
                                      sha256=task.sha256, meta=task.meta)
            if not limit:
                continue
            overdue = [ref for ref, (_, _, t0) in inflight.items() if time.monotonic() - t0 > limit]
            for ref in overdue:  # ray.cancel cannot stop a running actor task: its actor is killed, and replaced
                task, actor, _ = inflight.pop(ref)
                ray.kill(actor, no_restart=True)
                idle.append(actor_cls.remote(settings, results_dir, run_id))
                logger.warning("%s: stopped after %g s (batch.file_timeout)", task.path, limit)
                yield timed_out(task, limit)
    finally:
        if started:
            ray.shutdown()
