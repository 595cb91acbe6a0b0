"""What the pipeline produces for one call (and the store writes): kept apart from the pipeline so that readers of
results do not import the speech stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qa import __version__
from qa.pipeline.kpis import CustomerKey, Survey
from scoring.types import Scorecard
from transcribe.types import Transcript

__all__ = ["CallResult"]


@dataclass
class CallResult:
    """Everything produced for one call, ready for the store."""

    transcript: Transcript
    scorecard: Scorecard
    models: dict[str, Any]
    code_version: str = __version__
    timings: dict[str, float] = field(default_factory=dict)
    survey: Survey | None = None          # the customer's survey from the transcript's own fields
    customer: CustomerKey | None = None   # who the customer is (a keyed hash), for repeat calls
