"""Supervisors and agents work in the app while the nightly batch writes: overrides, notes and assessment changes
written by another process while `callqa score` stores calls, then while `callqa rescore` re-scores every call.
No lock error reaches the writer, no review and no score is lost, and the review survives the re-score.
The writer synchronises with the batch through the database (it acts on a call once the batch has stored it)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hostile import transcript

from qa.accounts.access import Viewer
from qa.batch.state import status_counts
from qa.review import assessments as A
from qa.review.notes import list_notes
from qa.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
N_FILES, N_REVIEWED = 200, 40
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

COMMON = """
import sys, time
from qa.review import assessments as A
from qa.accounts.access import Viewer
from qa.review.notes import add_review_note
from qa.store.database import Store
store, n = Store(sys.argv[1]), int(sys.argv[2])
sup = Viewer("sup", "supervisor")
deadline = time.monotonic() + 240

def wait_for(sql, *params):
    # synchronise through the database: poll until the other process has written what we need
    while True:
        with store.connect() as con:
            if con.execute(sql, list(params)).fetchone():
                return
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {sql} {params}")
        time.sleep(0.01)
"""

REVIEW_WHILE_SCORING = COMMON + textwrap.dedent("""
    for i in range(n):
        call_id = f"call-{i:05d}"
        wait_for("SELECT 1 FROM calls WHERE call_id = ?", call_id)  # the batch stored it
        agent = Viewer(f"agent{i % 7}", "agent", f"agent{i % 7}")
        A.override(store, sup, call_id, "listen", "fail" if i % 2 else "na", f"override {i}")
        add_review_note(store, sup, call_id, f"coaching {i}", turn_idx=1)
        add_review_note(store, sup, call_id, f"private {i}", kind="private")
        A.share(store, sup, call_id)
        if i % 2:
            A.acknowledge(store, agent, call_id)
        else:
            A.dispute(store, agent, call_id, f"dispute {i}")
    print("written")
""")

REVIEW_WHILE_RESCORING = COMMON + textwrap.dedent("""
    wait_for("SELECT 1 FROM runs WHERE command = 'rescore'")  # the re-score has started
    for i in range(n):
        call_id = f"call-{i:05d}"
        add_review_note(store, sup, call_id, f"after {i}")
        if i % 2:
            A.finalise(store, sup, call_id)
        else:
            A.resolve(store, sup, call_id, f"resolved {i}")
    print("written")
""")


def write_calls(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        data = transcript(f"call-{i:05d}", 4 + i % 5)
        data["agent_id"] = f"agent{i % 7}"
        (folder / f"call{i:05d}.json").write_text(json.dumps(data), encoding="utf-8")


def start(script: str, db: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, db, str(N_REVIEWED)], cwd=ROOT, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qa.cli", *args], cwd=ROOT, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(writer: subprocess.Popen, batch: subprocess.Popen) -> None:
    out, err = batch.communicate(timeout=400)
    w_out, w_err = writer.communicate(timeout=400)
    assert writer.returncode == 0 and "written" in w_out, w_err
    assert batch.returncode == 0, err
    assert "lock" not in (w_err + err).lower() and "conflict" not in (w_err + err).lower()


def scores(store: Store) -> dict[str, tuple]:
    with store.connect() as con:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT call_id, count(*), count(DISTINCT criterion_id) FROM criterion_results GROUP BY call_id"
        ).fetchall()}


@pytest.mark.slow
def test_reviews_written_while_the_batch_scores_and_rescores(tmp_path):
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    write_calls(folder, N_FILES)
    Store(db)  # schema first, so every process starts from a migrated file

    # 1. the nightly batch stores calls while a supervisor reviews them and their agents answer
    writer = start(REVIEW_WHILE_SCORING, db)
    finish(writer, cli("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "-q"))
    store = Store(db)
    assert status_counts(store) == {"done": N_FILES}
    with store.connect() as con:
        assert con.execute("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchone() == (N_FILES, N_FILES)
        last_stored = con.execute("SELECT max(scored_at) FROM calls").fetchone()[0]
        first_review = con.execute("SELECT min(created_at) FROM assessment_events").fetchone()[0]
    assert first_review < last_stored, "the review writes really overlapped the batch"
    before = scores(store)
    assert len(before) == N_FILES and all(v == (5, 5) for v in before.values())

    # 2. every call is re-scored while the supervisor resolves and finalises
    writer = start(REVIEW_WHILE_RESCORING, db)
    finish(writer, cli("rescore", "--db", db))
    with store.connect() as con:
        started, finished = con.execute("SELECT started_at, finished_at FROM runs WHERE command = 'rescore'").fetchone()
        overlapped = con.execute("SELECT count(*) FROM assessment_events WHERE action IN ('finalise', 'resolve') "
                                 "AND created_at BETWEEN ? AND ?", [started, finished]).fetchone()[0]
    assert overlapped > 0, "the review writes really overlapped the re-score"
    assert scores(store) == before, "every call still has every criterion result, once"

    # nothing lost: every override, note and state change of every reviewed call, in order
    sup = Viewer("sup", "supervisor")
    for i in range(N_REVIEWED):
        call_id = f"call-{i:05d}"
        answer, close = ("acknowledge", "finalise") if i % 2 else ("dispute", "resolve")
        trail = A.audit_trail(store, sup, call_id)
        assert [e.action for e in trail] == ["create", "override", "note", "private_note", "share", answer, "note",
                                             close], call_id
        assert A.get_assessment(store, sup, call_id).state == "final"
        listen = next(r for r in A.results(store, sup, call_id) if r.criterion_id == "listen")
        assert listen.override.reason == f"override {i}" and listen.status == ("fail" if i % 2 else "na")
        assert [(n.text, n.kind) for n in list_notes(store, call_id)] == [
            (f"coaching {i}", "coaching"), (f"private {i}", "private"), (f"after {i}", "coaching")]
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM overrides").fetchone()[0] == N_REVIEWED
        assert con.execute("SELECT count(*) FROM assessments WHERE state = 'final'").fetchone()[0] == N_REVIEWED
