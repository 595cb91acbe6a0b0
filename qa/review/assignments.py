"""Review assignments and weekly goals: a supervisor (or admin) assigns calls — usually a review sample — to a
reviewer for an ISO week, and sets each reviewer's weekly goal; every reviewer has their own queue of assigned
calls, and progress per reviewer and week counts the assigned calls whose review has been shared (or gone on
to acknowledged, disputed or final).

Rules: only admins and supervisors assign or set goals; the reviewer must be an active admin or supervisor; a
team supervisor assigns only calls they may see, and only to a reviewer who may see them (no assignment shows
anyone a call outside their scope); assigning a call again to the same reviewer changes nothing."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from qa.accounts.access import PermissionDenied, Viewer, call_scope, require_role
from qa.review.audit import REVIEWER_ROLES, ReviewError, write
from qa.store.database import Store
from qa.store.vocabulary import SHARED_STATES

__all__ = ["Assignment", "Progress", "assign", "assigned_to", "progress", "set_goal", "unassign", "week_of"]

MAX_ASSIGN = 2000  # calls in one assignment
MAX_GOAL = 1000  # reviews a week


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week (how assignments and goals are dated)."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Assignment:
    """A call on a reviewer's list for a week, who put it there, and whether its review is done (shared or
    later) — with the call's agent and date."""

    call_id: str
    reviewer: str
    week: date
    assigned_by: str
    assigned_at: datetime
    agent_id: str | None
    call_date: date | None
    state: str | None

    @property
    def done(self) -> bool:
        return self.state in SHARED_STATES


@dataclass(frozen=True)
class Progress:
    """One reviewer's week: calls assigned, reviews done, and the weekly goal (None: no goal set)."""

    reviewer: str
    week: date
    assigned: int
    done: int
    goal: int | None

    @property
    def share(self) -> float | None:
        """Done as a share of the goal (else of the assigned calls); None when there is neither."""
        target = self.goal or self.assigned
        return min(1.0, self.done / target) if target else None


def _reviewer(con, username: str) -> Viewer:
    row = con.execute("SELECT role, active FROM users WHERE username = ?", [username]).fetchone()
    if row is None or not row[1] or row[0] not in REVIEWER_ROLES:
        raise ReviewError("not_a_reviewer", f"{username!r} is not an active supervisor or admin",
                          "pick a reviewer from the list", user=username)
    teams = tuple(r[0] for r in con.execute("SELECT team FROM user_teams WHERE username = ? ORDER BY team",
                                            [username]).fetchall())
    return Viewer(username, row[0], None, teams)


def _visible(con, viewer: Viewer, call_ids: Sequence[str]) -> set[str]:
    cond, params = call_scope(viewer, "c")
    rows = con.execute(f"SELECT c.call_id FROM calls c WHERE c.call_id IN (SELECT unnest(?::VARCHAR[])) AND {cond}",
                       [list(call_ids), *params]).fetchall()
    return {r[0] for r in rows}


def assign(store: Store, viewer: Viewer, call_ids: Sequence[str], reviewer: str, week: date) -> int:
    """Put `call_ids` on `reviewer`'s list for the ISO week of `week`; returns how many were newly assigned.
    PermissionDenied for a non-reviewer or a call outside the viewer's scope; ReviewError for an unknown or
    inactive reviewer, a call the reviewer may not see, or more than MAX_ASSIGN calls."""
    require_role(viewer, *REVIEWER_ROLES)
    ids = list(dict.fromkeys(str(c) for c in call_ids))
    if not ids:
        return 0
    if len(ids) > MAX_ASSIGN:
        raise ReviewError("too_many", f"{len(ids)} calls at once; at most {MAX_ASSIGN}", "assign a smaller sample",
                          n=len(ids), max=MAX_ASSIGN)
    monday = week_of(week)

    def go(con) -> int:
        target = _reviewer(con, reviewer)
        mine = _visible(con, viewer, ids)
        if len(mine) < len(ids):
            missing = next(c for c in ids if c not in mine)
            raise PermissionDenied(None, f"call {missing} not found", "pick calls from your list",
                                   key="call_not_found", call=missing)
        theirs = _visible(con, target, ids)
        if len(theirs) < len(ids):
            hidden = next(c for c in ids if c not in theirs)
            raise ReviewError("reviewer_cannot_see", f"{reviewer} may not see call {hidden} (another team)",
                              "assign it to a reviewer of that team", user=reviewer, call=hidden)
        before = con.execute("SELECT count(*) FROM assignments WHERE reviewer = ? AND week = ?",
                             [reviewer, monday]).fetchone()[0]
        con.execute("INSERT INTO assignments (call_id, reviewer, week, assigned_by, assigned_at) "
                    "SELECT unnest(?::VARCHAR[]), ?, ?, ?, ? ON CONFLICT DO NOTHING",
                    [ids, reviewer, monday, viewer.username, datetime.now()])
        after = con.execute("SELECT count(*) FROM assignments WHERE reviewer = ? AND week = ?",
                            [reviewer, monday]).fetchone()[0]
        return int(after - before)

    return write(store, go)


def unassign(store: Store, viewer: Viewer, call_id: str, reviewer: str, week: date) -> bool:
    """Take `call_id` off `reviewer`'s list for that week (reviewers only); True when it was there."""
    require_role(viewer, *REVIEWER_ROLES)

    def go(con) -> bool:
        if not _visible(con, viewer, [call_id]):
            raise PermissionDenied(None, f"call {call_id} not found", "pick a call from your list",
                                   key="call_not_found", call=call_id)
        row = con.execute("DELETE FROM assignments WHERE call_id = ? AND reviewer = ? AND week = ? RETURNING 1",
                          [call_id, reviewer, week_of(week)]).fetchall()
        return bool(row)

    return write(store, go)


def set_goal(store: Store, viewer: Viewer, reviewer: str, weekly_goal: int | None) -> None:
    """Set `reviewer`'s weekly goal (reviews a week, 1..MAX_GOAL; None removes it). Admins set anyone's;
    supervisors their own and those of reviewers of their teams."""
    require_role(viewer, *REVIEWER_ROLES)
    if weekly_goal is not None and not 1 <= int(weekly_goal) <= MAX_GOAL:
        raise ReviewError("bad_goal", f"a weekly goal is 1 to {MAX_GOAL} reviews, not {weekly_goal}",
                          "enter a number in that range", value=weekly_goal, max=MAX_GOAL)

    def go(con) -> None:
        target = _reviewer(con, reviewer)
        if viewer.role != "admin" and viewer.username != reviewer and viewer.teams and \
                not set(target.teams) & set(viewer.teams):
            raise PermissionDenied(None, f"{reviewer} is not in your teams", "ask an admin",
                                   key="not_your_reviewer", user=reviewer)
        con.execute("DELETE FROM review_goals WHERE reviewer = ?", [reviewer])
        if weekly_goal is not None:
            con.execute("INSERT INTO review_goals VALUES (?, ?, ?, ?)",
                        [reviewer, int(weekly_goal), viewer.username, datetime.now()])

    write(store, go)


def assigned_to(store: Store, viewer: Viewer, week: date, reviewer: str | None = None) -> list[Assignment]:
    """The calls on a reviewer's list for the week of `week` (`reviewer`: another reviewer's, for admins and
    supervisors; default: the viewer's own), not done first, then by call date. Only calls the viewer may see."""
    require_role(viewer, *REVIEWER_ROLES)
    who = reviewer or viewer.username
    cond, params = call_scope(viewer, "c")
    with store.connect() as con:
        rows = con.execute(f"""
            SELECT a.call_id, a.reviewer, a.week, a.assigned_by, a.assigned_at, c.agent_id, c.call_date, s.state
            FROM assignments a JOIN calls c USING (call_id) LEFT JOIN assessments s USING (call_id)
            WHERE a.reviewer = ? AND a.week = ? AND {cond}
            ORDER BY coalesce(s.state IN (SELECT unnest(?::VARCHAR[])), false), c.call_date, a.call_id""",
                           [who, week_of(week), *params, list(SHARED_STATES)]).fetchall()
    return [Assignment(*r) for r in rows]


def progress(store: Store, viewer: Viewer, week: date) -> list[Progress]:
    """Every reviewer with assignments or a goal, for the week of `week`: assigned, done, goal — counting the
    calls the viewer may see (a team supervisor: their teams' calls)."""
    require_role(viewer, *REVIEWER_ROLES)
    monday = week_of(week)
    cond, params = call_scope(viewer, "c")
    with store.connect() as con:
        rows = con.execute(f"""
            WITH mine AS (
                SELECT a.reviewer, count(*) AS assigned,
                       count(*) FILTER (WHERE s.state IN (SELECT unnest(?::VARCHAR[]))) AS done
                FROM assignments a JOIN calls c USING (call_id) LEFT JOIN assessments s USING (call_id)
                WHERE a.week = ? AND {cond} GROUP BY a.reviewer)
            SELECT u.username, coalesce(m.assigned, 0), coalesce(m.done, 0), g.weekly_goal
            FROM users u LEFT JOIN mine m ON m.reviewer = u.username
                 LEFT JOIN review_goals g ON g.reviewer = u.username
            WHERE u.active AND u.role IN (SELECT unnest(?::VARCHAR[]))
              AND (m.reviewer IS NOT NULL OR g.weekly_goal IS NOT NULL)
            ORDER BY u.username""", [list(SHARED_STATES), monday, *params, list(REVIEWER_ROLES)]).fetchall()
    return [Progress(r[0], monday, int(r[1]), int(r[2]), r[3]) for r in rows]
