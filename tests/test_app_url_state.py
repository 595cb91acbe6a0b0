"""The queue's view in the URL (qa.app.queue_url) and the call page's previous / next / back (qa.app.call_nav),
driven by AppTest: a reload or a shared link restores the list, hostile parameters are dropped, and the call page
steps through the queue in its order and filters."""
from datetime import date

import pytest
from apphelp import run_app, sample_store

from qa.app.queue_url import QueueView, parse, to_params
from qa.review.queue import FilterOptions, QueueFilter

LOWEST = ["en_complaint_bad", "vi_complaint_bad", "en_complaint_good", "en_request", "mixed_complaint_good",
          "vi_complaint_good", "vi_request"]  # the sample calls, lowest total first
OPTS = FilterOptions(agents=["a1", "a2"], teams=["t1"], languages=["en", "vi"], criteria=[("solve", "Solve")],
                     flags=["escalation"], first_date=date(2026, 1, 1), last_date=date(2026, 1, 31))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("url") / "app.duckdb")


def param(at, name):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def test_a_view_goes_to_the_url_and_back():
    view = QueueView(QueueFilter(date_from=date(2026, 1, 5), date_to=date(2026, 1, 31), agent_ids=("a2", "a1"),
                                 languages=("vi",), score_min=40, failed_criteria=("solve",),
                                 review_states=("draft",)), "lowest", 3, 7)
    params = to_params(view, OPTS)
    assert params == {"from": ["2026-01-05"], "min": ["40"], "agent": ["a2", "a1"], "lang": ["vi"],
                      "failed": ["solve"], "state": ["draft"], "order": ["lowest"], "p": ["3"], "pos": ["7"]}
    assert parse(params, OPTS) == view
    assert to_params(QueueView(QueueFilter(date_from=OPTS.first_date, date_to=OPTS.last_date)), OPTS) == {}


@pytest.mark.parametrize("hostile", [
    {"agent": ["a9"], "team": ["<img src=x onerror=alert(1)>"], "lang": ["fr"], "failed": ["'; DROP TABLE calls"]},
    {"min": ["-5"], "max": ["1e3"], "p": ["0"], "pos": ["-1"], "order": ["random()"]},
    {"min": ["80"], "max": ["20"], "from": ["2026-13-45"], "to": ["2025-01-01"], "p": ["9" * 30]},
    {"from": ["2026-02-01"], "agent": ["a1" * 200], "state": ["deleted"], "flag": ["x"] * 5000},
])
def test_hostile_parameters_are_dropped(hostile):
    view = parse(hostile, OPTS)
    assert view == QueueView(QueueFilter(date_from=OPTS.first_date, date_to=OPTS.last_date))


def test_values_outside_the_viewers_options_are_dropped_and_the_rest_kept():
    view = parse({"agent": ["a1", "a3", "a1"], "max": ["60"], "p": ["2"]}, OPTS)
    assert view.filt.agent_ids == ("a1",) and view.filt.score_max == 60 and view.page == 2


def test_the_queue_restores_its_view_from_the_url_and_writes_changes_to_it(db):
    at = run_app(db, "sup", query={"page": "queue", "lang": "vi", "order": "lowest", "agent": "<b>x</b>"})
    assert not at.exception
    assert at.multiselect(key="queue_languages").value == ["vi"]
    assert at.multiselect(key="queue_agents").value == []  # not an agent of theirs: dropped
    assert at.selectbox(key="queue_order").value == "lowest"
    assert list(at.dataframe[0].value["Call"]) == [c for c in LOWEST if c.startswith(("vi_", "mixed_"))]
    assert param(at, "lang") == "vi" and param(at, "order") == "lowest" and "agent" not in at.query_params
    at.multiselect(key="queue_failed").set_value(["apologize"])
    at = run_app(db, at=at)
    assert param(at, "failed") == "apologize"
    assert list(at.dataframe[0].value["Call"]) == ["vi_complaint_bad"]
    shared = run_app(db, "sup", query=dict(at.query_params))  # the link in another session: the same list
    assert list(shared.dataframe[0].value["Call"]) == ["vi_complaint_bad"]
    assert shared.multiselect(key="queue_failed").value == ["apologize"]


def test_the_call_page_steps_through_the_queue_in_its_order(db):
    at = run_app(db, "sup", query={"page": "queue", "order": "lowest"})
    at.selectbox(key="queue_open").set_value("vi_complaint_bad")
    at.button(key="queue_open_button").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert param(at, "page") == "call" and param(at, "call") == "vi_complaint_bad" and param(at, "pos") == "2"
    assert param(at, "order") == "lowest"
    assert any("Call 2 of 7" in c.value for c in at.caption)
    at.button(key="callqa-nav-next").click()
    at = run_app(db, at=at)
    assert param(at, "call") == "en_complaint_good" and param(at, "pos") == "3"
    assert "en_complaint_good" in at.header[0].value
    at.button(key="callqa-nav-prev").click()
    at = run_app(db, at=at)
    at.button(key="callqa-nav-prev").click()
    at = run_app(db, at=at)
    assert param(at, "call") == "en_complaint_bad" and param(at, "pos") == "1"
    assert at.button(key="callqa-nav-prev").disabled  # the first call of the list
    reloaded = run_app(db, "sup", query=dict(at.query_params))  # a reload of the call page: the same neighbours
    assert any("Call 1 of 7" in c.value for c in reloaded.caption)
    at.button(key="callqa-nav-back").click()
    at = run_app(db, at=at)
    assert param(at, "page") == "queue" and param(at, "order") == "lowest" and "call" not in at.query_params
    assert list(at.dataframe[0].value["Call"]) == LOWEST


def test_a_made_up_position_or_a_filtered_out_call_shows_no_neighbours(db):
    at = run_app(db, "sup", query={"page": "call", "call": "en_request", "pos": "5", "lang": "vi"})
    assert not at.exception
    assert "en_request" in at.header[0].value  # the call itself still shows (the viewer may see it)
    assert at.button(key="callqa-nav-next").disabled and at.button(key="callqa-nav-prev").disabled
    agent = run_app(db, "lan", query={"page": "call", "call": "vi_complaint_good", "pos": "1", "order": "lowest"})
    assert not agent.exception
    assert not [b for b in agent.button if b.key and b.key.startswith("callqa-nav")]  # not a reviewer: no queue
