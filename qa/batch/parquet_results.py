"""Per-call results as Parquet: what distributed workers write instead of touching the database.

Layout, one file per call and table, with exactly the store's columns:

    RESULTS/calls/<key>.parquet  RESULTS/turns/<key>.parquet  RESULTS/scorecards/<key>.parquet
    RESULTS/criterion_results/<key>.parquet  RESULTS/evidence/<key>.parquet
    RESULTS/call_kpis/<key>.parquet  RESULTS/call_customers/<key>.parquet   (survey, customer key: qa.store.kpis)

(`key` = the first 16 hex digits of the input file's SHA-256). One writer ingests them into the store;
DuckDB can also query them directly, e.g. `SELECT avg(total) FROM read_parquet('RESULTS/scorecards/*.parquet')`.
Each file is written under a temporary name and renamed, so a reader never sees half a file.
"""
from __future__ import annotations

import os

import duckdb

from qa.pipeline.result import CallResult
from qa.store.database import CALL_TABLES, Store
from qa.store.in_force import refresh
from qa.store.kpis import FROM_TRANSCRIPT, KPI_TABLES


def _lit(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


class ParquetWriter:
    """Writes one call's rows to Parquet through an in-memory store (same schema, same row code)."""

    def __init__(self, results_dir: str) -> None:
        self.results_dir = results_dir
        self._mem = Store(":memory:")
        for table in CALL_TABLES + KPI_TABLES:
            os.makedirs(os.path.join(results_dir, table), exist_ok=True)

    def write(self, result: CallResult, key: str, run_id: str | None = None) -> str:
        """Write `result`; returns the path template (with "{table}") that `ingest` reads."""
        template = os.path.join(self.results_dir, "{table}", f"{key}.parquet")
        with self._mem.transaction() as con:
            Store.write_call(con, result, run_id)
        with self._mem.connect() as con:
            try:
                for table in CALL_TABLES + KPI_TABLES:
                    final = template.format(table=table)
                    tmp = final + f".{os.getpid()}.tmp"
                    con.execute(f"COPY {table} TO {_lit(tmp)} (FORMAT parquet)")
                    os.replace(tmp, final)
            finally:
                for table in CALL_TABLES + KPI_TABLES:
                    con.execute(f"DELETE FROM {table}")
        return template


def ingest(con: duckdb.DuckDBPyConnection, template: str, call_id: str | None) -> None:
    """Replace `call_id`'s rows with those in the Parquet files of `template`, inside the caller's transaction."""
    if call_id:
        for table in CALL_TABLES:
            con.execute(f"DELETE FROM {table} WHERE call_id = ?", [call_id])
    for table in reversed(CALL_TABLES):  # calls first
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet({_lit(template.format(table=table))})")
    _ingest_kpis(con, template)
    cards = _lit(template.format(table="scorecards"))  # overrides outlive a re-score: see qa.store.in_force
    refresh(con, [r[0] for r in con.execute(f"SELECT DISTINCT o.call_id FROM overrides o JOIN read_parquet({cards}) p "
                                            "ON p.call_id = o.call_id").fetchall()])


def _ingest_kpis(con: duckdb.DuckDBPyConnection, template: str) -> None:
    """The call's survey from its transcript and its customer key, as `qa.store.kpis.write_kpis` stores them: an
    imported survey is kept, a customer key replaces the call's earlier one (files of an earlier version have none)."""
    customers, surveys = (template.format(table=t) for t in ("call_customers", "call_kpis"))
    if os.path.exists(customers):
        src = f"read_parquet({_lit(customers)})"
        con.execute(f"DELETE FROM call_customers WHERE call_id IN (SELECT call_id FROM {src})")
        con.execute(f"INSERT INTO call_customers BY NAME SELECT * FROM {src}")
    if os.path.exists(surveys):
        src = f"read_parquet({_lit(surveys)})"
        con.execute(f"DELETE FROM call_kpis WHERE source = ? AND call_id IN (SELECT call_id FROM {src})",
                    [FROM_TRANSCRIPT])
        con.execute(f"INSERT INTO call_kpis BY NAME SELECT * FROM {src} p "
                    "WHERE p.call_id NOT IN (SELECT call_id FROM call_kpis)")
