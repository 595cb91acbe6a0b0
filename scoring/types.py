"""Dataclasses at the boundary of the scoring stage."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PASS, FAIL, NA = "pass", "fail", "na"
LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Sentiment:
    """Sentiment of one turn: `label` in negative/neutral/positive, `score` its probability (0..1),
    `polarity` p(positive) - p(negative) in -1..1, and the `backend` that produced it."""

    label: str
    score: float
    polarity: float
    language: str
    backend: str


@dataclass(frozen=True)
class Evidence:
    """Words behind a decision. `kind`: "for" (earned the point), "against" (counts against it),
    "not_counted" (a look-alike refused by an exclusion, e.g. "sorry, could you repeat"), "context"
    (e.g. the customer's complaint that made Apologize applicable)."""

    turn: int
    start: float
    end: float
    text: str
    phrase: str = ""
    kind: str = "for"


@dataclass
class CriterionResult:
    """One criterion for one call: status pass/fail/na, points earned (None when na) out of `weight`."""

    id: str
    name: str
    status: str
    score: float | None
    weight: float
    reason: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Scorecard:
    """A call's rubric result: criteria, weighted total 0-100 (None when nothing applied), per-turn
    sentiment, which agent turns matched which criteria, and what produced it."""

    call_id: str
    rubric_id: str
    rubric_version: str
    criteria: list[CriterionResult]
    total: float | None
    sentiments: list[Sentiment]
    turn_matches: dict[int, list[str]]
    sentiment_backends: dict[str, Any]
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
