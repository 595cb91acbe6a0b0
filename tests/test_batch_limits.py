"""One hostile file never stops the night (issue 14, finding 3), and the exit status tells a finished run with
failed files (1) from a run that could not start or finish (2).

The attack: a 1.9 KB transcript with a field nested 600 levels crashed `callqa score` with a RecursionError
traceback while the call was pickled back from the worker; later files stayed `queued`, every re-run crashed the
same way, and the exit status was 1, the same as "some files failed". Every run here goes through the real
`callqa score` in a subprocess, as the nightly job runs it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hostile import build_transcripts, transcript

from qa.batch.run import score_files
from qa.batch.state import file_statuses, status_counts
from qa.batch.types import FAILED, Task
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.store.database import Store

ROOT = Path(__file__).resolve().parent.parent


def callqa(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=ROOT, env=full, text=True,
                          capture_output=True, timeout=timeout)


def deep_transcript(path: Path, depth: int = 600) -> Path:
    text = json.dumps({**transcript("deep-1", 2), "meta": "@@"}).replace('"@@"', "[" * depth + "]" * depth)
    path.write_text(text, encoding="utf-8")
    assert len(text) < 2000  # the 1.9 KB file of the report
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_a_deeply_nested_transcript_fails_alone_and_the_run_finishes(tmp_path, workers):
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    names = build_transcripts(folder, 4)
    deep = deep_transcript(folder / "agent0_20261101_aaa-deep.json")  # sorted among the good files
    run = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--workers", str(workers), "-q")
    assert run.returncode == 1, run.stdout + run.stderr  # some files failed; the run itself finished
    assert "Traceback" not in run.stderr and "RecursionError" not in run.stderr
    assert "4 call(s) scored, 1 failed, 0 skipped" in run.stdout, run.stdout + run.stderr
    assert f"{deep}: is nested more than 32 levels deep" in run.stderr
    store = Store(db)
    assert status_counts(store) == {"done": 4, "failed": 1}  # nothing left queued
    [failed] = file_statuses(store, FAILED)
    assert failed["path"] == str(deep) and "nested more than 32 levels deep" in failed["reason"]
    assert {Path(r["path"]).name for r in file_statuses(store, "done")} == set(names)
    again = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--workers", str(workers), "-q")
    assert again.returncode == 0 and "0 call(s) scored, 0 failed, 5 skipped" in again.stdout, again.stderr


def test_bad_settings_exit_2_before_anything_is_done(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "qa.duckdb"
    build_transcripts(folder, 2)
    cfg = tmp_path / "callqa.yaml"
    cfg.write_text("batch:\n  wokers: 2\n", encoding="utf-8")
    run = callqa("score", str(folder), "--db", str(db), "--config", str(cfg))
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{cfg}: unknown setting batch.wokers" in run.stderr and "did not finish (exit status 2)" in run.stderr
    assert "Traceback" not in run.stderr and not db.exists()


def test_a_locked_database_exits_2_with_the_reason(tmp_path):
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    build_transcripts(folder, 2)
    Store(db)
    holder = duckdb.connect(db)  # another program holds the database file
    try:
        run = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "-q",
                     env={"CALLQA_DB_LOCK_TIMEOUT": "1"})
    finally:
        holder.close()
    assert run.returncode == 2, run.stdout + run.stderr
    assert "is busy" in run.stderr and "CALLQA_DB_LOCK_TIMEOUT" in run.stderr
    assert "Traceback" not in run.stderr
    assert status_counts(Store(db)) == {}  # it changed nothing; the next run does everything


def test_another_batch_on_the_same_database_exits_2(tmp_path):
    from qa.batch.lock import RunLock

    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    build_transcripts(folder, 1)
    with RunLock(db):
        run = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "-q")
    assert run.returncode == 2 and "another callqa batch" in run.stderr, run.stderr


def test_the_exit_statuses_are_documented():
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    section = text.split("## Exit status", 1)[1].split("\n## ", 1)[0]
    for line in ("| 0 |", "| 1 |", "| 2 |"):
        assert line in section
    assert "exit status: 0 every file" in callqa("score", "--help").stdout.lower().replace("\n", " ")


# -- a crash of one file is that file's failure, wherever it happens ------------------------------------------------

def deep_list(depth: int) -> list:
    top = node = []
    for _ in range(depth):
        node.append([])
        node = node[0]
    return top


class NestsOneCall(Pipeline):
    """The real pipeline, with one call given a field too deep to store (as no input file can be any more):
    the failure now surfaces where the call's rows are written."""

    def process(self, path, progress=None, **kw):
        result = super().process(path, progress, **kw)
        if "deep" in path:
            result.transcript.extra["meta"] = deep_list(5000)
        return result


def test_a_call_that_cannot_be_stored_fails_alone(tmp_path):
    folder = tmp_path / "in"
    build_transcripts(folder, 3)
    (folder / "agent1_20261102_deep.json").write_text(json.dumps(transcript("deep-2")), encoding="utf-8")
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    store = Store(str(tmp_path / "qa.duckdb"))
    report = score_files([str(folder)], NestsOneCall(settings), store)
    assert len(report.done) == 3 and [Path(o.path).name for o in report.failed] == ["agent1_20261102_deep.json"]
    assert "could not be stored (RecursionError" in report.failed[0].reason
    assert status_counts(store) == {"done": 3, "failed": 1}
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM calls").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM calls WHERE call_id = 'deep-2'").fetchone()[0] == 0


def test_a_file_the_worker_pool_cannot_carry_fails_alone(tmp_path):
    """The real worker pool, with one task that cannot be pickled (too deep): that file fails with the reason and
    the others are scored — the exception no longer escapes the pool and ends the run."""
    from qa.batch.engine_local import run_pool

    folder = tmp_path / "in"
    names = build_transcripts(folder, 3)
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    tasks = [Task(str(folder / n), f"{i:064x}") for i, n in enumerate(names)]
    tasks.insert(1, Task(str(folder / names[0]), "f" * 64, meta={"nested": deep_list(5000)}))
    outcomes = list(run_pool(tasks, settings, lambda task: None))
    assert len(outcomes) == 4
    [lost] = [o for o in outcomes if o.status == FAILED]
    assert lost.sha256 == "f" * 64 and "could not be returned by the worker process" in lost.reason
    assert "RecursionError" in lost.reason or "Pickling" in lost.reason
    assert sorted(o.call_id for o in outcomes if o.status == "done") == ["call-00000", "call-00001", "call-00002"]
