"""The words the database stores for reviews and accounts, defined once: review states and user roles.

Each is an `enum.StrEnum`; the module-level tuples hold their plain string values (what the tables, click choices
and the UI use). Criterion results (pass/fail/na) are `scoring.types.Status`; speakers (agent/customer) are
`transcribe.types.Role`."""
from __future__ import annotations

from enum import StrEnum


class ReviewState(StrEnum):
    """Where a supervisor's assessment of a call stands."""

    DRAFT = "draft"
    SHARED = "shared"
    ACKNOWLEDGED = "acknowledged"
    DISPUTED = "disputed"
    FINAL = "final"


class UserRole(StrEnum):
    """What a user of the reviewer app may do and see."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"


REVIEW_STATES: tuple[str, ...] = tuple(s.value for s in ReviewState)
SHARED_STATES: tuple[str, ...] = tuple(s.value for s in ReviewState if s is not ReviewState.DRAFT)  # agent sees it
USER_ROLES: tuple[str, ...] = tuple(r.value for r in UserRole)
