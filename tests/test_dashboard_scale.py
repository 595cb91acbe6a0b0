"""The dashboard with many agents (issue 15, problem 10): the charts show the lowest (or highest) few by mean
total, not 14 tangled lines; an agent with one week of data keeps its point; the criteria chart is a heat-map;
figures that do not apply read "n/a", not "None"."""
import copy
from pathlib import Path

import pytest
from apphelp import PASSWORD, run_app

from qa.accounts.auth import add_user
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.review.dashboard import CHART_GROUPS, ranked_groups
from qa.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
N_AGENTS = 14


def test_ranked_groups_weights_by_calls_and_puts_unknown_last():
    rows = [{"group": "a", "calls": 1, "mean_total": 100.0}, {"group": "a", "calls": 3, "mean_total": 0.0},
            {"group": "b", "calls": 2, "mean_total": 50.0}, {"group": "c", "calls": 1, "mean_total": None},
            {"group": "d", "calls": 1, "mean_total": 90.0}]
    assert ranked_groups(rows, 2, "bottom") == ["a", "b"]  # a: (100 + 0 * 3) / 4 = 25
    assert ranked_groups(rows, 2, "top") == ["d", "b"]
    assert ranked_groups(rows, 10, "bottom") == ["a", "b", "d", "c"]
    assert ranked_groups(rows, 0, "all") == ["a", "b", "c", "d"]
    with pytest.raises(ValueError):
        ranked_groups(rows, 2, "middle")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """14 agents: agent_00 … agent_13, two calls each in two weeks (bad then good) except agent_13, who has one
    week and one call, a plain request (no problem: Apologize does not apply), scored from the sample transcripts."""
    path = tmp_path_factory.mktemp("scale") / "scale.duckdb"
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    settings.privacy.redact = False
    pipeline, store = Pipeline(settings), Store(str(path))
    good, bad, request = (pipeline.import_transcript(str(ROOT / "sample_calls" / "transcripts" / f"{n}.json"))
                          for n in ("en_complaint_good", "en_complaint_bad", "en_request"))
    for k in range(N_AGENTS):
        agent = f"agent_{k:02d}"
        calls = [(request, "2026-11-10")] if k == N_AGENTS - 1 else [(bad, "2026-11-03"), (good, "2026-11-10")]
        for n, (template, day) in enumerate(calls):
            t = copy.deepcopy(template)
            t.call_id, t.agent_id = f"{agent}_{n}", agent
            t.extra["path_meta"] = {"agent_id": agent, "date": day}
            store.save(pipeline.score(t))
    add_user(store, "sup", PASSWORD, "supervisor")
    return store.path


def _chart_groups(chart) -> set[str]:
    """The agents or teams a chart's data holds (its datasets, Arrow tables)."""
    import pyarrow as pa

    names: set[str] = set()
    for ds in chart.proto.datasets:
        table = pa.ipc.open_stream(ds.data.data).read_all()
        if "group" in table.column_names:
            names |= set(table.column("group").to_pylist())
    return names


def test_many_agents_the_charts_show_the_lowest_few_and_the_table_all(db):
    at = run_app(db, "sup", query={"page": "dashboard"})
    assert not at.exception
    assert at.radio(key="dash_chart_end").value == "bottom"
    assert any(f"The charts show {CHART_GROUPS} of {N_AGENTS}" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert len(set(table["Agent or team"])) == N_AGENTS
    charts = at.get("vega_lite_chart")
    over_time, criteria = charts[0], charts[1]
    lowest = _chart_groups(over_time)
    assert len(lowest) == CHART_GROUPS and "agent_13" not in lowest  # agent_13 (100) is the best of all
    assert '"rect"' in criteria.proto.spec  # the criteria heat-map
    at.radio(key="dash_chart_end").set_value("top")
    at = run_app(db, at=at)
    top = _chart_groups(at.get("vega_lite_chart")[0])
    assert "agent_13" in top and len(top) == CHART_GROUPS
    assert '"point"' in at.get("vega_lite_chart")[0].proto.spec  # a point per period: one week shows too
    at.radio(key="dash_chart_end").set_value("all")
    at = run_app(db, at=at)
    assert len(_chart_groups(at.get("vega_lite_chart")[0])) == N_AGENTS
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"tableau20"' in spec, "14 agents: 20 colours, none repeated"
    assert '"shape"' not in spec, "up to 20 the colour alone tells them apart"


def test_chart_colours_and_shapes_tell_many_agents_apart():
    from qa.app.dashboard import SHAPES, _color, _shape

    assert _color(10, "Agent").to_dict().get("scale") is None  # Vega's 10 colours
    assert _color(11, "Agent").to_dict()["scale"] == {"scheme": "tableau20"}
    assert _shape(20, "Agent") is None
    assert _shape(21, "Agent").to_dict()["scale"] == {"range": list(SHAPES)}  # past 20: the points' shape too
    pairs = {(k % 20, k % len(SHAPES)) for k in range(140)}
    assert len(pairs) == 140, "no colour and shape pair repeats before 140 agents"


def _shown(frame) -> list[dict]:
    """The cells of a st.dataframe as the reader sees them (the Styler's display values)."""
    import pyarrow as pa

    shown = pa.ipc.open_stream(frame.proto.arrow_data.styler.display_values).read_all().to_pylist()
    return [{k: v for k, v in row.items() if not k.startswith("__")} for row in shown]


def test_figures_that_do_not_apply_read_n_a(db):
    at = run_app(db, "sup", query={"page": "dashboard"})
    frame = at.dataframe[0]
    names = list(frame.value.columns)
    rows = [dict(zip(names, r.values())) for r in _shown(frame)]
    assert all("None" not in map(str, r.values()) for r in rows)
    agent_13 = next(r for r in rows if "agent_13" in r.values())
    assert agent_13["Apologize passed (%)"] == "n/a"
    assert frame.value["Mean total"].dtype.kind == "f"  # the table keeps its numbers (it sorts by value)
    assert frame.proto.placeholder == "n/a"  # what the grid writes in an empty cell


def test_the_reviewers_progress_this_week_is_on_the_dashboard(db):
    from datetime import date

    from qa.accounts.access import Viewer
    from qa.review.assignments import assign, set_goal, week_of

    store, sup = Store(db), Viewer("sup", "supervisor")
    assert assign(store, sup, ["agent_00_0", "agent_01_0"], "sup", week_of(date.today())) == 2
    set_goal(store, sup, "sup", 5)
    at = run_app(db, "sup", query={"page": "dashboard"})
    assert not at.exception
    assert any(s.value == "Reviewers this week" for s in at.subheader)
    table = at.dataframe[-1].value
    row = table[table["Reviewer"] == "sup"].iloc[0]
    assert (row["Assigned"], row["Done (shared)"], row["Weekly goal"]) == (2, 0, 5)
