"""One call, start to finish: audio or transcript file -> Transcript -> Scorecard (no database here).

Models are loaded once, on first need, and reused for every call; a model that cannot be loaded fails
each audio call with the same actionable `ModelUnavailable` without retrying the load.
"""
from __future__ import annotations

import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from qa import __version__
from qa.settings import Settings
from scoring.rubric import resolve_rubric, score_transcript
from scoring.sentiment import SentimentScorer
from scoring.types import Scorecard
from transcribe.align import LabeledWord, assign_speakers, words_to_turns
from transcribe.asr import Recognizer
from transcribe.audio import AUDIO_EXTENSIONS, decode, speech_regions
from transcribe.diarize import Diarizer
from transcribe.errors import CallQAError, InputError, ModelUnavailable
from transcribe.formats import load_transcript
from transcribe.roles import decide_agent
from transcribe.types import AGENT, CUSTOMER, Transcript

logger = logging.getLogger("qa")

Progress = Callable[[str, float], None]  # (stage, fraction of that stage done)


@dataclass
class CallResult:
    """Everything produced for one call, ready for the store."""

    transcript: Transcript
    scorecard: Scorecard
    models: dict[str, Any]
    code_version: str = __version__
    timings: dict[str, float] = field(default_factory=dict)


def is_transcript_file(path: str) -> bool:
    return path.lower().endswith(".json")


def is_audio_file(path: str) -> bool:
    return path.lower().endswith(AUDIO_EXTENSIONS)


class Pipeline:
    """Runs the stages for one call at a time. Pre-built components may be passed (tests, notebooks)."""

    def __init__(self, settings: Settings | None = None, *, recognizer: Recognizer | None = None,
                 diarizer: Diarizer | None = None, sentiment: SentimentScorer | None = None) -> None:
        self.settings = settings or Settings()
        s = self.settings
        self._recognizer, self._diarizer = recognizer, diarizer
        self._failed: dict[str, ModelUnavailable] = {}
        self.sentiment = sentiment or SentimentScorer(s.sentiment, cache_dir=s.models_dir)
        self.rubric = resolve_rubric(s.rubric)

    # -- models, loaded once ------------------------------------------------------------------------
    def _load(self, key: str, factory: Callable[[], Any]) -> Any:
        if key in self._failed:
            raise self._failed[key]
        try:
            return factory()
        except ModelUnavailable as exc:
            self._failed[key] = exc
            raise

    @property
    def recognizer(self) -> Recognizer:
        if self._recognizer is None:
            self._recognizer = self._load("asr", lambda: Recognizer(self.settings.asr, cache_dir=self.settings.models_dir))
        return self._recognizer

    @property
    def diarizer(self) -> Diarizer:
        if self._diarizer is None:
            self._diarizer = self._load("diarization", lambda: Diarizer(self.settings.diarization,
                                                                        cache_dir=self.settings.models_dir))
        return self._diarizer

    # -- stages ---------------------------------------------------------------------------------------
    def transcribe(self, path: str, progress: Progress | None = None) -> Transcript:
        """Decode, (diarize,) recognise and align one recording into a `Transcript` with roles."""
        s = self.settings
        audio = decode(path)
        recognizer = self.recognizer
        labeled: list[LabeledWord] = []
        languages: Counter[str] = Counter()
        if audio.is_stereo:
            agent_ch = 0 if s.audio.agent_channel == "left" else 1
            for ch, samples in enumerate(audio.channels):
                if progress:
                    progress(f"asr channel {ch + 1}/2", 0.0)
                if not speech_regions(samples):
                    continue
                res = recognizer.transcribe(samples)
                languages[res.language] += len(res.words)
                role = AGENT if ch == agent_ch else CUSTOMER
                labeled.extend(LabeledWord(role, w, ch) for w in res.words)
            roles = self._check_channel_roles(labeled, agent_ch)
        else:
            samples = audio.channels[0]
            res = recognizer.transcribe(samples) if speech_regions(samples) else None
            roles = {"method": "none", "confidence": 0.0, "evidence": ["no speech"]}
            if res and res.words:
                languages[res.language] += len(res.words)
                if progress:
                    progress("diarization", 0.0)
                segments = self.diarizer(samples)
                labels = assign_speakers(res.words, segments)
                texts: dict[str, list[str]] = {}
                for lb, w in zip(labels, res.words):
                    texts.setdefault(lb or "unknown", []).append(w.text)
                first = next((lb for lb in labels if lb), None)
                decision = decide_agent(texts, first)
                roles = {"method": "diarization+cues", "agent_label": decision.agent,
                         "confidence": decision.confidence, "evidence": list(decision.evidence)}
                labeled = [LabeledWord(AGENT if (lb or "unknown") == decision.agent else CUSTOMER, w)
                           for lb, w in zip(labels, res.words)]
        turns = words_to_turns(labeled, max_gap=s.audio.turn_gap, low_confidence=s.asr.low_confidence)
        language = s.asr.language if s.asr.language != "auto" else (languages.most_common(1)[0][0] if languages else "en")
        notes = {"notes": audio.notes} if audio.notes else {}
        return Transcript(call_id=audio.sha256[:16], language=language, turns=turns, duration=round(audio.duration, 3),
                          source="audio", source_path=path, audio_path=os.path.abspath(path), sha256=audio.sha256,
                          asr={**recognizer.describe(), "source_rate": audio.source_rate,
                               "source_channels": audio.source_channels, **notes},
                          roles=roles)

    @staticmethod
    def _check_channel_roles(labeled: list[LabeledWord], agent_ch: int) -> dict[str, Any]:
        """Roles come from the channel setting; greeting cues check it, and a confident disagreement
        lowers the confidence so the call is flagged for review."""
        texts: dict[str, list[str]] = {}
        for lw in labeled:
            texts.setdefault(str(lw.channel), []).append(lw.word.text)
        roles: dict[str, Any] = {"method": "channel", "agent_channel": "left" if agent_ch == 0 else "right",
                                 "confidence": 1.0, "evidence": ["audio.agent_channel setting"]}
        if len(texts) == 2:
            first = str(min(labeled, key=lambda lw: lw.word.start).channel)
            cue = decide_agent(texts, first)
            if cue.agent != str(agent_ch) and cue.confidence >= 0.8:
                roles.update(confidence=round(1.0 - cue.confidence, 3),
                             evidence=[f"greeting cues point to the other channel ({', '.join(cue.evidence)}); "
                                       "check audio.agent_channel"])
        return roles

    def score(self, transcript: Transcript) -> CallResult:
        """Sentiment and rubric for a transcript."""
        t0 = time.perf_counter()
        sentiments = self.sentiment.score(transcript.turns, transcript.language)
        t1 = time.perf_counter()
        prosody = self._prosody(transcript) if self.rubric.needs_audio() else []
        card = score_transcript(transcript, sentiments, self.rubric, self.sentiment.describe(), prosody)
        models: dict[str, Any] = {"sentiment": self.sentiment.describe(),
                                  "rubric": {"id": self.rubric.id, "version": self.rubric.version,
                                             "path": self.rubric.path}}
        if transcript.source == "audio":
            models["asr"] = transcript.asr
            if transcript.roles.get("method", "").startswith("diarization") and self._diarizer is not None:
                models["diarization"] = self._diarizer.describe()
        return CallResult(transcript, card, models,
                          timings={"sentiment": t1 - t0, "rubric": time.perf_counter() - t1})

    def _prosody(self, transcript: Transcript) -> list:
        """Loudness and pitch per turn from the call's recording, when it has one that can be read (the voice
        rules then use them); an unreadable recording is logged and the rules fall back to sentiment."""
        from scoring.prosody import turn_prosody

        path = transcript.audio_path
        if not path or not os.path.isfile(path):
            return []
        try:
            audio = decode(path)
        except CallQAError as exc:
            logger.warning("%s: no voice measures (%s)", path, exc.message)
            return []
        agent_ch = 0 if self.settings.audio.agent_channel == "left" else 1
        return turn_prosody(audio.channels, audio.sample_rate, transcript.turns,
                            {AGENT: agent_ch, CUSTOMER: 1 - agent_ch})

    def process(self, path: str, progress: Progress | None = None) -> CallResult:
        """Score one file: a transcript JSON or a recording."""
        t0 = time.perf_counter()
        if is_transcript_file(path):
            transcript = load_transcript(path)
        elif is_audio_file(path):
            try:
                transcript = self.transcribe(path, progress)
            except ModelUnavailable:
                raise  # names the model and the setting; the caller knows the file
            except CallQAError as exc:
                if exc.path is None:
                    raise CallQAError(path, exc.problem, exc.fix) from exc
                raise
        else:
            raise InputError(path, "is neither a transcript (.json) nor a recording",
                             f"give .json or one of {', '.join(AUDIO_EXTENSIONS)}")
        t1 = time.perf_counter()
        result = self.score(transcript)
        result.timings["transcribe"] = t1 - t0
        return result
