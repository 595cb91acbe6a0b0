"""Who spoke when on a mono recording, with pyannote.audio 4 `SpeakerDiarization`.

The pipeline is named by a hub id or a local folder (`diarization.model`), resolved without network,
fed in-memory audio (never a path: torchcodec is not needed) and run with telemetry off. A long recording's
spooled channel is handed over as a memory map of its temporary file (no copy): pyannote reads it window by
window, and the pages it has read count in the process's RSS until the OS drops them.
"""
from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np

from transcribe.errors import CallQAError, ModelUnavailable
from transcribe.hub import resolve
from transcribe.setting_types import SETTINGS_CONFIG, Count, Name
from transcribe.spool import Samples, SpooledChannel

logger = logging.getLogger("transcribe")

DEFAULT_DIARIZATION_MODEL = "pyannote/speaker-diarization-community-1"
Backend = Literal["auto", "pyannote", "offline"]
BACKENDS: tuple[str, ...] = get_args(Backend)


@dataclass
class DiarizationSettings:
    """Mono diarization settings: two speakers by default (agent and customer).

    `backend`: "pyannote" (the model or an error), "offline" (callqa's weight-free diarizer) or "auto"
    (pyannote when its model is available locally, else offline — recorded on every result).
    """

    __pydantic_config__ = SETTINGS_CONFIG

    backend: Backend = "auto"
    model: Name = DEFAULT_DIARIZATION_MODEL
    device: Name = "auto"           # auto, or a torch device: cpu, cuda, cuda:1, ...
    num_speakers: Count | None = 2
    min_speakers: Count | None = None
    max_speakers: Count | None = None

    def __post_init__(self) -> None:
        if self.min_speakers and self.max_speakers and self.min_speakers > self.max_speakers:
            raise ValueError(f"diarization.min_speakers ({self.min_speakers}) is larger than "
                             f"diarization.max_speakers ({self.max_speakers})")


def _quiet_imports() -> None:
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")  # telemetry is on by default upstream
    warnings.filterwarnings("ignore", message=r"\s*torchcodec is not installed")


class Diarizer:
    """A pyannote SpeakerDiarization pipeline loaded once."""

    backend = "pyannote"

    def __init__(self, settings: DiarizationSettings, *, allow_download: bool = False,
                 cache_dir: str | None = None) -> None:
        self.settings = settings
        self.model_path = resolve(settings.model, setting="diarization.model", allow_download=allow_download,
                                  cache_dir=cache_dir, what="diarization pipeline")
        _quiet_imports()
        import torch
        from pyannote.audio import Pipeline

        try:
            pipeline = Pipeline.from_pretrained(self.model_path)
        except Exception as exc:
            pipeline, error = None, f"{type(exc).__name__}: {exc}"
        else:
            error = "the folder holds no pyannote pipeline config.yaml"
        if pipeline is None:
            raise ModelUnavailable(settings.model, "diarization.model",
                                   f"diarization pipeline at {self.model_path} could not be loaded ({error})",
                                   "point diarization.model at a pyannote pipeline folder (config.yaml and its "
                                   "models), or use stereo recordings (one party per channel)")
        device = settings.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        pipeline.to(torch.device(device))
        self.pipeline = pipeline

    def describe(self) -> dict[str, Any]:
        return {"backend": "pyannote", "model": self.settings.model, "model_path": self.model_path,
                "num_speakers": self.settings.num_speakers, "min_speakers": self.settings.min_speakers,
                "max_speakers": self.settings.max_speakers}

    def __call__(self, samples: Samples, sample_rate: int = 16000,
                 progress: Callable[[float], None] | None = None) -> list[tuple[float, float, str]]:
        """Exclusive (non-overlapping) speaker segments as (start, end, label), sorted by start."""
        import torch

        s = self.settings
        hook = None
        if progress is not None:
            def hook(step: str, artefact: Any, file: Any = None, completed: int | None = None,
                     total: int | None = None) -> None:
                if completed is not None and total:
                    progress(completed / total)
        array = samples.memmap() if isinstance(samples, SpooledChannel) else np.ascontiguousarray(samples, np.float32)
        waveform = torch.from_numpy(array).unsqueeze(0)
        kwargs: dict[str, Any] = {"hook": hook}
        if s.num_speakers:
            kwargs["num_speakers"] = s.num_speakers
        else:
            kwargs.update(min_speakers=s.min_speakers, max_speakers=s.max_speakers)
        try:
            # pyannote types __call__ for a list of files too (an iterator of pairs); one file gives what
            # apply() returns: a DiarizeOutput (pyannote 4) or an Annotation (pyannote 3)
            output: Any = self.pipeline({"waveform": waveform, "sample_rate": sample_rate}, **kwargs)
        except Exception as exc:
            raise CallQAError(None, f"speaker diarization failed ({type(exc).__name__}: {exc})") from exc
        annotation = getattr(output, "exclusive_speaker_diarization", output)
        duration = len(samples) / sample_rate  # pyannote pads the last chunk: clip to the recording
        segments = []
        for seg, _, label in annotation.itertracks(yield_label=True):
            start, end = max(0.0, float(seg.start)), min(float(seg.end), duration)
            if end > start:
                segments.append((round(start, 3), round(end, 3), str(label)))
        return sorted(segments)


def make_diarizer(settings: DiarizationSettings, *, cache_dir: str | None = None) -> Any:
    """The diarizer `settings.backend` asks for. With "auto", a pyannote model that cannot be loaded gives
    the offline diarizer, whose `describe()` then says why (never silently)."""
    from transcribe.offline_diarize import OfflineDiarizer

    if settings.backend == "offline":
        return OfflineDiarizer(settings)
    try:
        return Diarizer(settings, cache_dir=cache_dir)
    except ModelUnavailable as exc:
        if settings.backend == "pyannote":
            raise
        logger.warning("diarization: %s; using the offline diarizer (diarization.backend: auto)", exc.problem)
        return OfflineDiarizer(settings, fallback_reason=exc.problem)
