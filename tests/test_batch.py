"""Batch runner: every file ends with a status and a reason, re-runs resume, duplicates and changed files,
path metadata, the run lock, and a 500-file folder with 5% hostile files through worker processes."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hostile import build_hostile, build_transcripts, transcript
from tiny_models import RANDOM_MODEL_ASR

from qa.batch.lock import BatchLocked, RunLock
from qa.batch.run import run_batch
from qa.batch.state import file_statuses, recent_runs, status_counts
from qa.cli.console import run_score
from qa.config.settings import Settings
from qa.store.database import Store


def make_settings(whisper: str | None = None, **batch) -> Settings:
    s = Settings()
    s.sentiment.backend = "lexicon"
    s.batch.max_transcript_mb = 1.0
    if whisper:
        s.asr.model, s.asr.beam_size, s.asr.temperature, s.asr.vad = whisper, 1, [0.0], False
        s.asr.min_language_probability, s.asr.low_confidence_share = (RANDOM_MODEL_ASR["min_language_probability"],
                                                                      RANDOM_MODEL_ASR["low_confidence_share"])
    for k, v in batch.items():
        setattr(s.batch, k, v)
    return s


def by_name(store: Store) -> dict[str, dict]:
    return {os.path.basename(r["path"]): r for r in file_statuses(store)}


def check_expected(rows: dict[str, dict], expected: dict[str, tuple[str, str]]) -> None:
    for name, (status, words) in expected.items():
        row = rows[name]
        if status == "any":
            assert row["status"] in ("done", "failed", "needs_review"), row
        else:
            assert row["status"] in status.split("|"), (name, row)
        if row["status"] in ("failed", "needs_review"):
            assert row["reason"] and words in row["reason"], (name, row["reason"])
            assert " — " in row["reason"] or "cannot" in row["reason"], row["reason"]  # says what to do


def test_hostile_corpus_every_file_ends_with_a_status(tmp_path, tiny_whisper):
    folder = tmp_path / "in"
    expected = build_hostile(folder)
    store = Store(str(tmp_path / "qa.duckdb"))
    report = run_batch([str(folder)], make_settings(tiny_whisper), store)
    rows = by_name(store)
    assert set(rows) == set(expected)  # every file accounted for, none twice
    check_expected(rows, expected)
    assert len(report.outcomes) == len(expected) and report.summary.n_files == len(expected)
    failed = {name for name, (status, _) in expected.items() if status == "failed"}
    recorded = {os.path.basename(f["path"]) for f in store.failures(report.run_id)}
    assert recorded == {name for name in rows if rows[name]["status"] == "failed"} >= failed, \
        "every failure of the run is in the failures table, planning failures too"
    assert report.summary.audio_seconds >= 7200  # the two-hour recording was processed
    long = rows["two-hours.wav"]
    assert long["audio_seconds"] == pytest.approx(7200, abs=1)
    # two hours of silence: not scored (no scorecard with every criterion n/a), sent to review
    assert long["status"] == "needs_review" and store.get_call(long["call_id"]) is None
    assert report.summary.n_needs_review == len(report.needs_review) >= 3
    # Re-run: nothing is redone; failures are not retried unless asked.
    again = run_batch([str(folder)], make_settings(tiny_whisper), store)
    assert again.done == [] and len(again.skipped) == len(expected) - sum(
        1 for o in again.failed) and all("found" in (o.reason or "") or "loop" in (o.reason or "") for o in again.failed)
    retried = run_batch([str(folder)], make_settings(tiny_whisper), store, retry_failed=True)
    assert {o.path for o in retried.failed} == {r["path"] for r in rows.values() if r["status"] == "failed"}
    assert recent_runs(store, 1)[0]["run_id"] == retried.run_id


def test_resume_duplicates_and_changed_files(tmp_path):
    folder = tmp_path / "in"
    build_transcripts(folder, 6)
    first = sorted(folder.iterdir())[0]
    shutil.copy(first, folder / "zz-copy-of-first.json")  # same bytes under another name
    store = Store(str(tmp_path / "qa.duckdb"))
    settings = make_settings(path_pattern="{agent_id}_{date}_{customer_id}", allow_unknown_agents=True)
    report = run_batch([str(folder)], settings, store)
    assert len(report.done) == 6 and len(report.skipped) == 1
    dup = by_name(store)["zz-copy-of-first.json"]
    assert dup["status"] == "skipped" and first.name in dup["reason"]
    row = by_name(store)[first.name]
    assert (row["agent_id"], row["call_date"], row["customer_id"]) == ("agent0", "2026-11-01", "call00000")
    assert store.get_call("call-00000").to_dict()["agent_id"] == "agent0"  # from the path: the transcript has none
    data = transcript("call-00000", 8)  # the file changes: a new call, scored again
    first.write_text(json.dumps(data))
    again = run_batch([str(folder)], settings, store)
    assert [Path(o.path).name for o in again.done] == [first.name]
    assert len(store.get_call("call-00000").to_dict()["turns"]) == 8
    assert status_counts(store) == {"done": 6, "skipped": 1}


def test_two_runs_never_overlap(tmp_path):
    db = str(tmp_path / "qa.duckdb")
    build_transcripts(tmp_path / "in", 2)
    with RunLock(db), pytest.raises(BatchLocked, match=f"pid {os.getpid()}"):
        run_score([str(tmp_path / "in")], make_settings(), db, quiet=True)
    assert not os.path.exists(db) or Store(db).list_calls() == []
    assert len(run_score([str(tmp_path / "in")], make_settings(), db, quiet=True).done) == 2  # released


@pytest.mark.slow
def test_500_files_with_5_percent_hostile_through_workers(tmp_path):
    folder = tmp_path / "night"
    names = build_transcripts(folder, 475)
    expected = build_hostile(folder / "hostile", audio=False)
    for i in range(25 - len(expected)):  # top the hostile share up to 5% with more broken files
        (folder / "hostile" / f"broken-{i}.{'wav' if i % 2 else 'json'}").write_bytes(os.urandom(100 + i))
        expected[f"broken-{i}.{'wav' if i % 2 else 'json'}"] = ("failed", "")
    store = Store(str(tmp_path / "qa.duckdb"))
    report = run_batch([str(folder)], make_settings(workers=2, path_pattern="{agent_id}_{date}_{customer_id}",
                                     allow_unknown_agents=True),
                       store)
    rows = by_name(store)
    assert len(rows) == 500 and len(report.outcomes) == 500
    check_expected(rows, expected)
    assert all(rows[n]["status"] == "done" and rows[n]["agent_id"] == n.split("_")[0] for n in names)
    n_done = sum(r["status"] == "done" for r in rows.values())
    assert report.summary.n_done == n_done and report.summary.n_failed == 500 - n_done
    with store.connect() as con:
        assert con.execute("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchone() == (n_done, n_done)
