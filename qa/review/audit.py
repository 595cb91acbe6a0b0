"""The review audit trail and what every review write shares: assessment states, short retried transactions,
one event per change.

Every change a person makes to a call's review (a state change, an override or its withdrawal, a note, a
dispute comment, a resolution, a roles swap) is written in the same transaction as an `assessment_events` row
naming the actor, the action and the time. Writes are one short transaction each: the nightly batch stores
calls into the same database file (the store waits its turn for the file), and two people working in the app
at once may touch the same assessment (a write-write conflict is retried, then re-checked against the new
state, so no change is lost and none is applied twice).
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb

from qa.accounts.access import Viewer, require_call, require_role
from qa.store.database import Store
from qa.store.vocabulary import REVIEW_STATES, SHARED_STATES
from transcribe.errors import CallQAError

logger = logging.getLogger("qa")
T = TypeVar("T")

DRAFT, SHARED, ACKNOWLEDGED, DISPUTED, FINAL = REVIEW_STATES
STATES = REVIEW_STATES
VISIBLE_TO_AGENT = SHARED_STATES  # the agent sees the review from Shared on
EDITABLE = (None, DRAFT, DISPUTED)  # results may change: no assessment yet, a Draft, or while resolving a dispute
PRIVATE_ACTIONS = ("private_note",)  # events an agent never sees
REVIEWER_ROLES = ("admin", "supervisor")
CONFLICT_WAIT_S = 10.0  # how long a write keeps retrying write-write conflicts before giving up


class ReviewError(CallQAError):
    """A review action that is not possible as asked. `key` names the case for the app's translated message
    (`rev_err_<key>`), `params` fill it in."""

    key_prefix = "rev_err_"

    def __init__(self, key: str, problem: str, fix: str = "", **params: Any) -> None:
        super().__init__(None, problem, fix, key=key, **params)


@dataclass(frozen=True)
class Event:
    """One line of a call's audit trail."""

    event_id: int
    call_id: str
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    comment: str | None
    created_at: datetime


def now() -> datetime:
    """The time stored with review rows: naive UTC, like every other timestamp in the store."""
    return datetime.now(UTC).replace(tzinfo=None)


def agent_sees(viewer: Viewer, state: str | None) -> bool:
    """Whether `viewer` sees the review work (overrides, coaching notes, trail) of a call whose assessment is in
    `state`: reviewers always, the call's agent from Shared on."""
    return not viewer.is_agent or state in VISIBLE_TO_AGENT


def require_reviewer(store: Store, viewer: Viewer, call_id: str) -> None:
    """Raise PermissionDenied unless `viewer` may see `call_id` (checked first: a call outside the scope is
    "not found") and reviews (supervisor or admin)."""
    require_call(store, viewer, call_id)
    require_role(viewer, *REVIEWER_ROLES)


def write(store: Store, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `fn(con)` in one short transaction. A write-write conflict with another session of the same app
    process (DuckDB's optimistic concurrency) is retried: `fn` runs again and re-checks what it read, so a change
    is applied once, or refused against the new state. A file locked by another process is waited for by the
    store itself. Neither reaches the person who asked."""
    deadline, delay, duplicates = time.monotonic() + CONFLICT_WAIT_S, 0.005, 0
    while True:
        try:
            with store.transaction() as con:
                return fn(con)
        except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
            # A duplicate key is a conflict too when another session inserted the same row (an assessment)
            # after this transaction began: the next try sees that row. Any other duplicate is a bug: raise it.
            duplicates += isinstance(exc, duckdb.ConstraintException)
            if time.monotonic() >= deadline or duplicates > 3:
                raise
            logger.debug("review write conflict (%s); retrying", exc)
            time.sleep(delay * (0.5 + random.random()))  # jitter: two sessions do not collide again in step
            delay = min(delay * 2, 0.1)


def current_state(con: duckdb.DuckDBPyConnection, call_id: str) -> str | None:
    """The assessment state of `call_id` (None: no assessment yet)."""
    row = con.execute("SELECT state FROM assessments WHERE call_id = ?", [call_id]).fetchone()
    return row[0] if row else None


def record(con: duckdb.DuckDBPyConnection, call_id: str, actor: str, action: str, *, from_state: str | None = None,
           to_state: str | None = None, comment: str | None = None, at: datetime | None = None) -> int:
    """Append one event to `call_id`'s audit trail (inside the caller's transaction); returns its id."""
    row = con.execute("INSERT INTO assessment_events (call_id, actor, action, from_state, to_state, comment, "
                      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING event_id",
                      [call_id, actor, action, from_state, to_state, comment, at or now()]).fetchone()
    assert row is not None  # INSERT ... RETURNING gives the inserted row
    return row[0]


def ensure_draft(con: duckdb.DuckDBPyConnection, call_id: str, actor: str) -> str:
    """The call's assessment state, opening a Draft (recorded as `create`) when the call has none."""
    state = current_state(con, call_id)
    if state is None:
        at = now()
        con.execute("INSERT INTO assessments VALUES (?, ?, ?, ?, ?)", [call_id, DRAFT, actor, at, at])
        record(con, call_id, actor, "create", to_state=DRAFT, at=at)
        return DRAFT
    return state


def require_editable(state: str | None, call_id: str) -> None:
    """Raise `ReviewError` unless the call's results may be changed in `state`."""
    if state not in EDITABLE:
        raise ReviewError("not_editable", f"the assessment of call {call_id} is {state}: its results change only in a "
                          "Draft or while resolving a dispute", "open a call whose review is "
                          "not shared yet, or wait for the agent's answer", state=state)


def events(con: duckdb.DuckDBPyConnection, call_id: str, *, private: bool) -> list[Event]:
    """`call_id`'s audit trail, oldest first (`private`: include the events an agent may not see)."""
    sql = ("SELECT event_id, call_id, actor, action, from_state, to_state, comment, created_at "
           "FROM assessment_events WHERE call_id = ?")
    if not private:
        sql += " AND action NOT IN (" + ", ".join("?" * len(PRIVATE_ACTIONS)) + ")"
    rows = con.execute(sql + " ORDER BY event_id", [call_id, *([] if private else PRIVATE_ACTIONS)]).fetchall()
    return [Event(*r) for r in rows]
