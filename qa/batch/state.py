"""The batch's memory in the store: one row per input file (`batch_files`) and one summary per run
(`batch_runs`). Planning decides what a run must do; `commit` stores finished calls together with their
file statuses in one transaction, so a run killed at any moment loses at most the uncommitted calls
(redone on resume) and never stores a call twice.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import stat
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypedDict

import duckdb

from qa.batch.file_timeout import FileTimeout, call_with_limit, timeout_reason
from qa.batch.types import (
    DONE,
    FAILED,
    NEEDS_REVIEW,
    QUEUED,
    RUNNING,
    SKIPPED,
    BatchSummary,
    FileOutcome,
    Task,
)
from qa.config.batch import BatchSettings, batch_pattern, path_metadata
from qa.store.database import Store
from qa.store.identity import Claim, conflicts
from transcribe.audio import file_sha256
from transcribe.errors import CallQAError

logger = logging.getLogger("qa")

EMPTY = "is empty (0 bytes) — the recording or transcript was not written completely: copy it again"
NOT_REGULAR = ("is not a regular file (a named pipe, socket or device) — callqa scores only regular files: "
               "remove it from the folder, or give the recording it stands for")
COLUMNS = ("path", "sha256", "size", "mtime_ns", "call_id", "status", "reason", "attempts", "run_id", "agent_id",
           "call_date", "customer_id", "meta", "audio_seconds", "updated_at")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class _Identity(TypedDict):
    """What `plan` learnt of a file, stored in its row."""

    sha: str
    size: int
    mtime_ns: int
    meta: dict[str, Any]


def _row(path: str, status: str, run_id: str, *, sha: str | None = None, size: int | None = None,
         mtime_ns: int | None = None, call_id: str | None = None, reason: str | None = None, attempts: int = 0,
         meta: dict[str, Any] | None = None) -> dict[str, Any]:
    meta = meta or {}
    return dict(path=path, sha256=sha, size=size, mtime_ns=mtime_ns, call_id=call_id, status=status, reason=reason,
                attempts=attempts, run_id=run_id, agent_id=meta.get("agent_id"), call_date=meta.get("date"),
                customer_id=meta.get("customer_id"), meta=json.dumps(meta, ensure_ascii=False) if meta else None,
                audio_seconds=None, updated_at=_now())


def plan(store: Store, files: list[str], run_id: str, settings: BatchSettings, retry_failed: bool = False,
         metadata: Callable[[str], dict[str, Any]] | None = None) -> tuple[list[Task], list[FileOutcome]]:
    """Split `files` into tasks to run and outcomes settled now (skipped, or failed before any work),
    and record the plan: tasks become `queued` (a `running` row left by a killed run is queued again).
    `metadata(path)`: what the path pattern reads from a file (qa.batch.paths; default: the pattern alone)."""
    if metadata is None:
        pattern = batch_pattern(settings)
        metadata = partial(path_metadata, settings=settings, pattern=pattern)
    with store.connect() as con:
        known = {r[0]: r for r in con.execute(
            "SELECT path, sha256, size, mtime_ns, status, call_id, reason, attempts FROM batch_files").fetchall()}
    done_by_sha = {r[1]: (r[0], r[5]) for r in known.values() if r[4] == DONE and r[1]}
    tasks: list[Task] = []
    settled: list[FileOutcome] = []
    rows: list[dict[str, Any]] = []
    for path in files:
        meta = metadata(path)
        prev = known.get(path)
        try:
            st, sha = call_with_limit(partial(_identify, path, prev), settings.file_timeout)
        except (OSError, FileTimeout) as exc:
            if isinstance(exc, FileTimeout):
                reason = timeout_reason(exc.limit, "to read (for its content hash) and was given up")
            elif isinstance(exc, FileNotFoundError):
                reason = "file or folder not found — check the path"
            elif exc.errno == errno.ELOOP:
                reason = "is a symbolic link that leads back to itself (a loop) — point the link at the recording"
            else:
                reason = f"cannot be read ({exc.strerror}) — give the user running callqa read access"
            settled.append(FileOutcome(path, error=f"{path}: {reason}", reason=reason, status=FAILED, meta=meta))
            continue
        if sha is None:
            settled.append(FileOutcome(path, error=f"{path}: {NOT_REGULAR}", reason=NOT_REGULAR, status=FAILED,
                                       meta=meta))
            continue
        info = _Identity(sha=sha, size=st.st_size, mtime_ns=st.st_mtime_ns, meta=meta)
        if prev and prev[1] == sha and prev[4] == DONE:
            settled.append(FileOutcome(path, call_id=prev[5], status=SKIPPED, sha256=sha, meta=meta,
                                       reason="already done (same content)"))
            continue
        if prev and prev[1] == sha and prev[4] == FAILED and not retry_failed:
            settled.append(FileOutcome(path, status=SKIPPED, sha256=sha, meta=meta,
                                       reason=f"failed before ({prev[6]}); use --retry-failed to try again"))
            continue
        if st.st_size == 0:  # never a duplicate of another empty file: each fails on its own
            settled.append(FileOutcome(path, error=f"{path}: {EMPTY}", reason=EMPTY, status=FAILED, sha256=sha,
                                       meta=meta))
            continue
        if prev and prev[1] == sha and prev[4] == NEEDS_REVIEW and not retry_failed:
            settled.append(FileOutcome(path, call_id=prev[5], status=SKIPPED, sha256=sha, meta=meta,
                                       reason=f"needs review ({prev[6]}); use --retry-failed to recognise it again "
                                              "(e.g. with another asr.model)"))
            continue
        twin = done_by_sha.get(sha)
        if twin and twin[0] != path:
            reason = f"same content as {twin[0]} (call {twin[1]})" if twin[1] else f"same content as {twin[0]}"
            settled.append(FileOutcome(path, call_id=twin[1], status=SKIPPED, sha256=sha, meta=meta, reason=reason))
            rows.append(_row(path, SKIPPED, run_id, call_id=twin[1], reason=reason, **info))
            continue
        done_by_sha[sha] = (path, None)  # a later file with the same bytes in this run is its duplicate
        attempts = prev[7] if prev and prev[1] == sha and prev[7] else 0
        tasks.append(Task(path, sha, st.st_size, st.st_mtime_ns, meta))
        rows.append(_row(path, QUEUED, run_id, attempts=attempts, **info))
    failed = [o for o in settled if o.status == FAILED]
    for o in failed:
        rows.append(_row(o.path, FAILED, run_id, sha=o.sha256, reason=o.reason, attempts=1, meta=o.meta))
    _upsert(store, rows)
    if failed:  # failures at planning are failures of this run like any other
        now = _now()
        with store.transaction() as con:
            con.execute("INSERT INTO failures VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(failed)),
                        [x for o in failed for x in (o.path, run_id, o.error, now)])
    return tasks, settled


def _identify(path: str, prev: tuple | None) -> tuple[os.stat_result, str | None]:
    """(stat, content hash) of a file; the hash is None for anything but a regular file, which is never
    opened (reading a named pipe waits for a writer forever)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        return st, None
    if prev and prev[1] and prev[2] == st.st_size and prev[3] == st.st_mtime_ns:
        return st, prev[1]  # unchanged size and mtime: trust the stored hash, don't re-read the file
    return st, file_sha256(path)


def _upsert(store: Store, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    import pyarrow as pa

    table = pa.table({c: [r[c] for r in rows] for c in COLUMNS},
                     schema=pa.schema([(c, pa.int64() if c in ("size", "mtime_ns", "attempts") else
                                        pa.float64() if c == "audio_seconds" else
                                        pa.timestamp("us") if c == "updated_at" else pa.string()) for c in COLUMNS]))
    with store.transaction() as con:
        con.register("plan_rows", table)
        con.execute(f"INSERT OR REPLACE INTO batch_files SELECT {', '.join(COLUMNS)} FROM plan_rows")
        con.unregister("plan_rows")


# A store-wide problem stops the run (exit status 2); any other error while storing is the file's own.
RUN_ERRORS = (CallQAError, OSError, MemoryError, duckdb.IOException)


def commit(store: Store, outcomes: list[FileOutcome], running: Iterable[Task], run_id: str) -> None:
    """Store finished calls and their statuses, and mark dispatched files `running`, in one transaction.

    A file whose call_id is stored for other content fails with the reason (qa.store.identity). A file whose
    rows cannot be stored (an error that is not the store's: see RUN_ERRORS) fails alone: the group is stored
    again one file at a time, so one bad call never stops the run or loses the others."""
    try:
        _commit(store, outcomes, running, run_id)
    except RUN_ERRORS:
        raise
    except Exception as exc:
        if len(outcomes) <= 1:
            for o in outcomes:
                if o.status == DONE:
                    _fail(o, f"could not be stored ({type(exc).__name__}: {str(exc)[:300]}); please report it")
            _commit(store, outcomes, running, run_id)
            return
        logger.warning("a group of %d call(s) could not be stored (%s); storing them one at a time",
                       len(outcomes), type(exc).__name__)
        commit(store, [], running, run_id)
        for o in outcomes:
            commit(store, [o], [], run_id)


def _fail(o: FileOutcome, reason: str) -> None:
    o.status, o.result, o.parquet, o.reason, o.error = FAILED, None, None, reason, f"{o.path}: {reason}"


def _claims(outcomes: list[FileOutcome]) -> tuple[list[FileOutcome], list[Claim]]:
    stored = [o for o in outcomes if o.status == DONE and o.call_id]
    return stored, [Claim(o.call_id or "", o.result.transcript.sha256 if o.result else o.sha256,
                          o.result.transcript.source_path if o.result else o.path,
                          o.result.transcript.agent_id if o.result else o.meta.get("agent_id")) for o in stored]


def _refuse_reused_ids(con: Any, outcomes: list[FileOutcome]) -> None:
    stored, claims = _claims(outcomes)
    for i, reason in conflicts(con, claims).items():
        logger.warning("%s: %s", stored[i].path, reason)
        _fail(stored[i], reason)


def _commit(store: Store, outcomes: list[FileOutcome], running: Iterable[Task], run_id: str) -> None:
    from qa.batch.parquet_results import ingest

    with store.connect() as con:  # refused calls are not copied into the media store
        _refuse_reused_ids(con, outcomes)
    store.register_recordings([o.result for o in outcomes if o.status == DONE and o.result is not None])
    now = _now()
    dispatched = [t.path for t in running]
    with store.transaction() as con:  # a few statements per group, not per file: the app waits less
        _refuse_reused_ids(con, outcomes)  # again, inside the transaction that writes
        done = [[o.path, o.call_id, o.audio_seconds] for o in outcomes if o.status == DONE]
        failed = [[o.path, o.reason or o.error] for o in outcomes if o.status == FAILED]
        review = [[o.path, o.call_id, o.reason, o.audio_seconds] for o in outcomes if o.status == NEEDS_REVIEW]
        store.write_calls(con, [o.result for o in outcomes if o.status == DONE and o.result is not None], run_id)
        for o in outcomes:
            if o.status == DONE and o.result is None and o.parquet:
                ingest(con, o.parquet, o.call_id)
        if done:
            con.execute("UPDATE batch_files SET status = ?, call_id = v.call_id, reason = NULL, "
                        "audio_seconds = v.secs, attempts = coalesce(attempts, 0) + 1, run_id = ?, updated_at = ? "
                        f"FROM (VALUES {_rows(done)}) AS v(p, call_id, secs) WHERE path = v.p",
                        [DONE, run_id, now, *(x for row in done for x in row)])
        if review:  # not scored: no call row, the file's status and reason say why
            con.execute("UPDATE batch_files SET status = ?, call_id = v.call_id, reason = v.reason, "
                        "audio_seconds = v.secs, attempts = coalesce(attempts, 0) + 1, run_id = ?, updated_at = ? "
                        f"FROM (VALUES {_rows(review)}) AS v(p, call_id, reason, secs) WHERE path = v.p",
                        [NEEDS_REVIEW, run_id, now, *(x for row in review for x in row)])
        if failed:
            con.execute("INSERT INTO failures VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(failed)),
                        [x for o in outcomes if o.status == FAILED for x in (o.path, run_id, o.error, now)])
            con.execute("UPDATE batch_files SET status = ?, reason = v.reason, attempts = coalesce(attempts, 0) + 1, "
                        f"run_id = ?, updated_at = ? FROM (VALUES {_rows(failed)}) AS v(p, reason) WHERE path = v.p",
                        [FAILED, run_id, now, *(x for row in failed for x in row)])
        if dispatched:
            con.execute("UPDATE batch_files SET status = ?, run_id = ?, updated_at = ? WHERE status = ? AND path IN ("
                        + ", ".join("?" * len(dispatched)) + ")", [RUNNING, run_id, now, QUEUED, *dispatched])


def _rows(rows: list[list[Any]]) -> str:
    """Placeholders for a VALUES list of equally long rows."""
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    return ", ".join([one] * len(rows))


def record_summary(store: Store, s: BatchSummary) -> None:
    with store.transaction() as con:
        con.execute("INSERT OR REPLACE INTO batch_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [s.run_id, s.engine, s.workers, s.n_files, s.n_done, s.n_failed, s.n_skipped, s.audio_seconds,
                     s.wall_seconds, _now()])


def file_statuses(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """Every file the batch knows, with its status and reason (optionally only one status)."""
    with store.connect() as con:
        rows = con.execute("SELECT * FROM batch_files" + (" WHERE status = ?" if status else "") + " ORDER BY path",
                           [status] if status else []).fetchall()
    return [dict(zip(COLUMNS, r)) for r in rows]


def status_counts(store: Store) -> dict[str, int]:
    with store.connect() as con:
        rows = con.execute("SELECT status, count(*) FROM batch_files GROUP BY status").fetchall()
    return dict(rows)


def recent_runs(store: Store, n: int = 5) -> list[dict[str, Any]]:
    keys = ("run_id", "engine", "workers", "n_files", "n_done", "n_failed", "n_skipped", "audio_seconds",
            "wall_seconds", "finished_at")
    with store.connect() as con:
        rows = con.execute(f"SELECT {', '.join(keys)} FROM batch_runs ORDER BY finished_at DESC LIMIT ?",
                           [n]).fetchall()
    return [dict(zip(keys, r)) for r in rows]
