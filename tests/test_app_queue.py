"""The review queue and dashboard pages, driven by Streamlit's AppTest over the sample store."""
import csv
import io

import pytest
from apphelp import run_app, sample_store

SAMPLE_CALLS = {"en_complaint_bad", "en_complaint_good", "en_request", "mixed_complaint_good", "vi_complaint_bad",
                "vi_complaint_good", "vi_request"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("appq") / "app.duckdb")


def shown_calls(at):
    return set(at.dataframe[0].value["Call"])


def test_queue_lists_the_calls_and_filters_change_the_rows(db):
    at = run_app(db, "sup")
    assert not at.exception
    assert [h.value for h in at.header] == ["Calls to review"], "the queue is a supervisor's first page"
    assert shown_calls(at) == SAMPLE_CALLS
    assert any("Calls 1–7 of 7" in c.value for c in at.caption)
    at.multiselect(key="queue_failed").set_value(["apologize"])
    at = run_app(db, at=at)
    assert shown_calls(at) == {"en_complaint_bad", "vi_complaint_bad"}
    at.multiselect(key="queue_languages").set_value(["vi"])
    at = run_app(db, at=at)
    assert shown_calls(at) == {"vi_complaint_bad"}
    at.multiselect(key="queue_failed").set_value([])
    at.multiselect(key="queue_flags").set_value(["escalation"])
    at = run_app(db, at=at)
    assert shown_calls(at) == {"mixed_complaint_good"}
    at.multiselect(key="queue_flags").set_value([])
    at.slider(key="queue_score").set_value((50, 100))
    at.multiselect(key="queue_states").set_value(["unreviewed"])
    at = run_app(db, at=at)
    assert shown_calls(at) == {"mixed_complaint_good", "vi_complaint_good", "vi_request"}


def test_open_a_call_from_the_queue(db):
    at = run_app(db, "sup")
    at.selectbox(key="queue_open").set_value("vi_complaint_bad")
    at.button(key="queue_open_button").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert at.query_params["page"] == ["call"] or at.query_params["page"] == "call"
    assert "vi_complaint_bad" in at.header[0].value and "/100" in at.header[0].value


def test_sample_lowest_one_per_agent_week(db):
    at = run_app(db, "sup")
    at.radio(key="queue_mode").set_value("sample")
    at = run_app(db, at=at)
    assert not at.dataframe and "draw the sample" in at.info[0].value
    at.selectbox(key="queue_method").set_value("lowest")
    at.number_input(key="queue_sample_n").set_value(1)
    at.button(key="queue_sample_draw").click()
    at = run_app(db, at=at)
    assert not at.exception
    # five agents, all calls in one week: one call each, agent_linda's two calls tie at 100
    picked = at.dataframe[0].value
    assert len(picked) == 5 and set(picked["Agent ID"]) == {"agent_lan", "agent_linda", "agent_mai", "agent_minh",
                                                            "agent_tom"}
    assert any("Sample: 5 calls" in c.value for c in at.caption)


def test_dashboard_shows_table_chart_and_csv(db):
    at = run_app(db, "sup", query={"page": "dashboard"})
    assert not at.exception
    assert [h.value for h in at.header] == ["Quality over time"]
    table = at.dataframe[0].value
    assert list(table["Agent or team"]) == ["agent_lan", "agent_linda", "agent_mai", "agent_minh", "agent_tom"]
    assert list(table["Calls"]) == [2, 2, 1, 1, 1]
    assert len(at.get("vega_lite_chart")) == 3, "a chart over time, one of the criteria, one of escalations"
    download = at.get("download_button")
    assert download and download[0].label == "Download CSV"  # then the KPI table's (tests/test_app_kpis.py)
    at.radio(key="dash_group").set_value("team")
    at.selectbox(key="dash_period").set_value("all")
    at = run_app(db, at=at)
    table = at.dataframe[0].value
    assert list(table["Calls"]) == [7] and list(table["Period from"]) == ["whole range"]


def test_dashboard_csv_matches_what_is_shown(db):
    from qa.accounts.access import Viewer
    from qa.app.common import Context
    from qa.app.dashboard import labels
    from qa.review.dashboard import dashboard, records, to_csv
    from qa.store.database import Store

    at = run_app(db, "sup", query={"page": "dashboard"})
    table = at.dataframe[0].value
    ctx = Context(Store(db), Viewer("sup", "supervisor"), "en")
    data = dashboard(ctx.store, ctx.viewer, period="week", group="agent")
    parsed = list(csv.reader(io.StringIO(to_csv(records(data), labels(ctx, data)))))
    assert parsed[0] == list(table.columns)
    shown = [["" if v is None or v != v else str(v) for v in row] for row in table.astype(object).values.tolist()]
    assert parsed[1:] == shown


@pytest.mark.parametrize("page", ["queue", "dashboard"])
def test_agent_gets_neither_page_nor_data(db, page):
    at = run_app(db, "lan", query={"page": page})
    assert not at.exception
    headers = [h.value for h in at.header]
    assert "Calls to review" not in headers and "Quality over time" not in headers
    assert not at.get("download_button")
    seen = set(at.dataframe[0].value["Call"]) if at.dataframe else set()
    assert seen <= {"vi_complaint_good", "vi_request"}, "only the agent's own calls, never the queue"
    assert page not in at.sidebar.radio(key="ui_page").options
