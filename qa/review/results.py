"""Calls with their results in force and their assessment state (an agent's scorecards), and LAST pass rates per
criterion by week (an agent's trends).

What an agent sees follows `qa.review.assessments`: their own calls only; the overrides of a call once its assessment is
Shared or later (before, the automatic results); no Draft state. A call's date is `calls.call_date` (the date in its
file path, `batch.path_pattern` with `{date}`, or in an imported transcript; else the day it was first scored).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from qa.accounts.access import Viewer, call_scope
from qa.review.audit import agent_sees
from qa.review.overrides import Override, Result, effective_total, in_force
from qa.store.database import Store

CALL_DATE = "coalesce(c.call_date, CAST(s.scored_at AS DATE))"  # calls.call_date: see qa.store.database.call_date


@dataclass(frozen=True)
class ReviewedCall:
    """One call as its viewer may see it: automatic total, total with overrides, state (None: no assessment,
    or a Draft the agent may not see yet) and every criterion's result."""

    call_id: str
    agent_id: str | None
    call_date: date | None
    total: float | None
    reviewed_total: float | None
    state: str | None
    results: tuple[Result, ...]

    @property
    def statuses(self) -> dict[str, str]:
        """criterion id -> the result in force (critical items left out)."""
        return {r.criterion_id: r.status for r in self.results if not r.critical}


@dataclass(frozen=True)
class WeekRate:
    """Share of a week's calls that passed a criterion (calls where it did not apply left out)."""

    week: date  # the Monday
    criterion_id: str
    passed: int
    applied: int

    @property
    def rate(self) -> float:
        return self.passed / self.applied if self.applied else 0.0


def reviewed_calls(store: Store, viewer: Viewer, *, limit: int = 500,
                   agent_id: str | None = None) -> list[ReviewedCall]:
    """The newest `limit` calls `viewer` may see (optionally one agent's), newest first, with results in force."""
    cond, params = call_scope(viewer, "c")
    if agent_id is not None:
        cond, params = f"({cond}) AND c.agent_id = ?", [*params, agent_id]
    with store.connect() as con:
        calls = con.execute(f"""
            SELECT c.call_id, c.agent_id, {CALL_DATE} AS day, s.total, a.state
            FROM calls c LEFT JOIN scorecards s USING (call_id) LEFT JOIN assessments a USING (call_id)
            WHERE {cond} ORDER BY day DESC NULLS LAST, c.call_id LIMIT ?""", [*params, limit]).fetchall()
        ids = [r[0] for r in calls]
        crit: list[Any] = []
        rows: list[Any] = []
        if ids:
            crit = con.execute("SELECT call_id, criterion_id, name, coalesce(critical, false), status, score, weight "
                               "FROM criterion_results WHERE call_id IN (SELECT unnest(?::VARCHAR[])) "
                               "ORDER BY call_id, coalesce(critical, false), position", [ids]).fetchall()
            rows = con.execute("SELECT override_id, call_id, criterion_id, auto_status, status, reason, author, "
                               "created_at FROM overrides WHERE call_id IN (SELECT unnest(?::VARCHAR[])) "
                               "ORDER BY override_id", [ids]).fetchall()
    history: dict[str, list[Override]] = {}
    for r in rows:
        history.setdefault(r[1], []).append(Override(*r))
    by_call: dict[str, list[Any]] = {}
    for r in crit:
        by_call.setdefault(r[0], []).append(r)
    out = []
    for call_id, agent, day, total, state in calls:
        visible = agent_sees(viewer, state)
        forced = in_force(history.get(call_id, [])) if visible else {}
        items = tuple(Result(cid, name, bool(c), status, score, weight, forced.get(cid))
                      for _, cid, name, c, status, score, weight in by_call.get(call_id, []))
        out.append(ReviewedCall(call_id, agent, day, total, effective_total(list(items)) if forced else total,
                                state if visible else None, items))
    return out


def week_of(day: date | datetime) -> date:
    """The Monday of `day`'s week."""
    d = day.date() if isinstance(day, datetime) else day
    return d - timedelta(days=d.weekday())


def weekly_pass_rates(calls: list[ReviewedCall]) -> list[WeekRate]:
    """Pass rate of each criterion per week over `calls` (results in force; na left out), oldest week first."""
    counts: dict[tuple[date, str], list[int]] = {}
    for call in calls:
        if call.call_date is None:
            continue
        week = week_of(call.call_date)
        for cid, status in call.statuses.items():
            if status == "na":
                continue
            c = counts.setdefault((week, cid), [0, 0])
            c[0] += status == "pass"
            c[1] += 1
    return [WeekRate(w, cid, p, n) for (w, cid), (p, n) in sorted(counts.items())]
