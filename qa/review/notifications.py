"""What waits for a person when they sign in: for an agent, the reviews shared with them that they have not yet
answered (acknowledge or dispute); for a reviewer, the open disputes of the calls they may see.

An item stays in the list until it is acted on (answered, resolved; an undone share takes it back), so nothing
is missed by reading it on another device; `since` orders them newest first and counts those that arrived after a
given time. What a person has read (a notice's call opened, the page listing them all shown) is kept in the store
per person (`reads`, `mark_read`), so a reload, a new tab or another device does not show it as new again.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from qa.accounts.access import Viewer, call_scope
from qa.review.audit import REVIEWER_ROLES, now, write
from qa.store.database import Store
from qa.store.vocabulary import ReviewState

__all__ = ["Notice", "Notifications", "mark_read", "notifications", "reads", "unread"]

LIMIT = 50  # items listed (the counts cover every item)


@dataclass(frozen=True)
class Notice:
    """One thing to act on: the call, its agent, what happened (`shared` or `dispute`), who did it and when,
    and their comment (a dispute's reason)."""

    call_id: str
    agent_id: str | None
    action: str
    actor: str
    at: datetime
    comment: str | None


@dataclass(frozen=True)
class Notifications:
    """`count` items wait for the viewer (`items`: the newest `LIMIT` of them); `new`: how many arrived after
    the `since` time asked for (all of them when none was given)."""

    kind: str  # "shared" (an agent's reviews to answer) or "dispute" (a reviewer's open disputes)
    count: int
    new: int
    items: tuple[Notice, ...]


def notifications(store: Store, viewer: Viewer, since: datetime | None = None, limit: int = LIMIT) -> Notifications:
    """The viewer's notifications. Agents: reviews shared with them and not yet answered; reviewers (admin,
    supervisor): open disputes within their scope (a team supervisor: their teams' calls). Other roles: none.
    One query with a count over everything and the newest `limit` rows."""
    if viewer.is_agent:
        kind, state, action = "shared", ReviewState.SHARED.value, "share"
    elif viewer.role in REVIEWER_ROLES:
        kind, state, action = "dispute", ReviewState.DISPUTED.value, "dispute"
    else:
        return Notifications("none", 0, 0, ())
    cond, params = call_scope(viewer, "c")
    with store.connect() as con:
        rows = con.execute(f"""
            SELECT a.call_id, c.agent_id, e.actor, e.created_at, e.comment,
                   count(*) OVER () AS total,
                   count(*) FILTER (WHERE e.created_at > ?) OVER () AS fresh
            FROM assessments a JOIN calls c USING (call_id)
            JOIN (SELECT * FROM assessment_events WHERE action = ?
                  QUALIFY row_number() OVER (PARTITION BY call_id ORDER BY event_id DESC) = 1) e USING (call_id)
            WHERE a.state = ? AND {cond}
            ORDER BY e.created_at DESC, a.call_id LIMIT ?""",
                           [since or datetime.min, action, state, *params, max(1, limit)]).fetchall()
    if not rows:
        return Notifications(kind, 0, 0, ())
    items = tuple(Notice(r[0], r[1], kind, r[2], r[3], r[4]) for r in rows)
    return Notifications(kind, int(rows[0][5]), int(rows[0][6]), items)


def unread(items: tuple[Notice, ...], list_seen: datetime | None, opened: Mapping[str, datetime]) -> tuple[Notice, ...]:
    """The `items` the person has not read yet: those that arrived after they last saw the page listing them
    (`list_seen`; None: not yet) and after they last opened the item's call (`opened`: call id -> when). All
    times are naive UTC, as stored (`qa.review.audit.now`)."""
    return tuple(n for n in items if (list_seen is None or n.at > list_seen)
                 and (n.call_id not in opened or n.at > opened[n.call_id]))


LIST = ""  # the call id under which `notice_reads` keeps when the page listing them all was last shown


def reads(store: Store, viewer: Viewer) -> tuple[datetime | None, dict[str, datetime]]:
    """What the viewer has read: when they last saw the page listing their notices (None: never) and when they
    last opened each notice's call (call id -> when), naive UTC as stored."""
    with store.connect() as con:
        rows = con.execute("SELECT call_id, read_at FROM notice_reads WHERE username = ?",
                           [viewer.username]).fetchall()
    opened: dict[str, datetime] = dict(rows)
    return opened.pop(LIST, None), opened


def mark_read(store: Store, viewer: Viewer, call_id: str | None, waiting: Iterable[str]) -> datetime:
    """Record that the viewer read, now, the notice of `call_id` (None: the page listing them all). `waiting`:
    the calls with a notice for them now; what was read of other calls is dropped, so a person has at most one
    row per waiting notice and one for the list. Returns the time recorded."""
    at, keep = now(), sorted(set(waiting) | ({call_id} if call_id is not None else set()))

    def go(con) -> datetime:
        key = LIST if call_id is None else call_id
        con.execute("DELETE FROM notice_reads WHERE username = ? AND call_id = ?", [viewer.username, key])
        con.execute("INSERT INTO notice_reads VALUES (?, ?, ?)", [viewer.username, key, at])
        con.execute("DELETE FROM notice_reads WHERE username = ? AND call_id <> ? "
                    "AND NOT list_contains(?::VARCHAR[], call_id)", [viewer.username, LIST, keep])
        return at

    return write(store, go)
