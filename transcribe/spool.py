"""Long recordings' samples on disk instead of in memory: one private, nameless temporary file per channel.

A 2 h stereo call is ~920 MB of 16 kHz float32. Above `decode`'s threshold the decoded samples are written,
block by block, to files made with `tempfile.TemporaryFile` (mode 0600; on Linux an O_TMPFILE that never has
a name, elsewhere a file unlinked at once, or deleted on close on Windows): a crash or a kill leaves nothing
behind, and no other user can open them. Readers take only the slices they need (`channel[a:b]` returns an
ordinary array), so memory stays bounded by the largest slice, whatever the call's length.
"""
from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from transcribe.errors import CallQAError

DTYPE = np.dtype(np.float32)


class SpooledChannel:
    """One channel's float32 samples in a private temporary file; indexed like a 1-D array with slices.

    `channel[a:b]` reads that slice into a new array; `blocks(n)` walks the channel; `memmap()` maps it
    (copy-on-write, no read) for code that needs one array-like object (pyannote); `np.asarray(channel)`
    reads it all (avoid on long calls). `close()` frees the file."""

    dtype = DTYPE
    ndim = 1

    def __init__(self, fh: Any, length: int) -> None:
        self._fh = fh
        self._n = int(length)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._n

    @property
    def shape(self) -> tuple[int]:
        return (self._n,)

    @property
    def size(self) -> int:
        return self._n

    @property
    def closed(self) -> bool:
        return self._fh.closed

    def __getitem__(self, key: slice) -> np.ndarray:
        if not isinstance(key, slice):
            raise TypeError("a spooled channel is read with slices, e.g. channel[a:b]")
        start, stop, step = key.indices(self._n)
        out = np.empty(max(0, stop - start), dtype=DTYPE)
        if out.size:
            view = out.data.cast("B")
            with self._lock:
                self._fh.seek(start * DTYPE.itemsize)
                got = 0
                while got < len(view):
                    n = self._fh.readinto(view[got:])
                    if not n:
                        raise CallQAError(None, "the temporary copy of the decoded audio is shorter than expected",
                                          "check the temporary folder (disk errors?)")
                    got += n
        return out[::step] if step != 1 else out

    def blocks(self, size: int) -> Iterator[tuple[int, np.ndarray]]:
        """(start sample, samples) of consecutive blocks of at most `size` samples."""
        for start in range(0, self._n, size):
            yield start, self[start:start + size]

    def memmap(self) -> np.ndarray:
        """The whole channel as a copy-on-write memory map: nothing is read until touched, and pages read
        are the OS's to drop again (they show in the process's RSS while mapped)."""
        if self._n == 0:
            return np.zeros(0, dtype=DTYPE)
        return np.memmap(self._fh, dtype=DTYPE, mode="c", shape=(self._n,))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = self[:]
        return whole if dtype is None else whole.astype(dtype, copy=False)

    def close(self) -> None:
        self._fh.close()

    def __repr__(self) -> str:
        return f"SpooledChannel({self._n} samples{', closed' if self.closed else ''})"


Samples = np.ndarray | SpooledChannel


def iter_blocks(samples: Samples, size: int) -> Iterator[tuple[int, np.ndarray]]:
    """(start sample, samples) blocks of an in-memory array (views) or a spooled channel (reads)."""
    if isinstance(samples, SpooledChannel):
        yield from samples.blocks(size)
    else:
        for start in range(0, len(samples), size):
            yield start, samples[start:start + size]


def read_padded(samples: Samples, start: int, stop: int) -> np.ndarray:
    """float32 samples[start:stop] where positions outside the channel read as zeros (framing at the edges)."""
    out = np.zeros(max(0, stop - start), dtype=DTYPE)
    lo, hi = max(start, 0), min(stop, len(samples))
    if hi > lo:
        out[lo - start:hi - start] = samples[lo:hi]
    return out


class SpoolWriter:
    """Appends planar float32 blocks (channels x samples) to one private temporary file per channel."""

    def __init__(self, n_channels: int, temp_dir: str | None = None, path: str | None = None) -> None:
        self.path, self.temp_dir = path, temp_dir or tempfile.gettempdir()
        self._files: list[Any] = []
        self._n = 0
        try:
            for _ in range(n_channels):
                self._files.append(tempfile.TemporaryFile(dir=self.temp_dir))  # noqa: SIM115  (closed by close())
        except OSError as exc:
            self.close()
            raise CallQAError(path, f"cannot create a temporary file in {self.temp_dir} for the decoded audio "
                              f"({exc.strerror or exc})",
                              "set audio.spool_dir (or TMPDIR) to a writable folder") from exc

    def write(self, block: np.ndarray) -> None:
        try:
            for fh, row in zip(self._files, block):
                fh.write(np.ascontiguousarray(row, dtype=DTYPE).data)
        except OSError as exc:
            need = (self._n + block.shape[1]) * DTYPE.itemsize * len(self._files) / 1e6
            self.close()
            raise CallQAError(self.path, f"cannot write the decoded audio to {self.temp_dir} "
                              f"({exc.strerror or exc}; {need:.0f} MB so far)",
                              "free space there or set audio.spool_dir (or TMPDIR) to a larger folder") from exc
        self._n += block.shape[1]

    def finish(self) -> list[SpooledChannel]:
        """The written channels, ready to read (the writer gives up their files)."""
        try:
            for fh in self._files:
                fh.flush()
        except OSError as exc:
            self.close()
            raise CallQAError(self.path, f"cannot write the decoded audio to {self.temp_dir} "
                              f"({exc.strerror or exc})", "free space there or set audio.spool_dir") from exc
        channels = [SpooledChannel(fh, self._n) for fh in self._files]
        self._files = []
        return channels

    def close(self) -> None:
        """Drop every file (after a failure): the OS frees them, nothing stays on disk."""
        for fh in self._files:
            fh.close()
        self._files = []

