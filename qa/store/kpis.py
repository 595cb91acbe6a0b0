"""The customer KPI rows of stored calls: each call's survey (`call_kpis`) and customer key (`call_customers`),
written beside a scored call (`write_kpis`, from `Store.write_calls`) or by an import (`write_surveys`).

Both tables outlive a re-score: a survey imported with `callqa kpis import` (source "import") is never replaced by a
transcript's own fields (source "transcript"), and a re-score that finds no customer keeps the key the call had.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from qa.pipeline.kpis import CustomerKey, Survey
from qa.pipeline.result import CallResult

__all__ = ["FROM_TRANSCRIPT", "IMPORTED", "KPI_TABLES", "write_customers", "write_kpis", "write_surveys"]

IMPORTED, FROM_TRANSCRIPT = "import", "transcript"
KPI_TABLES = ("call_kpis", "call_customers")  # kept beside a call's tables (the Ray engine's Parquet carries them)


def _values(con: Any, table: str, rows: list[list[Any]], chunk: int = 500) -> None:
    """INSERT `rows` with one multi-row VALUES statement per `chunk` rows (DuckDB's per-statement cost dominates)."""
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
        one = "(" + ", ".join("?" * len(part[0])) + ")"
        con.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(part)), [v for row in part for v in row])


def write_kpis(con: Any, results: Sequence[CallResult], now: datetime) -> None:
    """The surveys and customer keys `results` carry, inside the caller's transaction."""
    surveys = {r.transcript.call_id: r.survey for r in results if r.survey is not None}
    if surveys:
        ids = list(surveys)
        marks = ", ".join("?" * len(ids))
        con.execute(f"DELETE FROM call_kpis WHERE call_id IN ({marks}) AND source = ?", [*ids, FROM_TRANSCRIPT])
        kept = {r[0] for r in con.execute(f"SELECT call_id FROM call_kpis WHERE call_id IN ({marks})", ids).fetchall()}
        rows = [[cid, s.csat, s.nps, s.ces, FROM_TRANSCRIPT, None, now]
                for cid, s in surveys.items() if cid not in kept]
        if rows:
            _values(con, "call_kpis", rows)
    write_customers(con, {r.transcript.call_id: r.customer for r in results if r.customer is not None})


def write_customers(con: Any, customers: dict[str, CustomerKey]) -> None:
    """Customer keys (call id -> key), replacing each call's earlier one, inside the caller's transaction."""
    if customers:
        ids = list(customers)
        con.execute(f"DELETE FROM call_customers WHERE call_id IN ({', '.join('?' * len(ids))})", ids)
        _values(con, "call_customers", [[cid, c.key, c.source] for cid, c in customers.items()])


def write_surveys(con: Any, surveys: dict[str, Survey], file: str, now: datetime) -> None:
    """Imported surveys (call id -> answers), replacing each call's earlier survey, inside the caller's transaction."""
    if not surveys:
        return
    ids = list(surveys)
    con.execute(f"DELETE FROM call_kpis WHERE call_id IN ({', '.join('?' * len(ids))})", ids)
    _values(con, "call_kpis", [[cid, s.csat, s.nps, s.ces, IMPORTED, file, now] for cid, s in surveys.items()])
