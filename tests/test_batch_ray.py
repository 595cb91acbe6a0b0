"""The Ray engine passes the batch tests on a local Ray cluster: hostile corpus, Parquet results that DuckDB
can query directly, and kill -9 of the driver mid-batch, then resume."""
from __future__ import annotations

import signal

import pytest
from hostile import build_hostile, build_transcripts
from test_batch import by_name, check_expected, make_settings
from test_batch_crash import assert_exactly_once, cli, kill_after

from qa.batch.run import run_batch
from qa.batch.state import status_counts
from qa.store.database import Store

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    """A local Ray cluster (2 CPUs) for this module; the engine joins it instead of starting its own."""
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": root}})
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


def test_ray_engine_hostile_corpus_and_parquet(tmp_path, tiny_whisper, cluster):
    folder = tmp_path / "in"
    expected = build_hostile(folder / "hostile", long_audio=False)
    build_transcripts(folder, 20)
    results = tmp_path / "results"
    store = Store(str(tmp_path / "qa.duckdb"))
    settings = make_settings(tiny_whisper, engine="ray", workers=2, results_dir=str(results))
    report = run_batch([str(folder)], settings, store)
    rows = by_name(store)
    assert len(rows) == len(expected) + 20 == len(report.outcomes)
    check_expected(rows, expected)
    n_done = sum(r["status"] == "done" for r in rows.values())
    assert len(report.done) == n_done >= 20
    # The store ingested every call once; DuckDB reads the same results straight from Parquet.
    import duckdb

    con = duckdb.connect()
    in_parquet = con.execute(f"SELECT count(*), count(DISTINCT call_id) FROM read_parquet('{results}/calls/*.parquet')"
                             ).fetchone()
    with store.connect() as db:
        stored = db.execute("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchone()
        turns = db.execute("SELECT count(*) FROM turns").fetchone()[0]
    assert in_parquet == stored == (n_done, n_done)
    assert con.execute(f"SELECT count(*) FROM read_parquet('{results}/turns/*.parquet')").fetchone()[0] == turns
    assert store.get_call("call-00003").to_dict()["criteria"]


def test_ray_driver_killed_then_resumed(tmp_path, cluster):
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    build_transcripts(folder, 150)
    args = ["score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--engine", "ray", "--workers", "2",
            "--ray-address", cluster, "--results-dir", str(tmp_path / "results")]
    killed = cli(*args)
    seen = kill_after(killed, 30)
    assert seen >= 30 and killed.returncode == -signal.SIGKILL, killed.stderr.read()[-3000:]
    assert 0 < status_counts(Store(db)).get("done", 0) < 150
    resumed = cli(*args)
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert_exactly_once(db, folder)
