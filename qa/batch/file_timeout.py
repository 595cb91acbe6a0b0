"""The per-file time limit of a batch (`batch.file_timeout`, `--file-timeout`): what a file that takes too
long ends with, and a time-limited call for the planner's reads.

A file that hangs (a decoder stuck on a broken stream, a named pipe, a network mount that stopped answering)
cannot be interrupted inside the process that is blocked on it: the engines score in worker processes and
kill the one that runs past the limit (qa.batch.engine_local, qa.batch.engine_ray). The planner only reads files to hash
them, so it runs that read in a helper thread and gives up waiting on it (`call_with_limit`).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from qa.batch.types import FAILED, FileOutcome, Task

T = TypeVar("T")


class FileTimeout(Exception):
    """A call given to `call_with_limit` did not return within its `limit` (seconds)."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"no answer within {limit:g} s")
        self.limit = limit


def timeout_reason(limit: float, what: str = "to score and was stopped") -> str:
    """The reason stored for a file given up after `limit` seconds: what happened and what to do."""
    return (f"took longer than {limit:g} s {what} (batch.file_timeout) — check the file "
            "(a decoder stuck on a damaged stream, a named pipe, storage that stopped answering); if calls "
            "this long are normal, raise batch.file_timeout or --file-timeout SECONDS (0: no limit)")


def timed_out(task: Task, limit: float) -> FileOutcome:
    """The failed outcome of a file whose worker was killed after `limit` seconds."""
    reason = timeout_reason(limit)
    return FileOutcome(task.path, error=f"{task.path}: {reason}", reason=reason, status=FAILED,
                       sha256=task.sha256, meta=task.meta)


def call_with_limit(fn: Callable[[], T], limit: float | None) -> T:
    """`fn()`, or `FileTimeout` after `limit` seconds (None or 0: no limit). `fn` runs in a daemon thread
    that is left behind when it overruns: a read blocked in the kernel cannot be cancelled, only abandoned."""
    if not limit:
        return fn()
    value: list[T] = []  # what fn returned, or
    error: list[BaseException] = []  # what it raised

    def target() -> None:
        try:
            value.append(fn())
        except BaseException as exc:  # handed to the caller
            error.append(exc)

    thread = threading.Thread(target=target, name="callqa-limited-read", daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        raise FileTimeout(limit)
    if error:
        raise error[0]
    return value[0]
