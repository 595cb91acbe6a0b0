"""Decide which speaker is the agent, with a confidence (pure functions).

Evidence, in Vietnamese and English: service cues an agent says ("cảm ơn anh chị đã gọi", "em có thể giúp gì",
"thank you for calling", "how can I help"), self-introduction ("my name is …", "em tên là …", "this is … from"),
customer cues that point the other way ("tôi muốn", "my order"), and who opened the call (weighted by
`RoleSettings.opener`: the agent usually answers an inbound call). A hint (a stereo channel setting, or the
speaker whose voice matches an enrolled agent voiceprint) is weighed like strong evidence. Low confidence marks the
call for review.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from transcribe.setting_types import SETTINGS_CONFIG, Interval, Name, Number, Probability
from transcribe.text import fold

# Service cues an agent says and a customer rarely does (matched on folded text: no case, no diacritics).
AGENT_CUES = [
    "thank you for calling", "thanks for calling", "how can i help", "how may i help", "how can i assist",
    "what can i do for you", "is there anything else", "have a nice day", "have a great day", "please hold",
    "let me check", "i will transfer", "for calling",
    "cam on anh chi da goi", "cam on anh da goi", "cam on chi da goi", "cam on quy khach", "em co the giup gi",
    "em co the ho tro gi", "toi co the giup gi", "xin chao quy khach", "tong dai", "chuc anh", "chuc chi",
    "chuc quy khach", "anh chi vui long", "vui long cho", "em kiem tra", "de em kiem tra", "em xin phep",
    "em ho tro", "em giup",
]
# Self-introduction: "my name is Linda", "this is Linda from", "em tên là Lan", "em là Lan ở tổng đài".
INTRO = re.compile(r"\b(my name is|this is \w+ (from|at|with)|speaking|em ten la|toi ten la|em la \w+ (o|tu|cua))\b")
# What a caller says about their own problem or request.
CUSTOMER_CUES = [
    "my order", "my account", "i want to", "i would like to", "i need to", "i called", "i am calling",
    "i m calling", "i have a problem", "i was charged", "refund", "don hang cua toi", "tai khoan cua toi",
    "toi muon", "toi can", "toi goi", "toi bi", "cho toi hoi", "sao lau vay",
]
Opener = Literal["agent", "customer", "unknown"]
OPENERS: tuple[str, ...] = get_args(Opener)


@dataclass
class RoleSettings:
    """`opener`: who usually speaks first (agent for inbound calls, customer for some outbound systems,
    unknown to ignore it); `review_below`: a role decision less confident than this flags the call;
    `voices_dir`: folder of enrolled agent voiceprints (`callqa voices enroll`), the agent voice hint on mono
    calls; `voice_margin`: how much closer to an enrolled agent one speaker must be for the hint to count."""

    __pydantic_config__ = SETTINGS_CONFIG

    opener: Opener = "agent"
    review_below: Annotated[Number, Interval(ge=0.5, le=1)] = 0.75   # confidences are in 0.5..1
    voices_dir: Name | None = None
    voice_margin: Probability = 0.01   # a difference of cosine similarities


@dataclass(frozen=True)
class RoleDecision:
    """`agent` is the label judged to be the agent; `confidence` in 0.5..1; `evidence` says why."""

    agent: str
    confidence: float
    evidence: tuple[str, ...]


def _cues(folded: str, cues: Sequence[str]) -> list[str]:
    padded = f" {folded} "
    return [c for c in cues if f" {c} " in padded]


def label_scores(texts: Mapping[str, Sequence[str]], first_speaker: str | None, opener: str = "agent",
                 hint: str | None = None, hint_reason: str = "agent hint (setting)",
                 ) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Agent-likeness score and evidence per label."""
    scores: dict[str, float] = {}
    hits: dict[str, list[str]] = {}
    for label in texts:
        utterances = [fold(t) for t in texts[label]]
        folded = " ".join(utterances)
        found = [f"cue: {c}" for c in _cues(folded, AGENT_CUES)]
        found += [f"introduces self: {m.group(1)}" for m in [INTRO.search(folded)] if m]
        against = _cues(folded, CUSTOMER_CUES)
        score = 2.0 * len(found) - 1.0 * len(against)
        if label == first_speaker and opener != "unknown":
            score += 1.0 if opener == "agent" else -1.0
            found.append("opened the call" if opener == "agent" else "did not open the call")
        if hint is not None and label == hint:
            score += 3.0
            found.append(hint_reason)
        scores[label], hits[label] = score, found + [f"customer cue: {c}" for c in against]
    return scores, hits


def decide_agent(texts: Mapping[str, Sequence[str]], first_speaker: str | None, *, opener: str = "agent",
                 hint: str | None = None, hint_reason: str = "agent hint (setting)") -> RoleDecision:
    """Pick the agent among speaker labels from their utterances' cues, who opened the call and a hint.

    Confidence is a logistic of the score margin between the best and the runner-up label (0.5 when
    nothing tells them apart; one label alone gets 0.5 too)."""
    labels = sorted(texts)
    if not labels:
        raise ValueError("no speakers to choose from")
    scores, hits = label_scores(texts, first_speaker, opener, hint, hint_reason)
    prefer_first = opener != "customer"
    ranked = sorted(labels, key=lambda lb: (-scores[lb], (lb != first_speaker) == prefer_first, lb))
    agent = ranked[0]
    if len(ranked) == 1:
        return RoleDecision(agent=agent, confidence=0.5, evidence=tuple(hits[agent] + ["only one speaker"]))
    margin = scores[agent] - scores[ranked[1]]
    confidence = 1.0 / (1.0 + math.exp(-margin))
    return RoleDecision(agent=agent, confidence=round(confidence, 3), evidence=tuple(hits[agent]))
