"""Export calls, criteria, turns, reviews and KPIs as CSV or Parquet, for the calls a viewer may see.

The rows are the queue's: `qa.review.queue.calls_sql` picks the calls (the viewer's scope always ANDed in, then
the `QueueFilter`), and results are the ones in force that viewer sees (an agent sees overrides from Shared on).
An agent exports only their own calls and only reviews that are shared with them; a supervisor limited to teams,
only those teams' calls. A reviewer's calls in an open calibration session they have yet to rate are left out of
their exports (their results must stay hidden until they rate them); the operator (no user) exports every call.

CSV is UTF-8 with a byte-order mark (Excel then opens Vietnamese text correctly), a header row, and lists joined
with "; ". A text cell that starts with =, +, -, @, tab or carriage return gets a leading apostrophe, so that a
spreadsheet shows it instead of running it as a formula. Parquet keeps the values as they are (lists as lists)."""
from __future__ import annotations

import csv
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qa.accounts.access import PermissionDenied, Viewer
from qa.calibration.sessions import UNRATED
from qa.review.audit import VISIBLE_TO_AGENT
from qa.review.queue import FLAG_LIST, InForce, QueueFilter, calls_sql
from qa.store.database import Store
from transcribe.errors import InputError

logger = logging.getLogger("qa")

WHATS = ("calls", "criteria", "turns", "reviews", "kpis")
FORMATS = ("csv", "parquet")
KPI_TABLE = "call_kpis"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BATCH_ROWS = 5000
OPERATOR = Viewer("(operator)", "admin")  # the command line without --as: whoever may open the database file


@dataclass(frozen=True)
class ExportResult:
    """What was written: the file, the number of rows and their columns."""

    path: str
    rows: int
    columns: tuple[str, ...]


def _selected(viewer: Viewer, filt: QueueFilter) -> tuple[str, list[Any]]:
    """SQL selecting the call ids of the export (scope, filter, not blind for this viewer) and its parameters."""
    base, params = calls_sql(viewer, filt)
    sql = f"SELECT c.call_id {base}"
    if viewer.reviews and viewer is not OPERATOR:  # the operator rates nothing: nothing is blind to them
        sql += " AND c.call_id NOT IN (SELECT call_id FROM (" + UNRATED + "))"
        params = [*params, viewer.username]
    return sql, params


def _query(what: str, viewer: Viewer, sel: str) -> str:
    """The export query of `what` over the selected calls `sel` (a CTE named sel)."""
    forced = InForce.of(viewer)
    state_seen = f"coalesce(a.state, '') IN {tuple(VISIBLE_TO_AGENT)!r}"
    if what == "calls":
        return f"""
            WITH sel AS ({sel})
            SELECT c.call_id, c.call_date, c.agent_id, ag.name AS agent_name, ag.team, c.language, c.duration,
                   c.source, {forced.total} AS total, {forced.level} AS service_level,
                   {forced.label} AS service_label, {forced.failed} AS failed_criteria, {FLAG_LIST} AS flags,
                   coalesce(a.state, 'unreviewed') AS review_state, s.rubric_id, s.rubric_version, c.scored_at
            FROM sel JOIN calls c ON c.call_id = sel.call_id JOIN scorecards s ON s.call_id = c.call_id
            LEFT JOIN agents ag ON ag.agent_id = c.agent_id LEFT JOIN assessments a ON a.call_id = c.call_id
            ORDER BY c.call_date, c.call_id"""
    if what == "criteria":
        return f"""
            WITH sel AS ({sel})
            SELECT r.call_id, c.call_date, c.agent_id, r.position, r.criterion_id, r.name,
                   r.status AS auto_status,
                   CASE WHEN list_contains({forced.passed}, r.criterion_id) THEN 'pass'
                        WHEN list_contains({forced.failed}, r.criterion_id) THEN 'fail'
                        ELSE r.status END AS status,
                   r.score, r.weight, r.critical, r.reason
            FROM sel JOIN criterion_results r ON r.call_id = sel.call_id JOIN calls c ON c.call_id = r.call_id
            JOIN scorecards s ON s.call_id = r.call_id LEFT JOIN assessments a ON a.call_id = r.call_id
            ORDER BY c.call_date, r.call_id, r.position"""
    if what == "turns":
        return f"""
            WITH sel AS ({sel})
            SELECT t.call_id, t.idx AS turn, t.speaker, t.start_s, t.end_s, t.text, t.channel, t.confidence,
                   t.low_confidence, t.sentiment_label, t.sentiment_score
            FROM sel JOIN turns t ON t.call_id = sel.call_id JOIN calls c ON c.call_id = t.call_id
            ORDER BY c.call_date, t.call_id, t.idx"""
    if what == "reviews":
        shared = f" AND {state_seen}" if viewer.is_agent else ""
        return f"""
            WITH sel AS ({sel})
            SELECT a.call_id, c.call_date, c.agent_id, a.state, a.reviewer, a.created_at, a.updated_at,
                   {forced.total} AS total, s.total AS auto_total,
                   (SELECT count(*) FROM (SELECT o.criterion_id, arg_max(o.status, o.override_id) AS st
                                          FROM overrides o WHERE o.call_id = a.call_id GROUP BY o.criterion_id)
                    WHERE st IS NOT NULL) AS overrides
            FROM sel JOIN assessments a ON a.call_id = sel.call_id JOIN calls c ON c.call_id = a.call_id
            JOIN scorecards s ON s.call_id = a.call_id
            WHERE TRUE{shared}
            ORDER BY c.call_date, a.call_id"""
    if what == "kpis":
        return f"""
            WITH sel AS ({sel})
            SELECT k.call_id, c.call_date, c.agent_id, k.csat, k.nps, k.ces, k.source, k.imported_at
            FROM sel JOIN {KPI_TABLE} k ON k.call_id = sel.call_id JOIN calls c ON c.call_id = k.call_id
            ORDER BY c.call_date, k.call_id"""
    raise InputError(None, f"cannot export {what!r}", f"export one of {', '.join(WHATS)}", key="export_unknown_what",
                     what=what, whats=", ".join(WHATS))


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: lists joined with "; ", text that a spreadsheet would run as a formula quoted."""
    if isinstance(value, (list, tuple)):
        value = "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _write_csv(cur: Any, columns: Sequence[str], out: str) -> int:
    n = 0
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        while batch := cur.fetchmany(BATCH_ROWS):
            writer.writerows([csv_cell(v) for v in row] for row in batch)
            n += len(batch)
    return n


def _write_parquet(rel: Any, out: str) -> int:
    import pyarrow.parquet as pq

    reader = rel.to_arrow_reader(BATCH_ROWS)  # streamed: a large export is never held in memory at once
    n = 0
    with pq.ParquetWriter(out, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            n += batch.num_rows
    return n


def export(store: Store, viewer: Viewer, what: str, out: str, *, fmt: str = "csv",
           filt: QueueFilter | None = None) -> ExportResult:
    """Write `what` (one of WHATS) for the calls `viewer` may see that match `filt` to the file `out` as `fmt`.
    The file appears whole or not at all (written beside it, then renamed)."""
    if fmt not in FORMATS:
        raise InputError(out, f"cannot write the format {fmt!r}", f"use one of {', '.join(FORMATS)}",
                         key="export_unknown_format", format=fmt, formats=", ".join(FORMATS))
    if what not in WHATS:
        _query(what, viewer, "")  # raises the error naming the choices
    if viewer.role not in ("admin", "supervisor", "agent"):
        raise PermissionDenied(None, f"the role {viewer.role!r} may not export", "ask an admin",
                               key="export_not_allowed", role=viewer.role)
    sel, params = _selected(viewer, filt or QueueFilter())
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise InputError(out, "its folder does not exist", "create the folder or give another --out",
                         key="export_no_folder", file=out)
    with store.connect() as con:
        query = _query(what, viewer, sel)
        fd, tmp = tempfile.mkstemp(prefix=".callqa-export-", dir=folder)
        os.close(fd)
        try:
            if fmt == "csv":
                cur = con.execute(query, params)
                columns = tuple(d[0] for d in cur.description)
                n = _write_csv(cur, columns, tmp)
            else:
                rel = con.sql(query, params=params)
                columns = tuple(rel.columns)
                n = _write_parquet(rel, tmp)
            os.replace(tmp, out)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    logger.info("exported %d %s row(s) for %s to %s", n, what, viewer.username, out)
    return ExportResult(out, n, columns)



def viewer_as(store: Store, username: str | None) -> Viewer:
    """The viewer an export runs as: the active user `username`, or the database's operator (every call)."""
    if username is None:
        return OPERATOR
    from qa.accounts.auth import get_user

    user = get_user(store, username)
    if user is None or not user.active:
        raise PermissionDenied(None, f"{username} is not an active user", "check the name: callqa users list",
                               key="export_unknown_user", user=username)
    return user.viewer()
