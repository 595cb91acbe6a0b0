"""Overrides: a reviewer's result for one criterion, kept beside the automatic result with who, when and why.

The automatic result is never replaced: it stays in `criterion_results` (which a re-score rewrites) and is copied
into the override row as `auto_status`. Override rows are never updated: the newest row of a criterion is in
force, and a row with status NULL withdraws the override. Overrides are written by supervisors and admins while
the call's assessment may change (none yet, Draft, or Disputed: see `qa.review.assessments`); the first one opens the
Draft. The call's agent sees them once the assessment is Shared.
"""
from __future__ import annotations

from typing import Any

from qa.accounts.access import Viewer, require_call
from qa.review.audit import (
    ReviewError,
    agent_sees,
    current_state,
    ensure_draft,
    now,
    record,
    require_editable,
    require_reviewer,
    write,
)
from qa.store.database import Store
from qa.store.in_force import Override, Result, effective_total, in_force, refresh

__all__ = ["OVERRIDE_STATUSES", "Override", "Result", "effective_total", "in_force", "override", "withdraw",
           "override_history", "results", "results_in", "write_override"]

OVERRIDE_STATUSES = ("pass", "fail", "na")


def _overrides(con: Any, call_id: str) -> list[Override]:
    rows = con.execute("SELECT override_id, call_id, criterion_id, auto_status, status, reason, author, created_at "
                       "FROM overrides WHERE call_id = ? ORDER BY override_id", [call_id]).fetchall()
    return [Override(*r) for r in rows]


def override(store: Store, viewer: Viewer, call_id: str, criterion_id: str, status: str, reason: str) -> Override:
    """Override one criterion's result with `status` (pass, fail, na) and a `reason` (reviewers). The automatic
    result stays as it is and is copied beside the override, with who and when."""
    require_reviewer(store, viewer, call_id)
    if status not in OVERRIDE_STATUSES:
        raise ReviewError("bad_status", f"an override's result is one of {', '.join(OVERRIDE_STATUSES)}, "
                          f"not {status!r}", "pick pass, fail or na", status=status)
    why = (reason or "").strip()
    if not why:
        raise ReviewError("reason_required", "an override needs a reason", "say why the automatic result is wrong")
    return write(store, lambda con: write_override(con, viewer, call_id, criterion_id, status, why))


def withdraw(store: Store, viewer: Viewer, call_id: str, criterion_id: str, reason: str) -> Override:
    """Withdraw the override in force on `criterion_id` (the automatic result applies again), with a reason."""
    require_reviewer(store, viewer, call_id)
    why = (reason or "").strip()
    if not why:
        raise ReviewError("reason_required", "withdrawing an override needs a reason", "say why")
    return write(store, lambda con: write_override(con, viewer, call_id, criterion_id, None, why))


def write_override(con: Any, viewer: Viewer, call_id: str, criterion_id: str, status: str | None,
                   reason: str) -> Override:
    """Inside the caller's write transaction (after its permission checks): store one override row (`status` None
    withdraws), refresh the call's results in force and record it in the trail. Used by `override`, `withdraw`
    and a dispute's accepted criteria (`qa.review.disputes`)."""
    row = con.execute("SELECT status FROM criterion_results WHERE call_id = ? AND criterion_id = ?",
                      [call_id, criterion_id]).fetchone()
    if row is None:
        raise ReviewError("no_criterion", f"call {call_id} has no criterion {criterion_id!r}",
                          "pick one of the call's criteria", criterion=criterion_id)
    if status is None and criterion_id not in in_force(_overrides(con, call_id)):
        raise ReviewError("no_override", f"criterion {criterion_id!r} of call {call_id} has no override to withdraw",
                          "nothing to do", criterion=criterion_id)
    state = ensure_draft(con, call_id, viewer.username)
    require_editable(state, call_id)
    at = now()
    oid = con.execute("INSERT INTO overrides (call_id, criterion_id, auto_status, status, reason, author, "
                      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING override_id",
                      [call_id, criterion_id, row[0], status, reason, viewer.username, at]).fetchone()[0]
    refresh(con, [call_id])  # the call's stored results in force (queue, dashboard)
    change = f"{criterion_id}: {row[0]} → {status}" if status else f"{criterion_id}: back to {row[0]}"
    record(con, call_id, viewer.username, "override" if status else "withdraw", from_state=state, to_state=state,
           comment=f"{change} — {reason}", at=at)
    return Override(oid, call_id, criterion_id, row[0], status, reason, viewer.username, at)


def override_history(store: Store, viewer: Viewer, call_id: str) -> list[Override]:
    """Every override row of the call, oldest first (for the call's agent: only once the review is shared)."""
    require_call(store, viewer, call_id)
    with store.connect() as con:
        if not agent_sees(viewer, current_state(con, call_id)):
            return []
        return _overrides(con, call_id)


def results(store: Store, viewer: Viewer, call_id: str) -> list[Result]:
    """The call's criteria (critical items last): automatic result and the override in force beside it."""
    require_call(store, viewer, call_id)
    with store.connect() as con:
        return results_in(con, call_id, with_overrides=agent_sees(viewer, current_state(con, call_id)))


def results_in(con: Any, call_id: str, *, with_overrides: bool = True) -> list[Result]:
    """`results` on an open connection (no permission check: the caller has made it)."""
    rows = con.execute("SELECT criterion_id, name, coalesce(critical, false), status, score, weight "
                       "FROM criterion_results WHERE call_id = ? ORDER BY coalesce(critical, false), position",
                       [call_id]).fetchall()
    forced = in_force(_overrides(con, call_id)) if with_overrides else {}
    return [Result(cid, name, bool(crit), status, score, weight, forced.get(cid))
            for cid, name, crit, status, score, weight in rows]
