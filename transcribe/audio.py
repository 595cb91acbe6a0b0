"""Decode a call recording to 16 kHz float32, one array per party channel.

Accepts anything FFmpeg (through PyAV) reads — wav, mp3, flac, ogg, m4a — at any sample rate. A stereo
file is one party per channel; a stereo file whose two channels are identical is treated as mono; more
than two channels are mixed down to mono (logged), since there is no convention for which is which.
"""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field

import numpy as np

from transcribe.errors import InputError

SAMPLE_RATE = 16000
AUDIO_EXTENSIONS = (".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".wma", ".webm")
ACCEPTED = "a wav, mp3, flac, ogg or m4a recording"
SILENCE_DBFS = -55.0  # a channel whose loudest 50 ms frame is below this holds no speech

logger = logging.getLogger("transcribe")


@dataclass
class Audio:
    """Decoded audio: `channels` are float32 arrays at `sample_rate` (16 kHz), one per party (1 or 2)."""

    path: str
    channels: list[np.ndarray]
    sample_rate: int
    sha256: str
    source_rate: int
    source_channels: int
    notes: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.channels[0]) / self.sample_rate if self.channels else 0.0

    @property
    def is_stereo(self) -> bool:
        return len(self.channels) == 2


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


def _decode_planar(path: str, layout: str) -> tuple[np.ndarray, int, int]:
    """Decode and resample to 16 kHz float planar; returns (array[channels, samples], source rate, source channels)."""
    import av  # PyAV bundles FFmpeg; imported here to keep `import transcribe` light

    try:
        with av.open(path, metadata_errors="ignore") as container:
            streams = [s for s in container.streams if s.type == "audio"]
            if not streams:
                raise InputError(path, "contains no audio stream", f"give {ACCEPTED}")
            stream = streams[0]
            src_rate = int(stream.codec_context.sample_rate or stream.rate or 0)
            src_channels = int(stream.codec_context.channels or 0)
            if layout == "auto":
                layout = "stereo" if src_channels == 2 else "mono"
            resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
            chunks = []
            for frame in container.decode(stream):
                frame.pts = None
                chunks.extend(f.to_ndarray() for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray() for f in resampler.resample(None))
    except InputError:
        raise
    except Exception as exc:  # av.error.* and friends: the bytes are not decodable audio
        raise InputError(path, f"cannot be decoded as audio ({type(exc).__name__}: {exc})",
                         f"check that it is a complete {ACCEPTED}") from exc
    n_out = 2 if layout == "stereo" else 1
    data = np.concatenate(chunks, axis=1) if chunks else np.zeros((n_out, 0), dtype=np.float32)
    return data.astype(np.float32, copy=False), src_rate, src_channels


def decode(path: str | os.PathLike) -> Audio:
    """Decode `path` to 16 kHz float32 channels. Raises `InputError` naming the file and the problem."""
    path = os.fspath(path)
    _check_readable(path)
    data, src_rate, src_channels = _decode_planar(path, "auto")
    notes: list[str] = []
    if src_channels > 2:
        notes.append(f"{src_channels} channels mixed down to mono")
        logger.warning("%s: %d channels mixed down to mono", path, src_channels)
    if data.shape[1] == 0:
        raise InputError(path, "holds no audio samples", f"re-export the call as {ACCEPTED}")
    channels = [np.ascontiguousarray(c) for c in data]
    if len(channels) == 2 and np.allclose(channels[0], channels[1], atol=1e-4):
        notes.append("both stereo channels are identical: treated as mono")
        channels = channels[:1]
    return Audio(path=path, channels=channels, sample_rate=SAMPLE_RATE, sha256=file_sha256(path),
                 source_rate=src_rate, source_channels=src_channels, notes=notes)


def speech_regions(samples: np.ndarray, sample_rate: int = SAMPLE_RATE, top_db: float = 35.0,
                   floor_dbfs: float = SILENCE_DBFS) -> list[tuple[float, float]]:
    """Non-silent regions (seconds) of one channel, measured with librosa's RMS energy.

    A channel whose loudest frame is below `floor_dbfs` has no regions at all (digital silence, line
    noise), so the recogniser is never asked to transcribe it — the main source of invented text.
    """
    import librosa

    if samples.size == 0:
        return []
    frame, hop = 800, 400  # 50 ms frames, 25 ms hop at 16 kHz
    rms = librosa.feature.rms(y=samples, frame_length=frame, hop_length=hop, center=True)[0]
    peak_db = 20 * np.log10(max(float(rms.max()), 1e-10))
    if peak_db < floor_dbfs:
        return []
    intervals = librosa.effects.split(samples, top_db=top_db, frame_length=frame, hop_length=hop)
    return [(float(a) / sample_rate, float(b) / sample_rate) for a, b in intervals]
