"""Where a call stands in a queue list (same filters, same order, same scope as `qa.review.queue.list_queue`):
its position, how many calls the list has, and the calls before and after it — the call page's previous / next."""
from __future__ import annotations

from dataclasses import dataclass

from qa.accounts.access import Viewer
from qa.review.queue import InForce, QueueFilter, calls_sql
from qa.store.database import Store


@dataclass(frozen=True)
class QueuePosition:
    """`call_id` is call `position` (1-based) of `total` in the list; `previous`/`next`: its neighbours (None at
    an end)."""

    call_id: str
    position: int
    total: int
    previous: str | None
    next: str | None


def position(store: Store, viewer: Viewer, filt: QueueFilter, order: str, call_id: str) -> QueuePosition | None:
    """Where `call_id` stands in the queue list of `viewer` filtered by `filt` in `order` (see
    `qa.review.queue.ORDERS`), or None when it is not in that list (not visible, filtered out, unknown)."""
    keys = InForce.of(viewer).order(order)
    base, params = calls_sql(viewer, filt, score=True)
    with store.connect() as con:
        row = con.execute(f"""
            WITH ranked AS (SELECT c.call_id, row_number() OVER (ORDER BY {keys}) AS n, count(*) OVER () AS total
                            {base}),
                 here AS (SELECT n, total FROM ranked WHERE call_id = ?)
            SELECT here.n, here.total,
                   (SELECT call_id FROM ranked WHERE ranked.n = here.n - 1),
                   (SELECT call_id FROM ranked WHERE ranked.n = here.n + 1)
            FROM here""", [*params, call_id]).fetchone()
    if row is None:
        return None
    return QueuePosition(call_id, int(row[0]), int(row[1]), row[2], row[3])
