"""One call, start to finish: audio or transcript file -> Transcript -> redacted Transcript -> Scorecard (no
database here).

Models are loaded once, on first need, and reused for every call; a model that cannot be loaded fails
each audio call with the same actionable `ModelUnavailable` without retrying the load.
"""
from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from qa.config.settings import Settings
from qa.pipeline.kpis import CustomerKey, customer_key, load_secret, transcript_survey
from qa.pipeline.recognition import ChannelCheck, RecognitionFailed, recognition_problems
from qa.pipeline.redaction import RawHook, redact_transcript
from qa.pipeline.result import CallResult
from qa.pipeline.voice import voice_measures
from scoring.rubric import Rubric, resolve_rubric, score_transcript
from scoring.sentiment import SentimentScorer
from scoring.types import Prosody
from transcribe.align import LabeledWord, words_to_turns
from transcribe.asr import Recognizer
from transcribe.audio import AUDIO_EXTENSIONS, Audio, decode, speech_regions
from transcribe.diarize import Diarizer, make_diarizer
from transcribe.errors import CallQAError, InputError, ModelUnavailable
from transcribe.formats import Limits
from transcribe.importers import IMPORT_EXTENSIONS, is_importable, load_call
from transcribe.roles import decide_agent
from transcribe.speakers import (
    CHANNEL_NAMES,
    decide_turn_roles,
    label_mono_words,
    roles_record,
    speaker_voice_hint,
)
from transcribe.types import AGENT, CUSTOMER, ROLES, Transcript
from transcribe.voiceprint import load_voiceprints

logger = logging.getLogger("qa")

Progress = Callable[[str, float], None]  # (stage, fraction of that stage done)


def _seconds(regions: list[tuple[float, float]] | None) -> float:
    return float(sum(b - a for a, b in regions or []))


def is_transcript_file(path: str) -> bool:
    """A transcript in one of the formats `transcribe.importers` reads (.json, .srt, .vtt, .csv, .tsv)."""
    return is_importable(path)


def is_audio_file(path: str) -> bool:
    return path.lower().endswith(AUDIO_EXTENSIONS)


class Pipeline:
    """Runs the stages for one call at a time. Pre-built components may be passed (tests, notebooks);
    `before_redaction` is called with each call's raw transcript before its personal data is redacted
    (qa.pipeline.redaction)."""

    def __init__(self, settings: Settings | None = None, *, recognizer: Recognizer | None = None,
                 diarizer: Diarizer | None = None, sentiment: SentimentScorer | None = None,
                 before_redaction: RawHook | None = None) -> None:
        self.settings = settings or Settings()
        s = self.settings
        self.before_redaction = before_redaction
        self._recognizer, self._diarizer = recognizer, diarizer
        self._failed: dict[str, ModelUnavailable] = {}
        self._voices: dict[str, Any] | None = None
        self._secret: bytes | None = None
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
            self._recognizer = self._load(
                "asr", lambda: Recognizer(self.settings.asr, cache_dir=self.settings.models_dir))
        return self._recognizer

    @property
    def diarizer(self) -> Diarizer:
        """pyannote or the offline diarizer, as `diarization.backend` says (its `describe()` tells which)."""
        if self._diarizer is None:
            self._diarizer = self._load("diarization", lambda: make_diarizer(self.settings.diarization,
                                                                             cache_dir=self.settings.models_dir))
        return self._diarizer

    # -- stages ---------------------------------------------------------------------------------------
    def decode(self, path: str) -> Audio:
        """Decode a recording; one longer than `audio.spool_after` goes to private temporary files in
        `audio.spool_dir` (the caller closes the `Audio`, which removes them)."""
        return decode(path, spool_after=self.settings.audio.spool_after, spool_dir=self.settings.audio.spool_dir)

    def transcribe(self, path: str, progress: Progress | None = None, audio: Audio | None = None) -> Transcript:
        """Decode (unless `audio` is given), (diarize,) recognise and align one recording into a `Transcript`."""
        if audio is None:
            with self.decode(path) as own:
                return self._transcribe(path, own, progress)
        return self._transcribe(path, audio, progress)

    def _transcribe(self, path: str, audio: Audio, progress: Progress | None) -> Transcript:
        s = self.settings
        recognizer = self.recognizer
        languages: Counter[str] = Counter()
        extra_asr: dict[str, Any] = {}
        checks: list[ChannelCheck] = []
        if audio.is_stereo:
            labeled, roles = self._stereo(audio, recognizer, languages, extra_asr, progress, checks)
        else:
            labeled, roles = self._mono(audio.channels[0], recognizer, languages, extra_asr, progress, checks)
        extra_asr["recognition"] = {"problems": recognition_problems(checks, s.asr),
                                    "channels": [c.record() for c in checks]}
        turns = words_to_turns(labeled, max_gap=s.audio.turn_gap, low_confidence=s.asr.low_confidence)
        language = s.asr.language if s.asr.language in ("vi", "en") else (
            languages.most_common(1)[0][0] if languages else "en")
        notes = {"notes": audio.notes} if audio.notes else {}
        return Transcript(call_id=audio.sha256[:16], language=language, turns=turns, duration=round(audio.duration, 3),
                          source="audio", source_path=path, audio_path=os.path.abspath(path), sha256=audio.sha256,
                          asr={**recognizer.describe(), "source_rate": audio.source_rate,
                               "source_channels": audio.source_channels, **extra_asr, **notes},
                          roles=roles)

    def _stereo(self, audio: Any, recognizer: Recognizer, languages: Counter[str], extra_asr: dict[str, Any],
                progress: Progress | None, checks: list[ChannelCheck]) -> tuple[list[LabeledWord], dict[str, Any]]:
        s = self.settings
        words_by_channel: dict[int, list[Any]] = {}
        for ch, samples in enumerate(audio.channels):
            if progress:
                progress(f"asr channel {ch + 1}/2", 0.0)
            regions = speech_regions(samples)
            if not regions:
                checks.append(ChannelCheck(CHANNEL_NAMES[ch], 0.0, None))
                continue
            lang = (s.asr.channel_languages or {}).get(CHANNEL_NAMES[ch])
            res = recognizer.transcribe(samples, language=lang, regions=regions)
            checks.append(ChannelCheck(CHANNEL_NAMES[ch], _seconds(regions), res))
            languages[res.language] += len(res.words)
            extra_asr.setdefault("channels", {})[CHANNEL_NAMES[ch]] = {
                "language": res.language, "pieces": res.pieces, "dropped_segments": res.dropped}
            words_by_channel[ch] = res.words
        if s.audio.agent_channel == "auto":
            texts: dict[str, list[str]] = {CHANNEL_NAMES[ch]: [w.text for w in ws]
                                           for ch, ws in words_by_channel.items()}
            starts = [(ws[0].start, CHANNEL_NAMES[ch]) for ch, ws in words_by_channel.items() if ws]
            if texts:
                decision = decide_agent(texts, min(starts)[1] if starts else None, opener=s.roles.opener)
                agent_ch = CHANNEL_NAMES.index(decision.agent)
                roles = roles_record(decision, "channel+cues", s.roles, agent_channel=decision.agent)
            else:
                agent_ch, roles = 0, {"method": "none", "confidence": 0.0, "evidence": ["no speech"]}
        else:
            agent_ch = CHANNEL_NAMES.index(s.audio.agent_channel)
            roles = self._check_channel_roles(words_by_channel, agent_ch)
        labeled = [LabeledWord(AGENT if ch == agent_ch else CUSTOMER, w, ch)
                   for ch, ws in words_by_channel.items() for w in ws]
        return labeled, roles

    def _mono(self, samples: Any, recognizer: Recognizer, languages: Counter[str], extra_asr: dict[str, Any],
              progress: Progress | None, checks: list[ChannelCheck]) -> tuple[list[LabeledWord], dict[str, Any]]:
        regions = speech_regions(samples)
        res = recognizer.transcribe(samples, regions=regions) if regions else None
        checks.append(ChannelCheck("mono", _seconds(regions), res))
        if not (res and res.words):
            return [], {"method": "none", "confidence": 0.0, "evidence": ["no speech"]}
        languages[res.language] += len(res.words)
        extra_asr.update(pieces=res.pieces, dropped_segments=res.dropped)
        if progress:
            progress("diarization", 0.0)
        diarizer = self.diarizer
        segments = diarizer(samples)
        hint, voice = None, {}
        if self.settings.roles.voices_dir:
            if self._voices is None:  # read once per pipeline
                self._voices = load_voiceprints(self.settings.roles.voices_dir)
            hint = speaker_voice_hint(samples, segments, self._voices, self.settings.roles.voice_margin)
            voice = {"voice_hint": {"label": hint.label, "matched": hint.matched, "scores": hint.scores}}
        labeled, decision = label_mono_words(res.words, segments, self.settings.roles, hint)
        info = diarizer.describe()
        return labeled, roles_record(decision, "diarization+cues", self.settings.roles, diarization=info,
                                     speakers=len({lb for *_, lb in segments}), **voice)

    def _check_channel_roles(self, words_by_channel: dict[int, list[Any]], agent_ch: int) -> dict[str, Any]:
        """Roles come from the channel setting; greeting cues check it, and a confident disagreement
        lowers the confidence so the call is flagged for review."""
        roles: dict[str, Any] = {"method": "channel", "agent_channel": CHANNEL_NAMES[agent_ch],
                                 "confidence": 1.0, "evidence": ["audio.agent_channel setting"], "review": False}
        texts = {str(ch): [w.text for w in ws] for ch, ws in words_by_channel.items() if ws}
        if len(texts) == 2:
            first = str(min((ws[0].start, ch) for ch, ws in words_by_channel.items() if ws)[1])
            cue = decide_agent(texts, first, opener=self.settings.roles.opener)
            if cue.agent != str(agent_ch) and cue.confidence >= 0.8:
                roles.update(confidence=round(1.0 - cue.confidence, 3), review=True,
                             evidence=[f"greeting cues point to the other channel ({', '.join(cue.evidence)}); "
                                       "check audio.agent_channel"])
        return roles

    def import_transcript(self, path: str) -> Transcript:
        """A transcript file (any format `transcribe.importers` reads); turns labelled other than agent/customer
        get their roles here: by channel on a channel-identified transcript (`audio.agent_channel`), else by
        greeting cues. A file that names no speakers is flagged for review."""
        limits = Limits(max_bytes=int(self.settings.batch.max_transcript_mb * 1e6))
        transcript = load_call(path, limits=limits, audio_roots=self.settings.audio.allowed_roots,
                               settings=self.settings.imports)
        if not any(t.speaker not in ROLES for t in transcript.turns):
            return transcript
        channels = {t.channel for t in transcript.turns}
        if channels <= {0, 1} and len(channels) == 2 and self.settings.audio.agent_channel != "auto":
            agent_ch = CHANNEL_NAMES.index(self.settings.audio.agent_channel)
            transcript.turns = [replace(t, speaker=AGENT if t.channel == agent_ch else CUSTOMER,
                                        extra={**t.extra, "label": t.speaker}) for t in transcript.turns]
            transcript.roles = {"method": "channel", "agent_channel": CHANNEL_NAMES[agent_ch], "confidence": 1.0,
                                "evidence": ["audio.agent_channel setting"], "review": False}
            return transcript
        turns, decision = decide_turn_roles(transcript.turns, self.settings.roles)
        transcript.turns = turns
        transcript.roles = roles_record(decision, "transcript labels+cues", self.settings.roles,
                                        labels=sorted({t.extra["label"] for t in turns}))
        if transcript.extra.get("speakers_from") == "none":
            transcript.roles.update(review=True, evidence=[*transcript.roles["evidence"],
                                                           "the file names no speakers"])
        return transcript

    def prepare(self) -> None:
        """Load what every call needs before a batch's first file (whose time limit should not pay for it): the
        PII analyzer when `privacy.redact` is on. The speech and sentiment models still load on first use."""
        if self.settings.privacy.redact:
            from qa.privacy.recognisers import analyzer

            analyzer()

    def redact(self, transcript: Transcript) -> Transcript:
        """The transcript with its personal data replaced by placeholders, as `privacy` says (before scoring: the
        scorecard's evidence quotes the redacted text)."""
        return redact_transcript(transcript, self.settings.privacy, self.before_redaction)

    def score(self, transcript: Transcript, audio: Audio | None = None, rubric: Rubric | None = None) -> CallResult:
        """Sentiment and rubric for a transcript (`audio`: the decoded recording, when the caller has it;
        `rubric`: instead of the settings' rubric, e.g. a stored call's own)."""
        rubric = rubric or self.rubric
        t0 = time.perf_counter()
        sentiments = self.sentiment.score(transcript.turns, transcript.language)
        t1 = time.perf_counter()
        prosody = self._prosody(transcript, audio) if rubric.needs_audio() else []
        card = score_transcript(transcript, sentiments, rubric, self.sentiment.describe(), prosody)
        models: dict[str, Any] = {"sentiment": self.sentiment.describe(),
                                  "rubric": rubric.describe()}
        if transcript.source == "audio":
            models["asr"] = transcript.asr
            if "diarization" in transcript.roles:
                models["diarization"] = transcript.roles["diarization"]
        survey, problems = transcript_survey(transcript.extra)
        for problem in problems:
            logger.warning("%s: survey field left out: %s", transcript.source_path or transcript.call_id, problem)
        return CallResult(transcript, card, models,
                          timings={"sentiment": t1 - t0, "rubric": time.perf_counter() - t1}, survey=survey)

    def customer(self, transcript: Transcript, meta: dict[str, Any] | None = None) -> CustomerKey | None:
        """The call's customer key (`qa.pipeline.kpis.customer_key`) from path metadata `meta`, the transcript's
        own customer_id field, or a phone number in the customer's turns as heard (call it before the turns are
        changed for storage); the secret key is read once, when first needed."""
        ids = {"customer_id": (meta or {}).get("customer_id") or transcript.extra.get("customer_id")}
        if self._secret is None:
            if not ids["customer_id"] and not any(t.speaker == CUSTOMER and any(c.isdigit() for c in t.text)
                                                  for t in transcript.turns):
                return None
            self._secret = load_secret(self.settings.kpis.key_file)
        return customer_key(transcript.turns, ids, self._secret, self.settings.kpis.phone_region)

    def _prosody(self, transcript: Transcript, audio: Audio | None = None) -> list[Prosody | None]:
        """Voice measures for the voice rules (qa.pipeline.voice), with this pipeline's decoder and channel."""
        return voice_measures(transcript, audio, default_channel=self.settings.audio.agent_channel,
                              decoder=self.decode)

    def process(self, path: str, progress: Progress | None = None,
                meta: dict[str, Any] | None = None) -> CallResult:
        """Score one file: a transcript JSON or a recording (`meta`: its path metadata, for the customer id).
        The customer key is taken from the turns as heard: before they are redacted, scored and stored."""
        t0 = time.perf_counter()
        if is_transcript_file(path):
            raw = self.import_transcript(path)
            customer = self.customer(raw, meta)  # the raw text: redaction replaces the phone numbers
            transcript = self.redact(raw)
            t1 = time.perf_counter()
            result = self.score(transcript)
        elif is_audio_file(path):
            try:  # decoded once (the voice rules reuse it); a long call's temporary files go when it is done
                with self.decode(path) as audio:
                    raw = self.transcribe(path, progress, audio)
                    customer = self.customer(raw, meta)  # the raw text: redaction replaces the phone numbers
                    transcript = self.redact(raw)
                    t1 = time.perf_counter()
                    problems = transcript.asr.get("recognition", {}).get("problems")
                    if problems:  # never scored: a reviewer listens to it (batch status needs_review)
                        raise RecognitionFailed(path, problems, transcript)
                    result = self.score(transcript, audio)
            except ModelUnavailable:
                raise  # names the model and the setting; the caller knows the file
            except CallQAError as exc:
                if exc.path is None:
                    raise CallQAError(path, exc.problem, exc.fix) from exc
                raise
        else:
            raise InputError(path, "is neither a transcript nor a recording",
                             f"give a transcript ({', '.join(IMPORT_EXTENSIONS)}) or a recording "
                             f"({', '.join(AUDIO_EXTENSIONS)})")
        result.timings["transcribe"] = t1 - t0
        result.customer = customer
        return result

