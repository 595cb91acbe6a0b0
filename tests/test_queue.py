"""Review queue: each filter, paging, the viewer's scope, review samples (methods, per-agent-per-week cap, seeds),
and the call date."""
from collections import Counter
from datetime import date

import pytest
from queuehelp import CALLS, ROOT, WEEK1, WEEK2, build_store

from qa.accounts.access import PermissionDenied, Viewer
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.review.queue import QueueFilter, filter_options, flag_options, list_queue, sample
from qa.store.calls import call_date
from qa.store.database import Store

SUP = Viewer("sup", "supervisor")
NORTH = Viewer("nsup", "supervisor", teams=("north",))
ANN = Viewer("ann", "agent", agent_id="a1")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("queue") / "queue.duckdb")


def ids(store, viewer=SUP, **filters):
    page = list_queue(store, viewer, QueueFilter(**filters), limit=None)
    assert page.total == len(page.rows)
    return {r.call_id for r in page.rows}


def test_no_filter_lists_every_scored_call_newest_first(store):
    page = list_queue(store, SUP, limit=None)
    assert page.total == len(CALLS) == len(page.rows)
    dates = [r.call_date for r in page.rows]
    assert dates == sorted(dates, reverse=True)
    row = next(r for r in page.rows if r.call_id == "a2_w1_1")
    assert (row.agent_id, row.team, row.language, row.total, row.review_state) == ("a2", "north", "vi", 0.0, "final")
    assert row.failed == ("listen", "apologize", "solve", "thank") and row.week == "2026-W45"


def test_date_filter_is_inclusive(store):
    assert ids(store, date_from=WEEK1[0], date_to=WEEK1[1]) == {c for c in CALLS if CALLS[c][2] <= "2026-11-08"}
    assert ids(store, date_from=date(2026, 11, 14)) == {"a3_w2_3", "a3_w2_4"}
    assert ids(store, date_to=date(2026, 11, 2)) == {"a1_w1_1"}


def test_agent_team_and_language_filters(store):
    assert ids(store, agent_ids=("a2",)) == {"a2_w1_1", "a2_w1_2", "a2_w2_1"}
    assert ids(store, teams=("south",)) == {c for c in CALLS if c.startswith("a3")}
    assert ids(store, languages=("vi",)) == {c for c, v in CALLS.items() if v[0].startswith(("vi", "mixed"))}
    assert ids(store, agent_ids=("a2",), languages=("en",)) == {"a2_w2_1"}


def test_score_band(store):
    zero = {c for c, v in CALLS.items() if v[0].endswith("_bad")}
    assert ids(store, score_max=50) == zero
    assert ids(store, score_min=50) == set(CALLS) - zero
    # the band is the total in force: a1_w1_1 scored 0, but its listen was overridden to pass
    assert ids(store, score_min=0, score_max=0) == zero - {"a1_w1_1"}
    assert next(r for r in list_queue(store, SUP, limit=None).rows if r.call_id == "a1_w1_1").total == 25.0


def test_failed_criterion_counts_the_override_in_force(store):
    # a1_w1_1's listen was overridden to pass; a3_w1_1's override was withdrawn, so its automatic fail stands
    assert ids(store, failed_criteria=("listen",)) == {"a2_w1_1", "a3_w1_1", "a3_w2_3"}
    assert ids(store, failed_criteria=("apologize",)) == {"a1_w1_1", "a2_w1_1", "a3_w1_1", "a3_w2_3"}
    assert ids(store, failed_criteria=("listen", "apologize")) == {"a1_w1_1", "a2_w1_1", "a3_w1_1", "a3_w2_3"}
    row = list_queue(store, SUP, QueueFilter(agent_ids=("a1",), score_max=30)).rows[0]
    assert row.failed == ("apologize", "solve", "thank")


def test_flag_filter_by_kind_or_full_flag(store):
    assert ids(store, flags=("escalation",)) == {"a1_w2_2", "a3_w2_4"}
    assert ids(store, flags=("escalation:performed",)) == {"a1_w2_2", "a3_w2_4"}
    assert ids(store, flags=("low_confidence_turns", "roles_uncertain")) == {"a1_w1_3", "a2_w1_2"}
    assert ids(store, flags=("critical_failure",)) == set()


def test_review_state_filter_with_never_reviewed(store):
    assert ids(store, review_states=("final", "disputed")) == {"a2_w1_1", "a3_w2_1"}
    assert ids(store, review_states=("unreviewed",)) == set(CALLS) - {"a1_w1_1", "a2_w1_1", "a3_w2_1"}
    with pytest.raises(ValueError, match="review state"):
        ids(store, review_states=("approved",))


def test_paging_and_order(store):
    first = list_queue(store, SUP, limit=5, offset=0)
    second = list_queue(store, SUP, limit=5, offset=5)
    last = list_queue(store, SUP, limit=5, offset=10)
    assert first.total == second.total == last.total == len(CALLS)
    assert len(first.rows) == 5 and len(last.rows) == 3
    seen = [r.call_id for p in (first, second, last) for r in p.rows]
    assert len(set(seen)) == len(CALLS)
    assert list_queue(store, SUP, limit=5, offset=50).total == len(CALLS)
    lowest = list_queue(store, SUP, limit=4, order="lowest").rows
    assert [r.total for r in lowest] == [0.0, 0.0, 0.0, 25.0]  # totals in force: a1_w1_1 has a listen override


def test_agent_sees_only_their_own_calls(store):
    own = {c for c in CALLS if c.startswith("a1")}
    assert ids(store, ANN) == own
    assert ids(store, ANN, agent_ids=("a2",)) == set(), "a filter cannot widen the scope"
    assert ids(store, Viewer("x", "agent", agent_id=None)) == set()
    assert filter_options(store, ANN).agents == ["a1"]


def test_team_limited_supervisor(store):
    north = {c for c in CALLS if not c.startswith("a3")}
    assert ids(store, NORTH) == north
    assert ids(store, NORTH, teams=("south",)) == set()
    opts = filter_options(store, NORTH)
    assert opts.agents == ["a1", "a2"] and opts.teams == ["north"]
    assert {r.call_id for r in sample(store, NORTH, per_agent_per_week=100)} == north


def test_filter_options(store):
    opts = filter_options(store, SUP)
    assert opts.agents == ["a1", "a2", "a3"] and opts.teams == ["north", "south"]
    assert opts.languages == ["en", "vi"]
    assert [cid for cid, _ in opts.criteria] == ["listen", "apologize", "solve", "thank"]
    assert (opts.first_date, opts.last_date) == (date(2026, 11, 2), date(2026, 11, 15))
    assert {"escalation", "escalation:performed", "low_confidence_turns", "roles_uncertain"} <= set(opts.flags)
    assert flag_options(["low_confidence_turns:3", "critical_failure:rude"]) == [
        "critical_failure", "critical_failure:rude", "low_confidence_turns"]


def groups(rows):
    return Counter((r.agent_id, r.week) for r in rows)


def test_random_sample_caps_each_agent_week_and_is_reproducible(store):
    one = sample(store, SUP, method="random", per_agent_per_week=1, seed=7)
    assert groups(one) == {("a1", "2026-W45"): 1, ("a1", "2026-W46"): 1, ("a2", "2026-W45"): 1,
                           ("a2", "2026-W46"): 1, ("a3", "2026-W45"): 1, ("a3", "2026-W46"): 1}
    two = sample(store, SUP, method="random", per_agent_per_week=2, seed=7)
    assert groups(two) == {("a1", "2026-W45"): 2, ("a1", "2026-W46"): 2, ("a2", "2026-W45"): 2,
                           ("a2", "2026-W46"): 1, ("a3", "2026-W45"): 1, ("a3", "2026-W46"): 2}
    assert [r.call_id for r in sample(store, SUP, per_agent_per_week=2, seed=7)] == [r.call_id for r in two]
    picks = {tuple(r.call_id for r in sample(store, SUP, QueueFilter(agent_ids=("a3",)), per_agent_per_week=1,
                                             seed=s)) for s in range(12)}
    assert len(picks) > 1, "another seed draws another sample"
    assert [(r.agent_id, r.week) for r in two] == sorted((r.agent_id, r.week) for r in two)


def test_sample_respects_the_filter(store):
    rows = sample(store, SUP, QueueFilter(date_from=WEEK2[0], date_to=WEEK2[1], languages=("en",)),
                  per_agent_per_week=10)
    assert {r.call_id for r in rows} == {"a2_w2_1", "a3_w2_2"}


def test_lowest_scores_sample(store):
    rows = sample(store, SUP, method="lowest", per_agent_per_week=1)
    picked = {(r.agent_id, r.week): r for r in rows}
    assert picked[("a1", "2026-W45")].call_id == "a1_w1_1"
    assert picked[("a3", "2026-W46")].call_id == "a3_w2_3"
    assert picked[("a2", "2026-W46")].total == 100


def test_low_confidence_sample(store):
    rows = sample(store, SUP, method="low_confidence", per_agent_per_week=5)
    assert [r.call_id for r in rows] == ["a1_w1_3", "a2_w1_2"]


def test_flagged_sample(store):
    rows = sample(store, SUP, method="flagged", per_agent_per_week=5)
    assert {r.call_id for r in rows} == {"a1_w1_3", "a1_w2_2", "a2_w1_2", "a3_w2_4"}
    assert all(r.flags for r in rows)


def test_never_reviewed_sample(store):
    rows = sample(store, SUP, method="unreviewed", per_agent_per_week=5)
    assert {r.call_id for r in rows} == set(CALLS) - {"a1_w1_1", "a2_w1_1", "a3_w2_1"}
    assert all(r.review_state == "unreviewed" for r in rows)


def test_only_reviewers_may_sample(store):
    with pytest.raises(PermissionDenied):
        sample(store, ANN)
    with pytest.raises(ValueError, match="sampling method"):
        sample(store, SUP, method="everything")
    with pytest.raises(ValueError, match="per agent per week"):
        sample(store, SUP, per_agent_per_week=0)


def test_call_date_from_path_then_transcript_then_scoring_day():
    today = date(2026, 12, 1)
    assert call_date({"path_meta": {"date": "2026-11-21"}, "date": "2026-01-01"}, today) == date(2026, 11, 21)
    assert call_date({"path_meta": {"date_error": "x"}, "date": "2026-01-05T10:00:00"}, today) == date(2026, 1, 5)
    assert call_date({"date": "yesterday"}, today) == today
    assert call_date({}, today) == today


def test_migration_fills_call_date(tmp_path, store):
    path = tmp_path / "old.duckdb"
    old = Store(str(path))
    with store.connect() as src:
        row = src.execute("SELECT * FROM calls WHERE call_id = 'a1_w1_1'").fetchone()
    with old.transaction() as con:  # a database from before migration 7: a call of a dated path, one without
        con.execute("INSERT INTO calls VALUES (" + ", ".join("?" * len(row)) + ")", list(row))
        con.execute("INSERT INTO calls SELECT 'x', * EXCLUDE (call_id) FROM calls")
        con.execute("UPDATE calls SET extra = '{}', scored_at = TIMESTAMP '2026-10-30 23:00' WHERE call_id = 'x'")
        con.execute("ALTER TABLE calls DROP COLUMN call_date")
        con.execute("DELETE FROM schema_migrations WHERE version = 7")
    assert Store(str(path)).schema_version() >= 7  # opening it applies migration 7
    with old.connect() as con:
        got = dict(con.execute("SELECT call_id, call_date FROM calls").fetchall())
    assert got == {"a1_w1_1": date(2026, 11, 2), "x": date(2026, 10, 30)}


def test_rescoring_keeps_the_call_date():
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    result = Pipeline(settings).process(str(ROOT / "sample_calls" / "transcripts" / "en_request.json"))
    store = Store(":memory:")
    store.save(result)
    with store.connect() as con:
        assert con.execute("SELECT call_date FROM calls").fetchone()[0] == date.today()
        con.execute("UPDATE calls SET call_date = DATE '2026-01-02'")
    store.save(result)  # re-scored: a call without a date of its own keeps the day it was first scored
    with store.connect() as con:
        assert con.execute("SELECT call_date FROM calls").fetchone()[0] == date(2026, 1, 2)
