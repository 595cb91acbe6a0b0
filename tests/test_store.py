"""DuckDB store: migrations, idempotent saves, atomic replacement."""
from pathlib import Path

import pytest

from qa.config.settings import Settings
from qa.pipeline.call import CallResult, Pipeline
from qa.store.database import Store
from qa.store.migrations import MIGRATIONS
from scoring.rubric import resolve_rubric

SAMPLES = Path(__file__).resolve().parent.parent / "sample_calls"


@pytest.fixture(scope="module")
def result():
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    return Pipeline(settings).process(str(SAMPLES / "transcripts" / "en_complaint_good.json"))


def counts(store):
    with store.connect() as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("calls", "turns", "scorecards", "criterion_results", "evidence")}


def test_migrations_apply_once(tmp_path):
    db = tmp_path / "x.duckdb"
    store = Store(str(db))
    assert store.schema_version() == MIGRATIONS[-1][0]
    assert Store(str(db)).migrate() == []  # re-opening applies nothing


def test_saving_the_same_call_twice_changes_nothing(result):
    store = Store(":memory:")
    store.save(result)
    first = counts(store)
    store.save(result)
    assert counts(store) == first and first["calls"] == 1 and first["turns"] == len(result.transcript.turns)


def test_failed_save_keeps_the_earlier_result(result):
    store = Store(":memory:")
    store.save(result)
    before = store.get_call(result.transcript.call_id)
    broken = CallResult(result.transcript, None, result.models)  # fails after the old rows were deleted
    with pytest.raises(AttributeError):
        store.save(broken)
    assert store.get_call(result.transcript.call_id) == before


def test_scorecard_document(result):
    store = Store(":memory:")
    store.save(result, run_id="r1")
    card = store.get_call("en_complaint_good").to_dict()
    assert card["rubric_id"] == "last" and card["rubric_version"] == resolve_rubric("last").version
    assert [c["id"] for c in card["criteria"]] == ["listen", "apologize", "solve", "thank"]
    assert len(card["turns"]) == len(result.transcript.turns)
    for c in card["criteria"]:
        for e in c["evidence"]:
            assert 0 <= e["turn"] < len(card["turns"])
            assert card["turns"][e["turn"]]["start"] <= e["start"] <= e["end"] <= card["turns"][e["turn"]]["end"]
    assert card["models"]["sentiment"]["en"]["backend"].startswith("callqa-lexicon")
    assert store.get_call("nope") is None
    assert store.list_calls()[0]["statuses"] == {"listen": "pass", "apologize": "pass", "solve": "pass",
                                                 "thank": "pass"}


def test_reading_shares_one_connection_per_thread_and_releases_the_file(tmp_path):
    import subprocess
    import sys
    import threading

    store = Store(str(tmp_path / "r.duckdb"))
    with store.reading():
        with store.connect() as a, store.connect() as b:
            assert a is b
        with store.transaction() as con:  # a write inside the block uses it too, and commits
            con.execute("INSERT INTO notes (call_id, author, text, created_at) VALUES ('c', 'sup', 'hi', now())")
        seen = []

        def in_another_thread():
            with store.connect() as mine:
                seen.append(mine is not a)

        other = threading.Thread(target=in_another_thread)
        other.start()
        other.join()
        assert seen == [True]  # another thread (another app session) gets its own connection
        with store.connect() as c:
            assert c is a and c.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
    with store.connect() as c:
        assert c is not a
    # after the block another process can open the file and see the write
    code = ("import duckdb, sys; print(duckdb.connect(sys.argv[1]).execute('SELECT text FROM notes').fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code, store.path], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "hi", out.stderr


def test_a_long_call_is_written_in_bulk_and_reads_back_the_same_as_row_by_row(tmp_path, monkeypatch):
    """Calls with many turns go in as Arrow tables (a short write lock); what is stored is the same as with the
    row-by-row INSERT used for small calls."""
    import json

    from qa.store import database

    turns = [{"speaker": "agent" if i % 2 else "customer", "start": i * 2.0, "end": i * 2.0 + 1.5,
              "text": ("sorry for the wait, I have refunded order %d" if i % 2 else "my order %d is late") % i}
             for i in range(1500)]
    path = tmp_path / "long.json"
    path.write_text(json.dumps({"call_id": "long-1", "language": "en", "agent_id": "a1", "turns": turns}))
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    result = Pipeline(settings).process(str(path))
    bulk = Store(str(tmp_path / "bulk.duckdb"))
    bulk.save(result)
    monkeypatch.setattr(database, "ARROW_FROM", 10 ** 9)  # every table row by row
    rows = Store(str(tmp_path / "rows.duckdb"))
    rows.save(result)
    a, b = bulk.get_call("long-1"), rows.get_call("long-1")
    assert a is not None and len(a.turns) == 1500
    assert a.to_dict() | {"scored_at": None} == b.to_dict() | {"scored_at": None}
