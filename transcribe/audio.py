"""Decode a call recording to 16 kHz float32, one channel per party.

Accepts anything FFmpeg (through PyAV) reads — wav, mp3, flac, ogg, m4a — at any sample rate. A stereo
file is one party per channel; a stereo file whose two channels are identical is treated as mono; more
than two channels are mixed down to mono (logged), since there is no convention for which is which.

Decoding is streamed: FFmpeg's frames are resampled block by block. A recording up to `spool_after`
seconds (10 min) is kept in memory as arrays; a longer one is written, as it is decoded, to private
temporary files (`transcribe.spool`) and read back slice by slice, so memory does not grow with the
call's length. Every measure here (`speech_regions`) reads its input block by block, so it works on both.
"""
from __future__ import annotations

import hashlib
import logging
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from transcribe.errors import CallQAError, InputError
from transcribe.spool import Samples, SpooledChannel, SpoolWriter, iter_blocks, read_padded

SAMPLE_RATE = 16000
AUDIO_EXTENSIONS = (".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".wma", ".webm")
ACCEPTED = "a wav, mp3, flac, ogg or m4a recording"
CUT_OFF_TOLERANCE_S, CUT_OFF_TOLERANCE = 0.25, 0.02  # seconds, share of the declared length
SILENCE_DBFS = -55.0  # a channel whose loudest 50 ms frame is below this holds no speech
SPOOL_AFTER_S = 600.0  # decoded recordings longer than this go to private temporary files, not memory
FLUSH_SAMPLES = SAMPLE_RATE  # spooled: decoded frames are written out about once per second of audio
GATE_FRAME, GATE_HOP = 800, 400  # speech gate: 50 ms frames, 25 ms hop at 16 kHz
BLOCK_FRAMES = 4096  # frames measured per block (~100 s of audio for the gate)

logger = logging.getLogger("transcribe")


@dataclass
class Audio:
    """Decoded audio: `channels` hold float32 samples at `sample_rate` (16 kHz), one per party (1 or 2) —
    numpy arrays, or `SpooledChannel`s (read with slices) for a recording longer than `decode`'s
    `spool_after`. `close()` (or `with audio:`) frees the temporary files at once."""

    path: str
    channels: list[Samples]
    sample_rate: int
    sha256: str
    source_rate: int
    source_channels: int
    notes: list[str] = field(default_factory=list)
    derived: list[SpooledChannel] = field(default_factory=list, repr=False)  # e.g. `mix_down`'s, closed with it

    @property
    def duration(self) -> float:
        return len(self.channels[0]) / self.sample_rate if self.channels else 0.0

    @property
    def is_stereo(self) -> bool:
        return len(self.channels) == 2

    @property
    def spooled(self) -> bool:
        """True when the samples are in temporary files rather than in memory."""
        return any(isinstance(c, SpooledChannel) for c in self.channels)

    def close(self) -> None:
        for c in [*self.channels, *self.derived]:
            if isinstance(c, SpooledChannel):
                c.close()

    def __enter__(self) -> Audio:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def file_sha256(path: str, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes: the identity of a recorded call."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_readable(path: str) -> None:
    if not os.path.exists(path):
        raise InputError(path, "file not found", "check the path")
    if os.path.isdir(path):
        raise InputError(path, "is a folder, not an audio file")
    if not os.access(path, os.R_OK):
        raise InputError(path, "cannot be read (permission denied)", "give the user running callqa read access")
    if os.path.getsize(path) == 0:
        raise InputError(path, "is empty (0 bytes)", f"re-export the call as {ACCEPTED}")


class _Sink:
    """Collects decoded blocks (channels x samples): in memory, or past `spool_after` seconds (declared by
    the container or reached while decoding) in private temporary files. Also tracks whether the two
    channels of a spooled stereo recording are identical, block by block."""

    def __init__(self, path: str, spool_after: float | None, spool_dir: str | None) -> None:
        self.path, self.spool_dir = path, spool_dir
        self.limit = None if spool_after is None else int(spool_after * SAMPLE_RATE)
        self.n_out, self.samples, self.same = 1, 0, True
        self.blocks: list[np.ndarray] = []
        self.pending_samples = 0
        self.writer: SpoolWriter | None = None

    def start(self, n_out: int, declared_seconds: float) -> None:
        self.n_out = n_out
        if self.limit is not None and declared_seconds * SAMPLE_RATE > self.limit:
            self._spill()

    def add(self, block: np.ndarray) -> None:
        self.samples += block.shape[1]
        self.blocks.append(block)
        if self.writer is None:
            if self.limit is not None and self.samples > self.limit:
                self._spill()
        else:
            self.pending_samples += block.shape[1]
            if self.pending_samples >= FLUSH_SAMPLES:
                self._flush()

    def _spill(self) -> None:
        logger.info("%s: long recording, decoded samples go to a temporary file", self.path)
        self.writer = SpoolWriter(self.n_out, self.spool_dir, self.path)
        self._flush()

    def _flush(self) -> None:
        """Write the held blocks, about a second at a time, letting go of each group once written."""
        if self.writer is None:
            return
        todo, self.blocks, self.pending_samples = self.blocks[::-1], [], 0
        while todo:
            group = [todo.pop()]
            size = group[0].shape[1]
            while todo and size < FLUSH_SAMPLES:
                group.append(todo.pop())
                size += group[-1].shape[1]
            block = np.concatenate(group, axis=1) if len(group) > 1 else group[0]
            if self.n_out == 2 and self.same:
                self.same = bool(np.allclose(block[0], block[1], atol=1e-4))
            self.writer.write(block)

    def channels(self) -> tuple[list[Samples], bool]:
        """(channels, whether a stereo recording's two channels are identical)."""
        if self.writer is None:
            data = np.concatenate(self.blocks, axis=1) if self.blocks else np.zeros((self.n_out, 0), np.float32)
            self.blocks = []
            channels: list[Samples] = [np.ascontiguousarray(c, dtype=np.float32) for c in data]
            same = len(channels) == 2 and bool(np.allclose(channels[0], channels[1], atol=1e-4))
            return channels, same
        self._flush()
        spooled: list[Samples] = list(self.writer.finish())
        self.writer = None
        return spooled, self.n_out == 2 and self.same

    def close(self) -> None:
        self.blocks = []
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def cut_off(declared: float, decoded: float) -> bool:
    """Whether audio that stops at `decoded` seconds is short of the `declared` length (the container's header)
    by more than encoder padding explains (0.25 s or 2 %, whichever is more). 0 declared: nothing to compare."""
    return declared > 0 and declared - decoded > max(CUT_OFF_TOLERANCE_S, CUT_OFF_TOLERANCE * declared)


def wav_declared_seconds(path: str) -> float | None:
    """The length a WAV file's header declares (its `data` chunk size), or None when it is not a RIFF/WAVE file
    or declares no usable size. FFmpeg clamps a WAV's duration to the bytes present, so a cut-off WAV would
    otherwise look complete."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        rate = align = 0
        for _ in range(64):  # a handful of chunks precede the data
            chunk = fh.read(8)
            if len(chunk) < 8:
                return None
            cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if cid == b"fmt ":
                fmt = fh.read(size + (size & 1))
                if len(fmt) < 16:
                    return None
                rate, align = struct.unpack("<I", fmt[4:8])[0], struct.unpack("<H", fmt[12:14])[0]
            elif cid == b"data":
                if not rate or not align or size in (0, 0xFFFFFFFF):  # 0xFFFFFFFF: written while streaming
                    return None
                return size / (rate * align)
            else:
                fh.seek(size + (size & 1), os.SEEK_CUR)
    return None


def _decode_into(path: str, sink: _Sink) -> tuple[int, int]:
    """Decode and resample to 16 kHz float planar blocks handed to `sink`; returns (source rate, source
    channels). Any failure drops what the sink holds (temporary files included) and names the file; so does
    audio that stops well before the length its container declares (a file cut off in copying or upload)."""
    import av  # PyAV bundles FFmpeg; imported here to keep `import transcribe` light

    try:
        with av.open(path, metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                raise InputError(path, "contains no audio stream", f"give {ACCEPTED}")
            stream = streams[0]
            src_rate = int(stream.codec_context.sample_rate or stream.rate or 0)
            src_channels = int(stream.codec_context.channels or 0)
            layout = "stereo" if src_channels == 2 else "mono"
            declared = float(container.duration) / av.time_base if container.duration else 0.0
            if container.format.name == "wav":
                declared = wav_declared_seconds(path) or declared
            sink.start(2 if layout == "stereo" else 1, declared)
            resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    sink.add(out.to_ndarray())
            for out in resampler.resample(None):
                sink.add(out.to_ndarray())
            decoded = sink.samples / SAMPLE_RATE
            if cut_off(declared, decoded):
                raise InputError(path, f"is cut off: its header declares {declared:.1f} s of audio but the audio "
                                 f"stops at {decoded:.1f} s", "copy or export the complete recording again")
    except BaseException as exc:
        sink.close()
        if isinstance(exc, CallQAError) or not isinstance(exc, Exception):
            raise
        # av.error.* and friends: the bytes are not decodable audio (from the start, or from some point on)
        where = f" after {sink.samples / SAMPLE_RATE:.1f} s: damaged or cut off there" if sink.samples else ""
        raise InputError(path, f"cannot be decoded as audio{where} ({type(exc).__name__}: {exc})",
                         f"check that the file is {ACCEPTED}, complete and undamaged") from exc
    return src_rate, src_channels


def decode(path: str | os.PathLike, *, spool_after: float | None = SPOOL_AFTER_S,
           spool_dir: str | None = None) -> Audio:
    """Decode `path` to 16 kHz float32 channels. Raises `InputError` naming the file and the problem.

    Recordings longer than `spool_after` seconds (None: never) are decoded into private temporary files in
    `spool_dir` (default: the system's temporary folder, $TMPDIR) — close the `Audio` when done."""
    path = os.fspath(path)
    _check_readable(path)
    sink = _Sink(path, spool_after, spool_dir)
    src_rate, src_channels = _decode_into(path, sink)
    try:
        channels, identical = sink.channels()
    finally:
        sink.close()
    audio = Audio(path=path, channels=channels, sample_rate=SAMPLE_RATE, sha256="", source_rate=src_rate,
                  source_channels=src_channels)
    try:
        if src_channels > 2:
            audio.notes.append(f"{src_channels} channels mixed down to mono")
            logger.warning("%s: %d channels mixed down to mono", path, src_channels)
        if len(channels[0]) == 0:
            raise InputError(path, "holds no audio samples", f"re-export the call as {ACCEPTED}")
        if identical:
            audio.notes.append("both stereo channels are identical: treated as mono")
            for extra in channels[1:]:
                if isinstance(extra, SpooledChannel):
                    extra.close()
            audio.channels = channels[:1]
        audio.sha256 = file_sha256(path)
    except BaseException:
        audio.close()
        raise
    return audio


def frame_rms(samples: Samples, frame_length: int = GATE_FRAME, hop_length: int = GATE_HOP,
              block_frames: int = BLOCK_FRAMES) -> np.ndarray:
    """RMS of every frame, as `librosa.feature.rms(y=samples, center=True)` (zero padding) gives it, measured
    `block_frames` frames at a time so that only one block of samples is ever in memory."""
    import librosa

    n, half = len(samples), frame_length // 2
    n_frames = 1 + (n + 2 * half - frame_length) // hop_length
    out = np.empty(n_frames, dtype=np.float32)
    for f0 in range(0, n_frames, block_frames):
        f1 = min(n_frames, f0 + block_frames)
        seg = read_padded(samples, f0 * hop_length - half, (f1 - 1) * hop_length - half + frame_length)
        out[f0:f1] = librosa.feature.rms(y=seg, frame_length=frame_length, hop_length=hop_length, center=False)[0]
    return out


def speech_regions(samples: Samples, sample_rate: int = SAMPLE_RATE, top_db: float = 35.0,
                   floor_dbfs: float = SILENCE_DBFS) -> list[tuple[float, float]]:
    """Non-silent regions (seconds) of one channel: librosa's `effects.split` on RMS energy, with the frames
    measured block by block (`frame_rms`), so a 2 h channel costs ~1 MB of frame values, not a copy.

    A channel whose loudest frame is below `floor_dbfs` has no regions at all (digital silence, line
    noise), so the recogniser is never asked to transcribe it — the main source of invented text.
    """
    import librosa

    n = len(samples)
    if n == 0:
        return []
    rms = frame_rms(samples)
    peak_db = 20 * np.log10(max(float(rms.max()), 1e-10))
    if peak_db < floor_dbfs:
        return []
    # librosa.effects.split(samples, top_db, frame_length=800, hop_length=400), from the frames
    non_silent = librosa.amplitude_to_db(rms, ref=np.max, top_db=None) > -top_db
    edges = [np.flatnonzero(np.diff(non_silent.astype(int))) + 1]
    if non_silent[0]:
        edges.insert(0, np.array([0]))
    if non_silent[-1]:
        edges.append(np.array([len(non_silent)]))
    bounds = np.minimum(librosa.frames_to_samples(np.concatenate(edges), hop_length=GATE_HOP), n).reshape((-1, 2))
    return [(float(a) / sample_rate, float(b) / sample_rate) for a, b in bounds]


def mix_down(audio: Audio, spool_dir: str | None = None) -> Samples:
    """One channel: a mono recording's, or the mean of a stereo recording's two (block by block, into a
    temporary file of its own when the recording is spooled, closed with `audio`)."""
    if len(audio.channels) == 1:
        return audio.channels[0]
    left, right = audio.channels
    if not audio.spooled:
        return (np.asarray(left) + np.asarray(right)) / 2
    writer = SpoolWriter(1, spool_dir, audio.path)
    for start, block in iter_blocks(left, SAMPLE_RATE * 60):
        writer.write(((block + right[start:start + len(block)]) / 2)[None, :])
    mixed = writer.finish()[0]
    audio.derived.append(mixed)
    return mixed
