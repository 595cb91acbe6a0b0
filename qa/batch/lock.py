"""One batch at a time per database: an advisory lock file beside it (`<db>.lock`).

The operating system releases the lock when the process ends in any way (kill -9 included), so a crashed
run never leaves a stale lock behind; the file keeps the holder's pid for the error message.
"""
from __future__ import annotations

import fcntl
import os
from types import TracebackType

from transcribe.errors import CallQAError


class BatchLocked(CallQAError):
    """Another batch holds the database's lock."""


class RunLock:
    """`with RunLock("qa.duckdb"):` — raises `BatchLocked` at once if another run holds it."""

    def __init__(self, db_path: str) -> None:
        self.path = f"{db_path}.lock"
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise BatchLocked(self.path, f"another callqa batch (pid {holder}) is running on this database",
                              "let it finish (runs never overlap); this run has changed nothing") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
