"""The results in force kept per call (qa.store.in_force): overrides and withdrawals, re-scores, the service level with
overrides, what an agent sees before and after Shared, the migration that fills them, and calls hidden from a
reviewer who has yet to rate them in a calibration session."""
from __future__ import annotations

import json
from importlib import resources

from reviewhelp import ADMIN, SUP, TOM, TOM_CALL, store, template  # noqa: F401 (fixtures)

from qa.accounts.access import get_call
from qa.calibration.sessions import create_session, submit_ratings
from qa.review import assessments as A
from qa.review.dashboard import dashboard
from qa.review.queue import QueueFilter, list_queue, sample_page
from qa.review.rescore import rescore
from qa.review.results import reviewed_calls
from qa.store.database import Store
from qa.store.in_force import SUMMARY_COLUMNS, Override, Result, call_summary, level_for, rubric_scale, summarize
from scoring.rubric_schema import load_rubric

LAST = [[1, "disappointing", 0], [2, "below expectations", 40], [3, "fair", 60], [4, "good", 75],
        [5, "excellent", 90], [6, "amazing", 100]]  # rubrics/last.yaml


def stored(store, call_id):
    with store.connect() as con:
        row = con.execute(f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM scorecards WHERE call_id = ?",
                          [call_id]).fetchone()
    return dict(zip(SUMMARY_COLUMNS, row))


def queue_row(store, viewer, call_id):
    return next(r for r in list_queue(store, viewer, limit=None).rows if r.call_id == call_id)


def test_level_for_and_summarize():
    assert level_for(LAST, 89.9) == (4, "good") and level_for(LAST, 100) == (6, "amazing")
    assert level_for(LAST, None) == (None, None) and level_for([], 50) == (None, None)
    o = Override(1, "c", "b", "fail", "pass", "heard it", "sup", None)
    items = [Result("a", "A", False, "pass", 1.0, 1.0, None), Result("b", "B", False, "fail", 0.0, 1.0, o),
             Result("c", "C", False, "na", None, 1.0, None), Result("k", "K", True, "pass", None, 0.0, None)]
    s = summarize(items, 50.0, 3, "expected", LAST)
    assert (s.auto_passed, s.auto_failed, s.passed, s.failed) == (["a"], ["b"], ["a", "b"], [])
    assert (s.reviewed_total, s.reviewed_level, s.reviewed_label) == (100.0, 6, "amazing")
    unknown = summarize(items, 50.0, 3, "expected", None)  # the rubric's scale is not known: no level
    assert (unknown.reviewed_total, unknown.reviewed_level) == (100.0, None)
    plain = summarize([Result("a", "A", False, "pass", 0.5, 1.0, None)], 50.0, 3, "expected", None)
    assert (plain.reviewed_total, plain.reviewed_level, plain.reviewed_label) == (50.0, 3, "expected")


def test_overrides_move_total_level_and_failed_criteria(store):
    before = stored(store, TOM_CALL)
    assert before["reviewed_total"] == 0.0 and before["reviewed_level"] == 1 and before["failed"]
    assert before["passed"] == before["auto_passed"] and before["failed"] == before["auto_failed"]
    for criterion in before["failed"]:
        A.override(store, SUP, TOM_CALL, criterion, "pass", "heard it on the recording")
    after = stored(store, TOM_CALL)
    assert after["failed"] == [] and after["reviewed_total"] == 100.0
    assert (after["reviewed_level"], after["reviewed_label"]) == (6, "amazing")  # the rubric's scale, not a guess
    assert after["auto_failed"] == before["auto_failed"]
    row = queue_row(store, SUP, TOM_CALL)
    assert (row.total, row.service_level, row.failed) == (100.0, 6, ())
    assert TOM_CALL not in {r.call_id for r in list_queue(store, SUP, QueueFilter(score_max=50), limit=None).rows}
    # the reviewed total agrees with the scorecards page's own computation, and the call page's with the stored one
    assert next(c for c in reviewed_calls(store, SUP) if c.call_id == TOM_CALL).reviewed_total == 100.0
    shown = call_summary(get_call(store, SUP, TOM_CALL), A.results(store, SUP, TOM_CALL))
    assert shown.row() == [after[name] for name in SUMMARY_COLUMNS]
    A.withdraw(store, SUP, TOM_CALL, before["failed"][0], "listened again")
    again = stored(store, TOM_CALL)
    assert again["failed"] == before["failed"][:1] and again["reviewed_total"] < 100.0


def test_an_agent_sees_overrides_only_once_shared(store):
    first = stored(store, TOM_CALL)["failed"][0]
    A.override(store, SUP, TOM_CALL, first, "pass", "heard it")

    def tom_view():
        rows = dashboard(store, TOM, period="all").rows
        return queue_row(store, TOM, TOM_CALL).failed, rows[0].pass_rates[first]

    assert tom_view() == (tuple(stored(store, TOM_CALL)["auto_failed"]), 0.0)  # a Draft: the automatic results
    assert dashboard(store, SUP, QueueFilter(agent_ids=("agent_tom",)), period="all").rows[0].pass_rates[first] == 1.0
    A.share(store, SUP, TOM_CALL)
    failed, rate = tom_view()
    assert first not in failed and rate == 1.0


def test_a_rescore_keeps_overrides_in_force(store, tmp_path):
    call = "en_complaint_good"
    A.override(store, SUP, call, "apologize", "fail", "the apology was sarcastic")
    assert "apologize" in stored(store, call)["failed"]
    last = (resources.files("rubrics") / "last.yaml").read_text(encoding="utf-8")
    (tmp_path / "team.yaml").write_text(last.replace('version: "3.0"', 'version: "3.1-team"'), encoding="utf-8")
    rescore(store, load_rubric(tmp_path / "team.yaml"), [call])
    after = stored(store, call)
    assert "apologize" in after["failed"] and "apologize" in after["auto_passed"]
    assert after["reviewed_total"] < 100.0


def test_the_scale_of_a_call_stored_before_it_was_recorded(store, tmp_path):
    rubric = load_rubric(resources.files("rubrics") / "last.yaml")
    models = json.dumps({"rubric": {"id": rubric.id, "version": rubric.version, "path": rubric.path}})
    assert rubric_scale(models) == LAST  # read back from the rubric file
    assert rubric_scale(json.dumps({"rubric": {"id": "last", "version": "0.1", "path": rubric.path}})) is None
    assert rubric_scale(json.dumps({"rubric": {"path": str(tmp_path / "gone.yaml")}})) is None
    assert rubric_scale("not json") is None


def test_migration_fills_the_results_in_force(store):
    A.override(store, SUP, TOM_CALL, stored(store, TOM_CALL)["failed"][0], "pass", "heard it")
    want = {c: stored(store, c) for c in ("en_complaint_good", TOM_CALL)}
    with store.transaction() as con:  # a database from before migration 8
        for name in SUMMARY_COLUMNS:
            con.execute(f"ALTER TABLE scorecards DROP COLUMN {name}")
        con.execute("DELETE FROM schema_migrations WHERE version = 8")
    assert Store(store.path).schema_version() >= 8
    assert {c: stored(store, c) for c in want} == want


def test_calls_to_rate_blind_show_no_results_in_the_queue(store):
    session = create_session(store, ADMIN, TOM_CALL, "weekly calibration")
    row = queue_row(store, SUP, TOM_CALL)
    assert row.blind and (row.total, row.service_level, row.failed, row.flags) == (None, None, (), ())
    sampled = sample_page(store, SUP, method="random", per_agent_per_week=100, limit=None)
    assert next(r for r in sampled.rows if r.call_id == TOM_CALL).total is None
    assert not queue_row(store, ADMIN, "en_complaint_good").blind
    # a filter on results does not pick it either way, so filtering cannot reveal how it scored
    for results_filter in (QueueFilter(score_max=10), QueueFilter(score_min=10), QueueFilter(failed_criteria=("listen",))):
        assert TOM_CALL not in {r.call_id for r in list_queue(store, SUP, results_filter, limit=None).rows}
    with store.connect() as con:
        criteria = [r[0] for r in con.execute("SELECT criterion_id FROM criterion_results WHERE call_id = ?",
                                              [TOM_CALL]).fetchall()]
    submit_ratings(store, SUP, session, dict.fromkeys(criteria, "fail"))
    rated = queue_row(store, SUP, TOM_CALL)
    assert not rated.blind and rated.total == 0.0
    assert TOM_CALL in {r.call_id for r in list_queue(store, SUP, QueueFilter(score_max=10), limit=None).rows}
    assert TOM_CALL not in {r.call_id for r in list_queue(store, ADMIN, QueueFilter(score_max=10), limit=None).rows}


def test_sample_pages(store):
    whole = sample_page(store, SUP, method="random", per_agent_per_week=100, seed=3, limit=None)
    first = sample_page(store, SUP, method="random", per_agent_per_week=100, seed=3, limit=4)
    rest = sample_page(store, SUP, method="random", per_agent_per_week=100, seed=3, limit=4, offset=4)
    assert whole.total == first.total == rest.total == len(whole.rows) == 7
    assert [r.call_id for r in first.rows + rest.rows] == [r.call_id for r in whole.rows]
