"""Speakers of a call: stereo channels or diarized labels, and which of them is the agent (pure functions
except `channel_segments`, which measures energy)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from transcribe.align import LabeledWord, assign_speakers
from transcribe.roles import RoleDecision, RoleSettings, decide_agent
from transcribe.spool import Samples
from transcribe.types import AGENT, CUSTOMER, Turn, Word
from transcribe.voiceprint import VoiceHint, speech_of, voice_hint, voiceprint

CHANNEL_NAMES: tuple[Literal["left"], Literal["right"]] = ("left", "right")  # the keys of asr.channel_languages


def channel_segments(channels: Sequence[Samples], labels: Sequence[str], sample_rate: int = 16000,
                     ) -> list[tuple[float, float, str]]:
    """Who spoke when on a stereo call: each channel's speech regions labelled with that channel's label."""
    from transcribe.audio import speech_regions

    segments = [(round(a, 3), round(b, 3), label) for samples, label in zip(channels, labels)
                for a, b in speech_regions(samples, sample_rate)]
    return sorted(segments)


def speaker_voice_hint(samples: Samples, segments: Sequence[tuple[float, float, str]],
                       enrolled: dict[str, np.ndarray], margin: float, sample_rate: int = 16000) -> VoiceHint:
    """Compare each diarized speaker's voice with the enrolled agent voiceprints (speakers with under 0.5 s of
    speech are left out)."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for start, end, label in segments:
        spans.setdefault(label, []).append((start, end))
    prints = {}
    for label, ss in spans.items():
        speech = speech_of(samples, ss, sample_rate)
        if len(speech) >= sample_rate // 2:
            prints[label] = voiceprint(speech, sample_rate)
    return voice_hint(prints, enrolled, margin)


def roles_record(decision: RoleDecision, method: str, settings: RoleSettings, **extra: Any) -> dict[str, Any]:
    """The `roles` document stored with a call."""
    return {"method": method, "agent_label": decision.agent, "confidence": decision.confidence,
            "evidence": list(decision.evidence), "review": decision.confidence < settings.review_below, **extra}


def label_mono_words(words: Sequence[Word], segments: Sequence[tuple[float, float, str]],
                     settings: RoleSettings, hint: VoiceHint | None = None,
                     ) -> tuple[list[LabeledWord], RoleDecision]:
    """Give each word its diarized speaker, decide which speaker is the agent (an agent voice `hint` counts as
    strong evidence), and return role-labelled words (every non-agent speaker is the customer) with the
    decision."""
    labels = [lb or "unknown" for lb in assign_speakers(words, segments)]
    texts: dict[str, list[str]] = {}
    for lb, w in zip(labels, words):
        texts.setdefault(lb, []).append(w.text)
    decision = decide_agent(texts, labels[0] if labels else None, opener=settings.opener,
                            hint=hint.label if hint else None, hint_reason=hint.evidence() if hint else "")
    return [LabeledWord(AGENT if lb == decision.agent else CUSTOMER, w) for lb, w in zip(labels, words)], decision


def decide_turn_roles(turns: Sequence[Turn], settings: RoleSettings) -> tuple[list[Turn], RoleDecision]:
    """Turns whose `speaker` is any label ("spk_0", "A", …): decide the agent, relabel the turns agent /
    customer, keep the original label in `extra["label"]`."""
    texts: dict[str, list[str]] = {}
    for t in turns:
        texts.setdefault(t.speaker, []).append(t.text)
    first = min(turns, key=lambda t: t.start).speaker if turns else None
    decision = decide_agent(texts, first, opener=settings.opener)
    out = []
    for t in turns:
        role = AGENT if t.speaker == decision.agent else CUSTOMER
        out.append(Turn(speaker=role, start=t.start, end=t.end, text=t.text, words=t.words, channel=t.channel,
                        confidence=t.confidence, low_confidence=t.low_confidence,
                        extra={**t.extra, "label": t.speaker}))
    return out, decision


def swap_turn_roles(turns: Sequence[Turn]) -> list[Turn]:
    """The same turns with agent and customer exchanged."""
    other = {AGENT: CUSTOMER, CUSTOMER: AGENT}
    return [Turn(speaker=other.get(t.speaker, t.speaker), start=t.start, end=t.end, text=t.text, words=t.words,
                 channel=t.channel, confidence=t.confidence, low_confidence=t.low_confidence, extra=dict(t.extra))
            for t in turns]
