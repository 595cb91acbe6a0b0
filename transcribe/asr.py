"""Speech recognition with faster-whisper: words with times in original-recording seconds."""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from transcribe.errors import CallQAError, ModelUnavailable
from transcribe.hub import resolve
from transcribe.types import Word

logger = logging.getLogger("transcribe")

# Short names accepted for `asr.model` (CTranslate2 conversions published by Systran and mobiuslabs).
WHISPER_ALIASES = {
    "tiny": "Systran/faster-whisper-tiny",
    "base": "Systran/faster-whisper-base",
    "small": "Systran/faster-whisper-small",
    "medium": "Systran/faster-whisper-medium",
    "large-v2": "Systran/faster-whisper-large-v2",
    "large-v3": "Systran/faster-whisper-large-v3",
    "large-v3-turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
    "turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
}
LANGUAGES = ("auto", "vi", "en")


@dataclass
class AsrSettings:
    """faster-whisper settings. `compute_type="auto"` means int8 on CPU and float16 on CUDA."""

    model: str = "large-v3-turbo"
    device: str = "auto"
    compute_type: str = "auto"
    language: str = "auto"
    vad: bool = True
    beam_size: int = 5
    temperature: list[float] = field(default_factory=lambda: [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    condition_on_previous_text: bool = False
    initial_prompt: str | None = None
    hotwords: str | None = None
    cpu_threads: int = 0
    low_confidence: float = 0.5  # turns whose mean word probability is below this are flagged

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"asr.language must be one of {', '.join(LANGUAGES)}, not {self.language!r}")
        if isinstance(self.temperature, (int, float)):
            self.temperature = [float(self.temperature)]

    def resolved_compute_type(self, device: str) -> str:
        if self.compute_type != "auto":
            return self.compute_type
        return "float16" if device == "cuda" else "int8"


@dataclass
class ChannelResult:
    """Words recognised on one channel plus the detected language."""

    words: list[Word]
    language: str
    language_probability: float


def _pick_device(device: str) -> str:
    if device != "auto":
        return device
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:  # pragma: no cover - ctranslate2 without CUDA support
        return "cpu"


class Recognizer:
    """A faster-whisper model loaded once and reused for every channel of every call."""

    def __init__(self, settings: AsrSettings, *, allow_download: bool = False, cache_dir: str | None = None,
                 model: Any = None) -> None:
        self.settings = settings
        self.device = _pick_device(settings.device)
        self.compute_type = settings.resolved_compute_type(self.device)
        if model is not None:  # a pre-built WhisperModel (tests, notebooks)
            self.model, self.model_path = model, settings.model
            return
        self.model_path = resolve(settings.model, setting="asr.model", allow_download=allow_download,
                                  cache_dir=cache_dir, aliases=WHISPER_ALIASES, what="speech model")
        from faster_whisper import WhisperModel

        try:
            self.model = WhisperModel(self.model_path, device=self.device, compute_type=self.compute_type,
                                      cpu_threads=settings.cpu_threads, local_files_only=True)
        except Exception as exc:
            raise ModelUnavailable(settings.model, "asr.model",
                                   f"speech model at {self.model_path} could not be loaded "
                                   f"({type(exc).__name__}: {exc})",
                                   "point asr.model at a CTranslate2 Whisper folder (model.bin, config.json, "
                                   "tokenizer.json) or check asr.device / asr.compute_type") from exc

    def describe(self) -> dict[str, Any]:
        """What produced the text, for storing beside every result."""
        info = asdict(self.settings)
        info.update(model_path=self.model_path, device=self.device, compute_type=self.compute_type)
        return info

    def transcribe(self, samples: np.ndarray, language: str | None = None,
                   progress: Callable[[float], None] | None = None) -> ChannelResult:
        """Recognise one 16 kHz channel. Word times are clamped inside the channel's duration."""
        s = self.settings
        lang = language or s.language
        duration = len(samples) / 16000.0
        try:
            segments, info = self.model.transcribe(
                samples, language=None if lang == "auto" else lang, task="transcribe",
                beam_size=s.beam_size, temperature=list(s.temperature), word_timestamps=True,
                vad_filter=s.vad, condition_on_previous_text=s.condition_on_previous_text,
                initial_prompt=s.initial_prompt, hotwords=s.hotwords)
            words: list[Word] = []
            for seg in segments:
                words.extend(_segment_words(seg, duration))
                if progress and duration:
                    progress(min(1.0, seg.end / duration))
        except CallQAError:
            raise
        except Exception as exc:
            raise CallQAError(None, f"speech recognition failed ({type(exc).__name__}: {exc})") from exc
        return ChannelResult(words=_monotonic(words), language=info.language,
                             language_probability=float(info.language_probability))


def _segment_words(seg: Any, duration: float) -> list[Word]:
    """Words of one faster-whisper segment (the segment itself when it carries no word times)."""
    raw = seg.words or []
    if not raw and seg.text.strip():
        return [Word(_clamp(seg.start, duration), _clamp(seg.end, duration), seg.text.strip(),
                     float(np.exp(seg.avg_logprob)))]
    out = []
    for w in raw:
        text = w.word.strip()
        if text:
            out.append(Word(_clamp(w.start, duration), _clamp(w.end, duration), text, float(w.probability)))
    return out


def _clamp(t: float, duration: float) -> float:
    return round(min(max(float(t), 0.0), duration), 3)


def _monotonic(words: list[Word]) -> list[Word]:
    """Keep word times ordered and non-inverted (random or confused models can emit them out of order)."""
    out: list[Word] = []
    last = 0.0
    for w in words:
        start = max(w.start, last)
        end = max(w.end, start)
        out.append(Word(start, end, w.text, w.probability))
        last = start
    return out
