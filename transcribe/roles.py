"""Decide which speaker is the agent, with a confidence (pure functions)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from transcribe.text import fold

# Service cues an agent says and a customer rarely does (matched on folded text: no case, no diacritics).
AGENT_CUES = [
    "thank you for calling", "thanks for calling", "how can i help", "how may i help", "how can i assist",
    "my name is", "this is", "speaking", "is there anything else", "have a nice day", "please hold",
    "cam on anh chi da goi", "cam on anh da goi", "cam on chi da goi", "cam on quy khach", "em co the giup gi",
    "em co the ho tro gi", "toi co the giup gi", "xin chao quy khach", "em la", "tong dai", "chuc anh",
    "chuc chi", "chuc quy khach", "anh chi vui long", "vui long cho",
]


@dataclass(frozen=True)
class RoleDecision:
    """`agent` is the label judged to be the agent; `confidence` in 0.5..1; `evidence` says why."""

    agent: str
    confidence: float
    evidence: tuple[str, ...]


def decide_agent(texts: dict[str, Sequence[str]], first_speaker: str | None) -> RoleDecision:
    """Pick the agent among speaker labels from their utterances' service cues and who opened the call."""
    labels = sorted(texts)
    if not labels:
        raise ValueError("no speakers to choose from")
    scores: dict[str, float] = {}
    hits: dict[str, list[str]] = {}
    for label in labels:
        folded = " ".join(fold(t) for t in texts[label])
        found = [c for c in AGENT_CUES if f" {c} " in f" {folded} "]
        hits[label] = found
        scores[label] = 2.0 * len(found) + (1.0 if label == first_speaker else 0.0)
    ranked = sorted(labels, key=lambda lb: (-scores[lb], lb != first_speaker, lb))
    agent = ranked[0]
    margin = scores[agent] - (scores[ranked[1]] if len(ranked) > 1 else 0.0)
    confidence = 1.0 / (1.0 + math.exp(-margin)) if len(ranked) > 1 else 0.5
    evidence = tuple([f"cue: {c}" for c in hits[agent]] + (["opened the call"] if agent == first_speaker else []))
    return RoleDecision(agent=agent, confidence=round(confidence, 3), evidence=evidence)
