"""kill -9 in the middle of a batch, then resume: every call stored exactly once; notes written by another
process while the batch stores calls are all kept, with no lock error."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hostile import build_transcripts

from qa.batch.state import status_counts
from qa.review.notes import list_notes
from qa.store.database import Store

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "qa.cli", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def kill_after(proc: subprocess.Popen, n_lines: int) -> int:
    seen = 0
    for line in proc.stdout:
        seen += line.startswith("ok ")
        if seen >= n_lines:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    return seen


def assert_exactly_once(db: str, folder: Path) -> None:
    store = Store(db)
    expected = {}
    for f in folder.iterdir():
        data = json.loads(f.read_text())
        expected[data["call_id"]] = len(data["turns"])
    with store.connect() as con:
        got = dict(con.execute("SELECT call_id, count(*) FROM turns GROUP BY call_id").fetchall())
        n_calls, n_distinct = con.execute("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchone()
        n_cards = con.execute("SELECT count(*) FROM scorecards").fetchone()[0]
    assert got == expected and n_calls == n_distinct == n_cards == len(expected)
    assert status_counts(store) == {"done": len(expected)}


@pytest.mark.slow
def test_kill_9_mid_batch_then_resume(tmp_path):
    folder, db, n = tmp_path / "in", str(tmp_path / "qa.duckdb"), 200
    build_transcripts(folder, n)
    args = ["score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--workers", "2"]
    killed = cli(*args)
    seen = kill_after(killed, 60)
    assert killed.returncode == -signal.SIGKILL and seen >= 60
    counts = status_counts(Store(db))
    assert 0 < counts.get("done", 0) < n and counts.get("queued", 0) + counts.get("running", 0) > 0
    resumed = cli(*args, "--workers", "1")  # resuming with another worker count is fine
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert f"{n - counts['done']} call(s) scored, 0 failed, {counts['done']} skipped" in out  # only the rest
    assert_exactly_once(db, folder)


WRITER = textwrap.dedent("""
    import sys, time
    from qa.batch.state import status_counts
    from qa.review.notes import add_note
    from qa.store.database import Store
    store = Store(sys.argv[1])
    deadline = time.monotonic() + 120  # imports done: wait for the batch's first stored call, then write
    while not status_counts(store).get("done") and time.monotonic() < deadline:
        time.sleep(0.02)
    for i in range(int(sys.argv[2])):
        add_note(store, f"call-{i:05d}", "reviewer", f"note {i}")
    print("written")
""")


@pytest.mark.slow
def test_notes_written_while_the_batch_stores_calls(tmp_path):
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    build_transcripts(folder, 400)
    Store(db)  # schema first, so both processes start from a migrated file
    # The writer starts first and waits (after its imports) for the batch's first stored call: the two
    # processes then write at the same time however fast either starts.
    writer = subprocess.Popen([sys.executable, "-c", WRITER, db, "150"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    batch = cli("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "-q")
    out, err = batch.communicate(timeout=300)
    writer.stdout, writer.stderr = writer.communicate(timeout=300)
    assert writer.returncode == 0 and "written" in writer.stdout, writer.stderr
    assert batch.returncode == 0, err
    assert "lock" not in (writer.stderr + err).lower()
    store = Store(db)
    notes = list_notes(store)
    assert [n.text for n in notes] == [f"note {i}" for i in range(150)]
    with store.connect() as con:
        first, last = con.execute("SELECT min(scored_at), max(scored_at) FROM calls").fetchone()
    assert notes[0].created_at < last and notes[-1].created_at > first  # the two processes really overlapped
    assert_exactly_once(db, folder)
    # Re-scoring a call keeps its notes: notes are not call rows.
    one = sorted(folder.iterdir())[3]
    with store.connect() as con:
        con.execute("UPDATE batch_files SET status = 'failed' WHERE path = ?", [str(one)])
    rescored = cli("score", str(one), "--db", db, "--sentiment-backend", "lexicon", "-q", "--retry-failed")
    assert "1 call(s) scored" in rescored.communicate(timeout=120)[0]
    call_id = json.loads(one.read_text())["call_id"]
    assert [n.text for n in list_notes(store, call_id)] == [f"note {int(call_id[-5:])}"]


def _children() -> dict[int, int]:
    """pid -> parent pid of every live process (from /proc; zombies excluded)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z":
                out[int(entry)] = int(fields[1])
    return out


def _descendants(pid: int) -> set[int]:
    parents = _children()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0, 2.5])
def test_kill_9_while_workers_start_leaves_no_process_behind(tmp_path, delay):
    import time

    folder = tmp_path / "in"
    build_transcripts(folder, 40)
    proc = cli("score", str(folder), "--db", str(tmp_path / "k.duckdb"), "--workers", "2", "-q",
               "--sentiment-backend", "lexicon")
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while not seen and time.monotonic() < deadline and proc.poll() is None:  # until a worker is being started
        seen |= _descendants(proc.pid)
        time.sleep(0.02)
    end = time.monotonic() + delay
    while time.monotonic() < end:
        seen |= _descendants(proc.pid)
        time.sleep(0.02)
    assert seen, "the batch started worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and set(_children()) & seen:
        time.sleep(0.2)
    left = set(_children()) & seen
    for pid in left:  # do not leave them running after a failure either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left after kill -9 of the batch: {sorted(left)}"
