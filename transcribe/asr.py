"""Speech recognition with faster-whisper: words with times in original-recording seconds."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any, Literal, get_args

import numpy as np

from transcribe.asr_guard import DROP, SUSPECT, GuardSettings, judge_segment, plan_chunks
from transcribe.errors import CallQAError, ModelUnavailable
from transcribe.hub import resolve
from transcribe.model_files import identity
from transcribe.setting_types import (
    SETTINGS_CONFIG,
    Count,
    Flag,
    Ge,
    Gt,
    Le,
    MinLen,
    Name,
    Number,
    Probability,
    Seconds,
    Temperatures,
    Text,
    Whole,
    one_or_many,
)
from transcribe.spool import Samples
from transcribe.types import Word

logger = logging.getLogger("transcribe")

# Short names accepted for `asr.model` (CTranslate2 conversions published by Systran and mobiuslabs).
WHISPER_ALIASES = {
    "tiny": "Systran/faster-whisper-tiny",
    "tiny.en": "Systran/faster-whisper-tiny.en",   # also `callqa models install tiny.en` (English only)
    "base": "Systran/faster-whisper-base",         # also `callqa models install base`
    "small": "Systran/faster-whisper-small",
    "medium": "Systran/faster-whisper-medium",
    "large-v2": "Systran/faster-whisper-large-v2",
    "large-v3": "Systran/faster-whisper-large-v3",
    "large-v3-turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
    "turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
}
Language = Literal["auto", "vi", "en", "segment"]  # segment: detect per speech segment (code-switched calls)
LANGUAGES: tuple[str, ...] = get_args(Language)
CallLanguage = Literal["vi", "en"]  # the languages callqa scores (rubric cues, sentiment)
# CTranslate2 compute types (auto: int8 on CPU, float16 on CUDA)
ComputeType = Literal["auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                      "bfloat16", "float32"]


@dataclass
class AsrSettings:
    """faster-whisper settings. `compute_type="auto"` means int8 on CPU and float16 on CUDA."""

    __pydantic_config__ = SETTINGS_CONFIG

    model: Name = "large-v3-turbo"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: ComputeType = "auto"
    language: Language = "auto"
    # the languages calls may be in: auto detection chooses among these only; a call heard as another is
    # sent to review (needs_review) instead of being scored
    languages: Annotated[list[CallLanguage], MinLen(1)] = field(default_factory=lambda: ["vi", "en"])
    vad: Flag = True
    beam_size: Count = 5
    temperature: Temperatures = field(default_factory=lambda: [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    condition_on_previous_text: Flag = False
    initial_prompt: Text | None = None
    hotwords: Text | None = None
    cpu_threads: Annotated[Whole, Ge(0)] = 0     # 0: CTranslate2's default
    low_confidence: Probability = 0.5  # turns whose mean word probability is below this are flagged
    # a call (or stereo channel) with more than this share of its words below `low_confidence` needs review
    low_confidence_share: Probability = 0.5
    # auto/segment detection: speech where the languages in `languages` together get less probability than this
    # is heard as another language, and the call needs review
    min_language_probability: Probability = 0.1
    # stereo: {left: vi, right: auto}, overrides `language`
    channel_languages: dict[Literal["left", "right"], Language] | None = None
    no_speech_threshold: Probability = 0.6     # hallucination guard (see transcribe.asr_guard)
    log_prob_threshold: Annotated[Number, Le(0)] = -1.0
    compression_ratio_threshold: Annotated[Number, Gt(0)] = 2.4
    max_repeats: Annotated[Whole, Ge(2)] = 4
    chunk_seconds: Annotated[Seconds, Ge(30)] = 300.0   # longer calls are recognised in pieces cut at silences
    # batched recognition (faster-whisper's BatchedInferencePipeline): up to this many <= 30 s stretches of speech
    # decoded together; 0 or 1 decodes one window after another (faster-whisper's sequential transcribe)
    batch_size: Annotated[Whole, Ge(0), Le(64)] = 8

    def __post_init__(self) -> None:
        self.temperature = one_or_many(self.temperature)  # `AsrSettings(temperature=0.0)` in code, as when loaded
        self.languages = list(dict.fromkeys(self.languages))

    def needed_languages(self) -> set[str]:
        """Every language the settings may ask the model for."""
        fixed = {self.language} | set((self.channel_languages or {}).values())
        return set(self.languages) | (fixed & {"vi", "en"})

    def guard(self) -> GuardSettings:
        return GuardSettings(self.no_speech_threshold, self.log_prob_threshold, self.compression_ratio_threshold,
                             self.max_repeats)

    def resolved_compute_type(self, device: str) -> str:
        if self.compute_type != "auto":
            return self.compute_type
        return "float16" if device == "cuda" else "int8"


@dataclass(frozen=True)
class Heard:
    """Whisper's language detection on one piece: its top language over all it knows, and the configured
    language chosen (with its probability and the configured languages' probability together)."""

    start: float
    end: float
    top: str
    top_probability: float
    chosen: str
    chosen_probability: float
    configured_probability: float


@dataclass
class ChannelResult:
    """Words recognised on one channel plus the detected language (per piece in `pieces`:
    (start, end, language)); `dropped` counts segments the hallucination guard removed; `heard`: the language
    detection of each piece (empty when the language was fixed)."""

    words: list[Word]
    language: str
    language_probability: float
    pieces: list[tuple[float, float, str]] = field(default_factory=list)
    dropped: int = 0
    heard: list[Heard] = field(default_factory=list)

    def other_language(self, floor: float) -> Heard | None:
        """The detection that shows this channel is mostly in a language outside the configured ones (the
        configured languages got less than `floor` on pieces holding over half the detected time), or None."""
        total = sum(h.end - h.start for h in self.heard)
        outside = [h for h in self.heard if h.configured_probability < floor]
        if not total or sum(h.end - h.start for h in outside) * 2 <= total:
            return None
        return max(outside, key=lambda h: h.end - h.start)


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
        self.identity: dict[str, Any] = {}
        self._batched: Any = None  # faster_whisper.BatchedInferencePipeline over `model`, made on first use
        if model is not None:  # a pre-built WhisperModel (tests, notebooks)
            self.model, self.model_path = model, settings.model
            self._check_languages()
            return
        self.model_path = resolve(settings.model, setting="asr.model", allow_download=allow_download,
                                  cache_dir=cache_dir, aliases=WHISPER_ALIASES, what="speech model")
        self.identity, problem = identity(self.model_path)
        if problem:
            name = self.identity.get("model_name") or settings.model
            raise ModelUnavailable(settings.model, "asr.model", problem,
                                   f"reinstall it: callqa models install {name} --force")
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
        self._check_languages()

    @property
    def multilingual(self) -> bool:
        return bool(getattr(getattr(self.model, "model", self.model), "is_multilingual", True))

    def _check_languages(self) -> None:
        """Refuse an English-only model (e.g. tiny.en) when the settings allow any other language: it would
        write every Vietnamese call as confident English."""
        others = sorted(self.settings.needed_languages() - {"en"})
        if others and not self.multilingual:
            raise ModelUnavailable(self.settings.model, "asr.languages",
                                   f"speech model {self.settings.model!r} is English-only but the settings allow "
                                   f"{', '.join(others)} (asr.languages: {self.settings.languages}, asr.language: "
                                   f"{self.settings.language})",
                                   "install a multilingual model for Vietnamese calls (e.g. asr.model: "
                                   "large-v3-turbo; `callqa models install base` is multilingual but weak on "
                                   "Vietnamese), or set asr.languages: [en] and asr.language: auto or en")

    def describe(self) -> dict[str, Any]:
        """What produced the text, for storing beside every result."""
        info = asdict(self.settings)
        info.update(model_path=self.model_path, device=self.device, compute_type=self.compute_type, **self.identity)
        return info

    def transcribe(self, samples: Samples, language: str | None = None,
                   progress: Callable[[float], None] | None = None,
                   regions: list[tuple[float, float]] | None = None) -> ChannelResult:
        """Recognise one 16 kHz channel (an array or a long call's `SpooledChannel`). Word times are
        original-recording seconds, inside the channel.

        Calls longer than `chunk_seconds` (and every call in `segment` language mode, at <= 30 s) are cut
        at silences and recognised piece by piece — only the piece being recognised is read into memory —
        so memory stays bounded on 1-2 hour calls. `regions`: the channel's `speech_regions`, when the
        caller has measured them already."""
        s = self.settings
        lang = language or s.language
        duration = len(samples) / 16000.0
        if lang == "segment" or duration > s.chunk_seconds:
            if regions is None:
                from transcribe.audio import speech_regions

                regions = speech_regions(samples)
            pieces = plan_chunks(regions, duration, 30.0 if lang == "segment" else s.chunk_seconds)
        else:
            pieces = [(0.0, duration)]
        words: list[Word] = []
        detected: list[tuple[float, float, str, float, int]] = []
        heard_all: list[Heard] = []
        dropped = 0
        for start, end in pieces:
            piece = samples[int(start * 16000):int(end * 16000)]
            piece_lang, heard = self._language(piece, lang, start, end)
            got, info, n_dropped = self._piece(piece, piece_lang, start, end)
            words.extend(got)
            dropped += n_dropped
            prob = heard.chosen_probability if heard else float(info.language_probability)
            detected.append((start, end, info.language, prob, len(got)))
            if heard:
                heard_all.append(heard)
            if progress and duration:
                progress(min(1.0, end / duration))
        counts: dict[str, int] = {}
        for *_, code, _, n in detected:
            counts[code] = counts.get(code, 0) + n
        best = max(counts, key=lambda c: counts[c]) if counts else (detected[0][2] if detected else "en")
        prob = max((p for *_, code, p, _ in detected if code == best), default=0.0)
        return ChannelResult(words=_monotonic(words), language=best, language_probability=prob,
                             pieces=[(a, b, code) for a, b, code, _, _ in detected], dropped=dropped, heard=heard_all)

    def _language(self, samples: np.ndarray, lang: str, start: float, end: float) -> tuple[str, Heard | None]:
        """The language to recognise a piece in: a fixed one as set; `auto`/`segment`: the configured language
        (asr.languages) Whisper finds likeliest, from its probabilities over every language it knows."""
        s = self.settings
        if lang not in ("auto", "segment"):
            return lang, None
        if len(s.languages) == 1 or not self.multilingual:
            return s.languages[0] if self.multilingual else "en", None
        try:
            try:
                _, _, probs = self.model.detect_language(np.asarray(samples, dtype=np.float32), vad_filter=s.vad)
            except (ValueError, RuntimeError):  # the VAD found no speech in the piece: detect on all of it
                _, _, probs = self.model.detect_language(np.asarray(samples, dtype=np.float32))
        except Exception as exc:
            raise CallQAError(None, f"language detection failed ({type(exc).__name__}: {exc})") from exc
        table = {code: float(p) for code, p in probs}
        chosen = max(s.languages, key=lambda c: table.get(c, 0.0))
        top, top_p = max(table.items(), key=lambda kv: kv[1]) if table else (chosen, 0.0)
        return chosen, Heard(round(start, 3), round(end, 3), top, round(top_p, 4), chosen,
                             round(table.get(chosen, 0.0), 4), round(sum(table.get(c, 0.0) for c in s.languages), 4))

    def _decode(self, samples: np.ndarray, language: str | None) -> tuple[Any, Any]:
        """faster-whisper on one piece: sequential, or batched when `batch_size` > 1 (its stretches of speech
        found by the VAD, or 30 s windows without it, decoded `batch_size` at a time)."""
        s = self.settings
        common = dict(language=language, task="transcribe", beam_size=s.beam_size, temperature=list(s.temperature),
                      word_timestamps=True, condition_on_previous_text=s.condition_on_previous_text,
                      initial_prompt=s.initial_prompt, hotwords=s.hotwords,
                      no_speech_threshold=s.no_speech_threshold, log_prob_threshold=s.log_prob_threshold,
                      compression_ratio_threshold=s.compression_ratio_threshold)
        if s.batch_size <= 1:
            return self.model.transcribe(samples, vad_filter=s.vad, **common)
        if self._batched is None:
            from faster_whisper import BatchedInferencePipeline

            self._batched = BatchedInferencePipeline(model=self.model)
        duration = len(samples) / 16000.0
        clips = None if s.vad else [{"start": a, "end": min(a + 30.0, duration)}
                                    for a in np.arange(0.0, max(duration, 1e-3), 30.0)]
        return self._batched.transcribe(samples, vad_filter=s.vad, clip_timestamps=clips, batch_size=s.batch_size,
                                        **common)

    def _piece(self, samples: np.ndarray, language: str | None, offset: float,
               end: float) -> tuple[list[Word], Any, int]:
        s = self.settings
        guard = s.guard()
        try:
            segments, info = self._decode(samples, language)
            words: list[Word] = []
            dropped = 0
            for seg in segments:
                verdict, reason = judge_segment(seg.text, seg.no_speech_prob, seg.avg_logprob,
                                                seg.compression_ratio, guard)
                if verdict == DROP:
                    dropped += 1
                    logger.debug("dropped segment %.2f-%.2f (%s): %r", seg.start + offset, seg.end + offset,
                                 reason, seg.text)
                    continue
                words.extend(_segment_words(seg, offset, end, reason if verdict == SUSPECT else None))
        except CallQAError:
            raise
        except Exception as exc:
            raise CallQAError(None, f"speech recognition failed ({type(exc).__name__}: {exc})") from exc
        return words, info, dropped


def _segment_words(seg: Any, offset: float, end: float, flag: str | None = None) -> list[Word]:
    """Words of one faster-whisper segment (the segment itself when it carries no word times), shifted by
    `offset` seconds and clamped inside [offset, end]."""
    raw = seg.words or []
    if not raw and seg.text.strip():
        return [Word(_clamp(seg.start + offset, offset, end), _clamp(seg.end + offset, offset, end),
                     seg.text.strip(), float(np.exp(seg.avg_logprob)), flag)]
    out = []
    for w in raw:
        text = w.word.strip()
        if text:
            out.append(Word(_clamp(w.start + offset, offset, end), _clamp(w.end + offset, offset, end), text,
                            float(w.probability), flag))
    return out


def _clamp(t: float, low: float, high: float) -> float:
    return round(min(max(float(t), low), high), 3)


def _monotonic(words: list[Word]) -> list[Word]:
    """Keep word times ordered and non-inverted (random or confused models can emit them out of order)."""
    out: list[Word] = []
    last = 0.0
    for w in words:
        start = max(w.start, last)
        end = max(w.end, start)
        out.append(Word(start, end, w.text, w.probability, w.flag))
        last = start
    return out
