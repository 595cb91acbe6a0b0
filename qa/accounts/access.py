"""Who may see which call: the one place the app's permission rules live.

Every read of call data on behalf of a signed-in person goes through a `Viewer`. An agent sees only calls whose
`agent_id` is their own; a supervisor limited to teams sees only calls of agents in those teams; an admin and an
unlimited supervisor see every call. A call the viewer may not see behaves exactly like a call that does not
exist (`None`, or `PermissionDenied` whose message does not confirm the call exists), so no page, URL parameter
or crafted request can reveal another agent's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.store.database import Store
from qa.store.scorecard_view import CallView, build_scorecard
from qa.store.vocabulary import USER_ROLES
from transcribe.errors import CallQAError

ROLES = USER_ROLES


class PermissionDenied(CallQAError):
    """The signed-in person may not do this (or the call is not visible to them)."""


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: `role` is admin, supervisor or agent; `agent_id` links an agent to their calls;
    `teams` limits a supervisor (empty: every team)."""

    username: str
    role: str
    agent_id: str | None = None
    teams: tuple[str, ...] = ()

    @property
    def is_agent(self) -> bool:
        return self.role == "agent"

    @property
    def reviews(self) -> bool:
        """May review: sample, override, coach, calibrate."""
        return self.role in ("admin", "supervisor")


def call_scope(viewer: Viewer, alias: str = "c") -> tuple[str, list[Any]]:
    """A SQL condition on `{alias}.agent_id` (a row of `calls`, or any table with agent_id) and its parameters
    restricting rows to the calls `viewer` may see. Always `AND` it into a query's WHERE clause."""
    if viewer.role not in ROLES:
        return "FALSE", []
    if viewer.is_agent:
        if not viewer.agent_id:
            return "FALSE", []
        return f"{alias}.agent_id = ?", [viewer.agent_id]
    if viewer.role == "supervisor" and viewer.teams:
        marks = ", ".join("?" * len(viewer.teams))
        return (f"{alias}.agent_id IN (SELECT agent_id FROM agents WHERE team IN ({marks}))",
                list(viewer.teams))
    return "TRUE", []


def can_see(store: Store, viewer: Viewer, call_id: str) -> bool:
    """Whether `call_id` is stored and visible to `viewer`."""
    cond, params = call_scope(viewer)
    with store.connect() as con:
        row = con.execute(f"SELECT 1 FROM calls c WHERE c.call_id = ? AND {cond}", [call_id, *params]).fetchone()
    return row is not None


def require_call(store: Store, viewer: Viewer, call_id: str) -> None:
    """Raise `PermissionDenied` unless `viewer` may see `call_id` (the message is the same for a call that
    does not exist)."""
    if not can_see(store, viewer, call_id):
        raise PermissionDenied(None, f"call {call_id} not found", "pick a call from your list",
                               key="call_not_found", call=call_id)


def require_role(viewer: Viewer, *roles: str) -> None:
    """Raise `PermissionDenied` unless `viewer.role` is one of `roles`."""
    if viewer.role not in roles:
        raise PermissionDenied(None, f"this needs the role {' or '.join(roles)} (you are {viewer.role})",
                               "ask an admin", key="role_needed", roles=roles, role=viewer.role)


def get_call(store: Store, viewer: Viewer, call_id: str) -> CallView | None:
    """The call's scorecard (as `Store.get_call`) when `viewer` may see it, else None."""
    cond, params = call_scope(viewer)
    with store.connect() as con:  # one connection: the check and the read
        if con.execute(f"SELECT 1 FROM calls c WHERE c.call_id = ? AND {cond}", [call_id, *params]).fetchone() is None:
            return None
        return build_scorecard(con, call_id)


def recording(store: Store, viewer: Viewer, call_id: str) -> tuple[bytes, str] | None:
    """(bytes, MIME type) of the call's recording when `viewer` may see the call and the product registered a
    recording for it at ingest (qa.store.media), else None. Never a path: nothing else is ever served."""
    from qa.store import media

    cond, params = call_scope(viewer)
    with store.connect() as con:
        row = con.execute(f"SELECT c.media FROM calls c WHERE c.call_id = ? AND {cond}",
                          [call_id, *params]).fetchone()
    if row is None or store.path == ":memory:":
        return None
    return media.read(store.path, row[0])
