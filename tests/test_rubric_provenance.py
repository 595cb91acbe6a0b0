"""Rubric provenance: the content hash of the rubric stored with every score, re-score and roles swap keeping each
call's own rubric unless one is given, and `callqa rubric check` flagging content changed under the same version."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.review.provenance import content_clash, own_rubric
from qa.review.roles import swap_roles
from qa.store.database import Store
from scoring.rubric import resolve_rubric
from scoring.rubric_schema import load_rubric
from transcribe.errors import InputError

SAMPLES = Path(__file__).resolve().parent.parent / "sample_calls" / "transcripts"
SERVICE = (resources.files("rubrics") / "service.yaml").read_text(encoding="utf-8")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def team_rubric(tmp_path, text=SERVICE, name="team.yaml"):
    path = tmp_path / name
    path.write_text(text.replace("id: service", "id: team"), encoding="utf-8")
    return path


def scored(tmp_path, rubric: str, *calls: str) -> Store:
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    settings.rubric = rubric
    pipeline, store = Pipeline(settings), Store(str(tmp_path / "qa.duckdb"))
    for call in calls:
        store.save(pipeline.score(pipeline.import_transcript(str(SAMPLES / f"{call}.json"))))
    return store


def stored(store: Store, call: str) -> tuple:
    with store.connect() as con:
        return con.execute("SELECT rubric_id, rubric_version, rubric_sha256 FROM scorecards WHERE call_id = ?",
                           [call]).fetchone()


def test_the_rubric_content_hash_is_stored_with_every_score(tmp_path):
    team = team_rubric(tmp_path)
    store = scored(tmp_path, str(team), "en_complaint_good")
    sha = load_rubric(team).sha256
    assert len(sha) == 64 and stored(store, "en_complaint_good") == ("team", "1.0", sha)
    card = store.get_call("en_complaint_good")
    assert card.rubric["sha256"] == sha and card.models["rubric"]["sha256"] == sha
    # canonical content: a comment or another layout is the same rubric; a weight is not
    assert load_rubric(team_rubric(tmp_path, "# our copy\n" + SERVICE + "\n\n", "b.yaml")).sha256 == sha
    assert load_rubric(team_rubric(tmp_path, SERVICE.replace("weight: 25", "weight: 26", 1), "c.yaml")).sha256 != sha
    show = run("show", "en_complaint_good", "--db", store.path)
    assert show.exit_code == 0 and f"rubric team 1.0 (content {sha[:12]})" in show.output


def test_rescore_keeps_each_calls_own_rubric_unless_one_is_given(tmp_path):
    store = scored(tmp_path, "service", "en_complaint_good")
    last = scored(tmp_path, "last", "vi_complaint_good")  # the same database, another rubric
    assert last.path == store.path
    res = run("rescore", "--db", store.path)
    assert res.exit_code == 0, res.output
    assert "(service 1.0) ->" in res.output and "-> " in res.output and "(last 3.0)" in res.output
    assert stored(store, "en_complaint_good")[0] == "service" and stored(store, "vi_complaint_good")[0] == "last"
    forced = run("rescore", "en_complaint_good", "--db", store.path, "--rubric", "last")
    assert forced.exit_code == 0 and stored(store, "en_complaint_good")[:2] == ("last", "3.0")


def test_a_roles_swap_keeps_the_calls_own_rubric(tmp_path):
    store = scored(tmp_path, "service", "en_complaint_good")
    settings = Settings()
    settings.sentiment.backend = "lexicon"  # the pipeline's rubric is last: the call keeps service
    result = swap_roles(store, Pipeline(settings), "en_complaint_good", by="sup")
    assert result.scorecard.rubric_id == "service" and stored(store, "en_complaint_good")[0] == "service"
    res = run("roles", "swap", "en_complaint_good", "--db", store.path, "--rubric", "last")
    assert res.exit_code == 0, res.output
    assert stored(store, "en_complaint_good")[0] == "last"


def test_a_changed_rubric_under_the_same_version_is_flagged(tmp_path):
    team = team_rubric(tmp_path)
    store = scored(tmp_path, str(team), "en_complaint_good")
    first = stored(store, "en_complaint_good")[2]
    ok = run("rubric", "check", team, "--db", store.path)
    assert ok.exit_code == 0 and first[:12] in ok.output and "matches every score" in ok.output
    team.write_text(team.read_text(encoding="utf-8").replace("weight: 25", "weight: 40", 1), encoding="utf-8")
    bad = run("rubric", "check", team, "--db", store.path)
    assert bad.exit_code == 1 and "team 1.0" in bad.output and "bump its version" in bad.output
    assert 'version: "1.1"' in bad.output and first[:12] in bad.output
    night = run("score", SAMPLES / "en_complaint_bad.json", "--db", store.path, "--rubric", team, "-q",
                "--sentiment-backend", "lexicon")  # scoring with it warns too (and goes on)
    assert night.exit_code == 0 and "warning:" in night.output and "bump its version" in night.output
    own = own_rubric(store, "en_complaint_good")  # a re-score takes the changed file, and says so
    assert own.rubric.path == str(team) and "has changed since" in (own.warning or "")
    res = run("rescore", "--db", store.path)
    assert res.exit_code == 0 and "has changed since call en_complaint_good was scored" in res.output
    assert stored(store, "en_complaint_good")[2] == resolve_rubric(str(team)).sha256 != first
    team.write_text(team.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'), encoding="utf-8")
    assert content_clash(store, resolve_rubric(str(team))) is None


def test_a_call_whose_rubric_is_gone_is_left_as_it_was(tmp_path):
    team = team_rubric(tmp_path)
    store = scored(tmp_path, str(team), "en_complaint_good")
    before = stored(store, "en_complaint_good")
    team.unlink()
    res = run("rescore", "--db", store.path)
    assert res.exit_code == 1 and "no longer found" in res.output and "--rubric" in res.output
    assert "0 call(s) re-scored, 1 left as they were" in res.output
    assert stored(store, "en_complaint_good") == before
    with pytest.raises(InputError, match="no longer found"):
        swap_roles(store, Pipeline(Settings()), "en_complaint_good")


def test_the_call_page_shows_the_rubric_hash(tmp_path):
    from apphelp import run_app, sample_store

    db = sample_store(tmp_path / "app.duckdb")
    sha = stored(Store(db), "vi_complaint_bad")[2]
    at = run_app(db, "sup", query={"page": "call", "call": "vi_complaint_bad"})
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert f"Rubric last 3.0 · content sha256 {sha[:12]}" in captions


def test_migration_12_fills_the_hash_from_the_models_record():
    import duckdb

    from qa.store.migrations import MIGRATIONS

    step = next(fn for version, _, fn in MIGRATIONS if version == 12)
    con = duckdb.connect()
    con.execute("CREATE TABLE scorecards (call_id TEXT, models TEXT)")
    con.execute("INSERT INTO scorecards VALUES ('a', '{\"rubric\": {\"id\": \"last\", \"sha256\": \"ab12\"}}'), "
                "('b', '{\"rubric\": {\"id\": \"last\"}}')")
    step(con)
    assert con.execute("SELECT call_id, rubric_sha256 FROM scorecards ORDER BY 1").fetchall() == [("a", "ab12"),
                                                                                                 ("b", None)]
