"""Dataclasses at the boundary of the scoring stage."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """A criterion's result."""

    PASS = "pass"
    FAIL = "fail"
    NA = "na"


PASS, FAIL, NA = (s.value for s in Status)
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


_new = object.__new__


def evidence(turn: int, start: float, end: float, text: str, phrase: str = "", kind: str = "for") -> Evidence:
    """`Evidence(...)`, made faster for the scoring hot path: it fills the frozen instance's fields directly
    instead of through `object.__setattr__` one by one (the result is equal, hashes and prints the same)."""
    e = _new(Evidence)
    d = e.__dict__
    d["turn"], d["start"], d["end"], d["text"], d["phrase"], d["kind"] = turn, start, end, text, phrase, kind
    return e


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
    critical: bool = False  # a critical item: failing it fails the whole call (weight 0)


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
    metrics: CallMetrics | None = None
    critical: list[CriterionResult] = field(default_factory=list)  # critical items (pass/fail, weight 0)
    service_level: int | None = None  # 1 (disappointing) .. 6 (amazing); thresholds in the rubric file
    service_label: str | None = None
    rubric_sha256: str | None = None  # the rubric's content hash (None: scored before it was recorded)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Prosody:
    """Loudness (RMS, dB relative to full scale) and median pitch (Hz, None when unvoiced) of one turn."""

    loudness_db: float
    pitch_hz: float | None


@dataclass(frozen=True)
class Hold:
    """A silence long enough to be a hold: from `start` to `end` (seconds), after turn `after_turn`."""

    start: float
    end: float
    after_turn: int

    @property
    def seconds(self) -> float:
        return round(self.end - self.start, 3)


@dataclass
class CallMetrics:
    """Conversation metrics of one call, from turn times (seconds), words and sentiment.

    Ratios are 0..1; `agent_speech_rate`/`customer_speech_rate` are words per minute of that party's
    talk; sentiment values are polarities (-1..1) of the customer's first and last turns.
    """

    handling_time: float
    agent_talk: float
    customer_talk: float
    talk_ratio: float | None
    silence_share: float | None
    longest_silence: float
    holds: int
    hold_time: float
    longest_hold: float
    agent_interruptions: int
    customer_interruptions: int
    overlap: float
    first_response_latency: float | None
    mean_response_latency: float | None
    agent_speech_rate: float | None
    customer_speech_rate: float | None
    customer_sentiment_start: float | None
    customer_sentiment_end: float | None
    customer_label_start: str | None
    customer_label_end: str | None
    turned_around: bool | None
    hold_spans: list[Hold] = field(default_factory=list)
    interruption_turns: list[int] = field(default_factory=list)
    prosody: list[Prosody | None] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
