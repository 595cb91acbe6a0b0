"""DuckDB store for calls, turns, scorecards, criterion results, evidence and run metadata.

A file store opens the database for one short transaction at a time, so the nightly batch and the
reviewer app can both use it (DuckDB allows one writing process at a time). ":memory:" keeps one
connection for the store's life (tests, notebooks).
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import duckdb

from qa.pipeline.result import CallResult
from qa.store.calls import ROW_COLUMNS, call_rows, js
from qa.store.in_force import refresh
from qa.store.kpis import write_kpis
from qa.store.migrations import MIGRATIONS
from qa.store.scorecard_view import CallView, build_scorecard
from transcribe.errors import InputError

CALL_TABLES = ("evidence", "criterion_results", "call_metrics", "scorecards", "turns", "calls")
LOCK_TIMEOUT = 60.0  # seconds to wait for another writer (default of $CALLQA_DB_LOCK_TIMEOUT)

logger = logging.getLogger("qa")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


ARROW_FROM = 1000  # rows: from this many on, a table's rows go in as one Arrow table (a long call's turns)


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...] | None, rows: list[list[Any]],
            chunk: int = 500) -> None:
    """INSERT `rows` with one multi-row VALUES statement per `chunk` rows; many rows as one Arrow table, which
    DuckDB reads in bulk (a 20,000-turn call's write went from ~12 s to well under one: the batch holds the
    write lock that much less)."""
    if not rows:
        return
    cols = f" ({', '.join(columns)})" if columns else ""
    if len(rows) >= ARROW_FROM:
        import pyarrow as pa

        names = [f"c{i}" for i in range(len(rows[0]))]
        arrow = pa.table({n: [row[i] for row in rows] for i, n in enumerate(names)})
        view = f"_rows_{table}"
        con.register(view, arrow)
        try:
            con.execute(f"INSERT INTO {table}{cols} SELECT * FROM {view}")
        finally:
            con.unregister(view)
        return
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
        con.execute(f"INSERT INTO {table}{cols} VALUES " + ", ".join([one] * len(part)),
                    [v for row in part for v in row])


def lock_timeout_setting() -> float:
    """Seconds to wait for another process's lock: $CALLQA_DB_LOCK_TIMEOUT (read when a store is made), else 60."""
    value = os.environ.get("CALLQA_DB_LOCK_TIMEOUT", "")
    try:
        seconds = float(value) if value else LOCK_TIMEOUT
    except ValueError:
        raise InputError(None, f"CALLQA_DB_LOCK_TIMEOUT is {value!r}, not a number of seconds",
                         "set it to a number such as 60, or unset it") from None
    return seconds if seconds >= 0 else LOCK_TIMEOUT


class Store:
    """`Store("calls.duckdb")` or `Store(":memory:")`. Creates and migrates the schema on first use."""

    def __init__(self, path: str = "callqa.duckdb", *, lock_timeout: float | None = None) -> None:
        self.path = path
        self.lock_timeout = lock_timeout if lock_timeout is not None else lock_timeout_setting()
        self._memory = duckdb.connect(":memory:") if path == ":memory:" else None
        self._held: dict[int, duckdb.DuckDBPyConnection] = {}  # thread id -> its connection inside `reading()`
        if self._memory is None and os.path.dirname(os.path.abspath(path)):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.migrate()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one short piece of work: a new one each time, closed after it (the file stays free
        for other processes between operations), or the thread's open one inside `reading()`."""
        if self._memory is not None:
            yield self._memory
            return
        held = self._held.get(threading.get_ident())
        if held is not None:
            try:
                yield held
            except duckdb.IOException as exc:
                raise self._damaged(exc) from None
            return
        con = self._open()
        try:
            yield con
        except duckdb.IOException as exc:  # the file is damaged, cut short or the disk failed mid-query
            raise self._damaged(exc) from None
        finally:
            con.close()

    def _damaged(self, exc: Exception) -> InputError:
        return InputError(self.path, f"cannot be read or written as a callqa database ({exc})",
                          "if the disk is full, free space; if the file is damaged, restore it from your last "
                          "backup (docs/batch.md, 'Backups') or move it away and score the calls again",
                          key="db_damaged")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Inside the block, every `connect` and `transaction` of this thread shares one connection: a page that
        makes a dozen small reads opens the file once (each opening costs 15-20 ms). Keep the block short:
        while it lasts, another process cannot open the database (the batch waits for it, see `_open`)."""
        me = threading.get_ident()
        if self._memory is not None or me in self._held:
            yield
            return
        con = self._open()
        self._held[me] = con
        try:
            yield
        finally:
            del self._held[me]
            con.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Connect, waiting with backoff (up to `lock_timeout` s) while another process holds the file:
        the batch and the app take turns, one short transaction each."""
        deadline, delay = time.monotonic() + self.lock_timeout, 0.01
        while True:
            try:
                con = duckdb.connect(self.path)
                # no progress bar: a long query (a migration over a large store) must not draw on the user's terminal
                con.execute("SET enable_progress_bar = false")
                return con
            except duckdb.ResourceInUseException:
                # Two threads of one process (the app's sessions) opening the file at the same moment: DuckDB's
                # instance cache reports a "unique file handle conflict"; the next try finds the open instance.
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.001)
            except duckdb.IOException as exc:
                locked = "lock" in str(exc).lower()
                if not locked:
                    if "permission" in str(exc).lower():
                        raise InputError(self.path, f"cannot open the database ({exc})",
                                         "give the user running callqa read and write access to it and its folder",
                                         key="db_permission") from None
                    raise self._damaged(exc) from None
                if time.monotonic() >= deadline:
                    raise InputError(self.path, f"is busy: another program (a batch, most likely) kept it locked for "
                                     f"{self.lock_timeout:g} s", "try again in a moment; a batch writes in short "
                                     "transactions (or raise CALLQA_DB_LOCK_TIMEOUT)", key="db_busy") from None
                logger.debug("%s is locked by another process; retrying in %.2f s", self.path, delay)
                time.sleep(delay)
                delay = min(delay * 2, 0.05)  # poll often: the batch leaves short gaps between commits

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied."""
        applied = []
        with self.connect() as con:
            con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(version INTEGER PRIMARY KEY, name TEXT, applied_at TIMESTAMP)")
            done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
        for version, name, fn in MIGRATIONS:
            if version in done:
                continue
            with self.transaction() as con:
                fn(con)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, _now()])
            applied.append(version)
        return applied

    def schema_version(self) -> int:
        with self.connect() as con:
            row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        assert row is not None  # an aggregate without GROUP BY always gives one row
        return row[0]

    # -- runs -------------------------------------------------------------------------------------------
    def start_run(self, command: str, settings: dict[str, Any], code_version: str) -> str:
        run_id = uuid.uuid4().hex[:12]
        with self.transaction() as con:
            con.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, ?, ?, 0, 0)",
                        [run_id, _now(), command, js(settings), code_version])
        return run_id

    def finish_run(self, run_id: str, n_done: int, n_failed: int) -> None:
        with self.transaction() as con:
            con.execute("UPDATE runs SET finished_at = ?, n_done = ?, n_failed = ? WHERE run_id = ?",
                        [_now(), n_done, n_failed, run_id])

    def record_failure(self, path: str, error: str, run_id: str | None = None) -> None:
        with self.transaction() as con:
            con.execute("INSERT INTO failures VALUES (?, ?, ?, ?)", [path, run_id, error, _now()])

    # -- calls ------------------------------------------------------------------------------------------
    def save(self, result: CallResult, run_id: str | None = None) -> str:
        """Store one call's transcript and scorecard, replacing an earlier result for the same call_id,
        in one transaction: a failure leaves the earlier result intact. No recording is registered here (a
        re-score saves a stored call again): `ingest` a newly imported call."""
        with self.transaction() as con:
            return self.write_call(con, result, run_id)

    def ingest(self, result: CallResult, run_id: str | None = None) -> str:
        """`save` a newly scored call after registering its recording in the media store (as the batch does)."""
        self.register_recordings([result])
        return self.save(result, run_id)

    def register_recordings(self, results: list[CallResult]) -> None:
        """Copy each newly imported call's recording (`transcript.audio_path`, checked at import) into the media store
        beside the database and set `transcript.media` to its key; outside any transaction (a copy takes time).
        An in-memory store keeps no recordings."""
        from qa.store import media

        if self._memory is not None:
            return
        for result in results:
            t = result.transcript
            if t.audio_path and not t.media:
                t.media = media.register(self.path, t.audio_path)

    @staticmethod
    def write_call(con: duckdb.DuckDBPyConnection, result: CallResult, run_id: str | None = None) -> str:
        """The rows of `save`, inside the caller's transaction."""
        Store.write_calls(con, [result], run_id)
        return result.transcript.call_id

    @staticmethod
    def write_calls(con: duckdb.DuckDBPyConnection, results: list[CallResult], run_id: str | None = None) -> None:
        """Store several calls inside the caller's transaction (the batch commits a group at once), replacing
        earlier rows of the same calls. One multi-row INSERT per table: DuckDB's per-statement cost, not the
        data, dominates small writes, and short writes leave the database free for the app between commits."""
        if not results:
            return
        ids = list(dict.fromkeys(r.transcript.call_id for r in results))
        marks = ", ".join("?" * len(ids))
        known = dict(con.execute(f"SELECT call_id, call_date FROM calls WHERE call_id IN ({marks})", ids).fetchall())
        if known:
            for table in CALL_TABLES:  # a re-score replaces every row of the call
                con.execute(f"DELETE FROM {table} WHERE call_id IN ({marks})", ids)
        tables: dict[str, list[list[Any]]] = {name: [] for name in ROW_COLUMNS}
        now = _now()
        for result in {r.transcript.call_id: r for r in results}.values():  # the last result of a call wins
            for name, rows in call_rows(result, run_id, now, known.get(result.transcript.call_id)).items():
                tables[name].extend(rows)
        for name, rows in tables.items():
            _insert(con, name, ROW_COLUMNS[name], rows)
        write_kpis(con, results, now)  # surveys and customer keys: kept across re-scores (qa.store.kpis)
        # overrides outlive a re-score (and a call stored again): the results in force follow the new results
        refresh(con, [r[0] for r in con.execute(
            f"SELECT DISTINCT call_id FROM overrides WHERE call_id IN ({marks})", ids).fetchall()])

    def list_calls(self, limit: int | None = None, offset: int = 0,
                   scope: tuple[str, list[Any]] = ("TRUE", [])) -> list[dict[str, Any]]:
        """One row per stored call, newest first, with its total and per-criterion statuses
        (`limit`/`offset`: one page of a large store; `scope`: a condition on `c.agent_id` from
        `qa.accounts.access.call_scope`, for the calls one person may see)."""
        cond, params = scope
        with self.connect() as con:
            rows = con.execute(f"""
                WITH page AS (
                    SELECT c.call_id, c.source, c.language, c.agent_id, c.duration, c.source_path, s.total,
                           s.flags, s.scored_at
                    FROM calls c LEFT JOIN scorecards s USING (call_id) WHERE {cond}
                    ORDER BY s.scored_at DESC, c.call_id LIMIT ? OFFSET ?)
                SELECT p.*, r.statuses FROM page p LEFT JOIN (
                    SELECT call_id, string_agg(criterion_id || '=' || status, ',' ORDER BY position) AS statuses
                    FROM criterion_results WHERE call_id IN (SELECT call_id FROM page)
                      AND NOT coalesce(critical, false) GROUP BY call_id) r
                  USING (call_id)
                ORDER BY p.scored_at DESC, p.call_id""", [*params, limit, offset]).fetchall()
        keys = ["call_id", "source", "language", "agent_id", "duration", "source_path", "total", "flags",
                "scored_at", "statuses"]
        out = []
        for row in rows:
            d = dict(zip(keys, row))
            d["flags"] = json.loads(d["flags"] or "[]")
            d["statuses"] = dict(p.split("=", 1) for p in (d["statuses"] or "").split(",") if p)
            out.append(d)
        return out

    def get_call(self, call_id: str) -> CallView | None:
        """A call's scorecard (`CallView`; `.to_dict()` is what `callqa show --json` prints), or None."""
        with self.connect() as con:
            return build_scorecard(con, call_id)

    def failures(self, run_id: str | None = None) -> list[dict[str, Any]]:
        with self.connect() as con:
            sql = "SELECT path, run_id, error, failed_at FROM failures"
            rows = con.execute(sql + (" WHERE run_id = ?" if run_id else "") + " ORDER BY failed_at",
                               [run_id] if run_id else []).fetchall()
        return [dict(zip(("path", "run_id", "error", "failed_at"), r)) for r in rows]
