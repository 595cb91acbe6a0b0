"""A reused `call_id` never replaces another call (issue 14, finding 2).

The attack: two transcripts from different agents with the same call_id; the second printed `ok`, the first
call was gone, and the second agent could read the first agent's coaching note. Now the second is refused with
the reason (its file `failed`, reason in `callqa status`), the first call and its notes are untouched; the same
file scored twice is still a no-op and `callqa rescore` still re-scores.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import transcript

from qa.accounts import access
from qa.accounts.access import Viewer
from qa.cli import main
from qa.review.notes import add_note, visible_notes
from qa.store.database import Store


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(path: Path, call_id: str, agent: str, n_turns: int = 6) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**transcript(call_id, n_turns), "agent_id": agent}), encoding="utf-8")
    return path


def score(db: Path, *paths: Path):
    return run("score", *paths, "--db", db, "--sentiment-backend", "lexicon")


def stored(db: Path, call_id: str) -> tuple[str, str, int]:
    with Store(str(db)).connect() as con:
        agent, path = con.execute("SELECT agent_id, source_path FROM calls WHERE call_id = ?", [call_id]).fetchone()
        turns = con.execute("SELECT count(*) FROM turns WHERE call_id = ?", [call_id]).fetchone()[0]
    return agent, path, turns


def test_a_second_agents_file_with_the_same_call_id_is_refused_in_a_later_run(tmp_path):
    db = tmp_path / "qa.duckdb"
    first = write(tmp_path / "lan" / "call.json", "C-1001", "agent_lan", 6)
    assert score(db, first).exit_code == 0
    store = Store(str(db))
    add_note(store, "C-1001", "sup", "coaching for Lan: apologise first", kind="coaching")
    second = write(tmp_path / "tom" / "call.json", "C-1001", "agent_tom", 4)
    res = score(db, second)
    assert res.exit_code == 1, res.output
    assert "0 call(s) scored, 1 failed" in res.output
    assert f"FAILED {second}: call_id 'C-1001' is already stored for other content from another file" in res.output
    assert "ok     C-1001" not in res.output  # never reported stored
    assert stored(db, "C-1001") == ("agent_lan", str(first), 6)  # the first call, untouched
    tom = Viewer("tom", "agent", "agent_tom")
    assert access.get_call(store, tom, "C-1001") is None
    with pytest.raises(access.PermissionDenied):
        visible_notes(store, tom, "C-1001")
    sup = Viewer("sup", "supervisor")
    assert [n.text for n in visible_notes(store, sup, "C-1001")] == ["coaching for Lan: apologise first"]
    status = run("status", "--db", db).output
    assert "failed 1" in status and str(second) in status
    assert f"already stored for other content from another file ({first}, agent agent_lan)" in status
    assert "give each call its own call_id" in status
    # the same refused file again: still refused (it is skipped as failed, or refused again with --retry-failed)
    again = run("score", second, "--db", db, "--sentiment-backend", "lexicon", "--retry-failed")
    assert again.exit_code == 1 and "already stored for other content" in again.output
    assert stored(db, "C-1001") == ("agent_lan", str(first), 6)


def test_two_files_with_the_same_call_id_in_one_run(tmp_path):
    db = tmp_path / "qa.duckdb"
    a = write(tmp_path / "in" / "a.json", "DUP", "agent_lan", 6)
    b = write(tmp_path / "in" / "b.json", "DUP", "agent_tom", 4)
    write(tmp_path / "in" / "c.json", "OTHER", "agent_tom", 4)
    res = score(db, tmp_path / "in")
    assert res.exit_code == 1, res.output
    assert "2 call(s) scored, 1 failed" in res.output
    assert f"FAILED {b}: call_id 'DUP' is already stored for other content from another file ({a}" in res.output
    assert stored(db, "DUP") == ("agent_lan", str(a), 6)


def test_an_edited_file_under_the_same_name_is_a_new_version_of_its_call(tmp_path):
    """As the batch always did ("a changed file is a new call"): the file that brought the call may bring it
    again, changed; only another file may not take its id."""
    db = tmp_path / "qa.duckdb"
    path = write(tmp_path / "call.json", "C-7", "agent_lan", 6)
    assert score(db, path).exit_code == 0
    write(path, "C-7", "agent_lan", 4)  # same name and id, corrected content
    res = score(db, path)
    assert res.exit_code == 0 and "1 call(s) scored, 0 failed" in res.output
    assert stored(db, "C-7") == ("agent_lan", str(path), 4)
    other = write(tmp_path / "other" / "call.json", "C-7", "agent_lan", 6)  # the old content, from elsewhere
    res = score(db, other)
    assert res.exit_code == 1 and "already stored for other content from another file" in res.output
    assert stored(db, "C-7") == ("agent_lan", str(path), 4)


def test_the_same_file_twice_is_a_no_op_and_rescore_still_works(tmp_path):
    db = tmp_path / "qa.duckdb"
    path = write(tmp_path / "call.json", "C-9", "agent_lan", 6)
    assert score(db, path).exit_code == 0
    again = score(db, path)
    assert again.exit_code == 0 and "0 call(s) scored, 0 failed, 1 skipped" in again.output
    copy = tmp_path / "copy" / "call.json"  # the same bytes under another name: the same call
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    assert "0 failed, 1 skipped" in score(db, copy).output
    retried = run("score", path, "--db", db, "--sentiment-backend", "lexicon", "--retry-failed")
    assert retried.exit_code == 0
    res = run("rescore", "C-9", "--db", db, "--rubric", "service")  # an explicit re-score replaces the scores
    assert res.exit_code == 0 and "1 call(s) re-scored" in res.output, res.output
    assert Store(str(db)).get_call("C-9").rubric_id == "service"


@pytest.mark.parametrize("call_id", ["x" * 100_000, "two\nlines"])
def test_an_unusable_call_id_fails_the_file_with_a_short_reason(tmp_path, call_id):
    db = tmp_path / "qa.duckdb"
    path = write(tmp_path / "call.json", call_id, "agent_lan")
    res = score(db, path)
    assert res.exit_code == 1 and "field 'call_id'" in res.output
    assert len(res.output) < 2000  # the id is not printed raw
    assert "x" * 200 not in run("status", "--db", db).output
