"""Dataclasses at the boundary of the transcribe stage. Times are seconds in the original recording."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """Who speaks a turn."""

    AGENT = "agent"
    CUSTOMER = "customer"


AGENT, CUSTOMER = Role.AGENT.value, Role.CUSTOMER.value
ROLES = (AGENT, CUSTOMER)


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span and recogniser confidence (0..1).

    `flag` says why the recogniser's text around it is doubtful (repetition, compression ratio, low
    log-probability), None when it is not."""

    start: float
    end: float
    text: str
    probability: float = 1.0
    flag: str | None = None


@dataclass
class Turn:
    """A stretch of speech by one party.

    `speaker` is "agent" or "customer" once roles are decided; `channel` is the source channel of a
    stereo recording (None for mono or imported text). `confidence` is the mean word probability
    (1.0 for imported transcripts); `low_confidence` marks text that should not be trusted blindly.
    """

    speaker: str
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    channel: int | None = None
    confidence: float = 1.0
    low_confidence: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Transcript:
    """A whole call: turns in the order they were spoken (or in the imported file's order).

    `source` is "audio" or "transcript"; `extra` keeps unknown fields of an imported file.
    """

    call_id: str
    language: str
    turns: list[Turn]
    duration: float
    source: str
    source_path: str = ""
    agent_id: str | None = None
    audio_path: str | None = None
    sha256: str | None = None
    media: str | None = None  # the recording's key in the product's media store (qa.store.media), once ingested
    asr: dict[str, Any] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def agent_turns(self) -> list[tuple[int, Turn]]:
        """(index, turn) pairs of the agent's turns."""
        return [(i, t) for i, t in enumerate(self.turns) if t.speaker == AGENT]
