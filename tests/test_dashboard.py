"""Dashboard aggregates against values worked out by hand from the small store of queuehelp, scope, and the CSV
of the table shown."""
import csv
import io
from datetime import date

import pytest
from queuehelp import WEEK2, build_store

from qa.accounts.access import Viewer
from qa.review.dashboard import columns, dashboard, records, to_csv
from qa.review.queue import QueueFilter

SUP = Viewer("sup", "supervisor")
W1, W2 = "2026-11-02", "2026-11-09"  # the Mondays of the two weeks


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("dash") / "dash.duckdb")


def table(store, viewer=SUP, **kw):
    return {(r["period"], r["group"]): r for r in records(dashboard(store, viewer, **kw))}


def test_week_by_agent(store):
    rows = table(store, period="week", group="agent")
    assert set(rows) == {(W1, "a1"), (W2, "a1"), (W1, "a2"), (W2, "a2"), (W1, "a3"), (W2, "a3")}
    # a1_w1_1 (0; 25 with its listen overridden to pass), a1_w1_2 (100), a1_w1_3 (100, apologize n/a)
    a1 = rows[(W1, "a1")]
    assert (a1["calls"], a1["mean_total"]) == (3, 75.0)
    assert (a1["pass_listen"], a1["pass_apologize"], a1["pass_solve"], a1["pass_thank"]) == (100.0, 50.0, 66.7, 66.7)
    assert (a1["level_1"], a1["level_6"]) == (1, 2)
    assert a1["handling_time"] == round((39.137 + 42.393 + 41.454) / 3, 1)
    assert a1["silence_share"] == round((0.1456 + 0.125 + 0.164) / 3 * 100, 1)
    assert a1["agent_interruptions"] == 0
    assert (a1["negative_starts"], a1["turnaround"]) == (2, 50.0)  # one turned around, one did not, one calm
    a2 = rows[(W1, "a2")]  # a2_w1_1 (0), a2_w1_2 (100, apologize n/a)
    assert (a2["calls"], a2["mean_total"], a2["pass_listen"], a2["pass_apologize"]) == (2, 50.0, 50.0, 0.0)
    assert (a2["negative_starts"], a2["turnaround"]) == (1, 0.0)
    a3 = rows[(W1, "a3")]  # a3_w1_1: its listen override was withdrawn, the automatic fail stands
    assert (a3["calls"], a3["mean_total"], a3["pass_listen"]) == (1, 0.0, 0.0)
    a3 = rows[(W2, "a3")]  # 100, 100 (apologize n/a), 0, 100
    assert (a3["calls"], a3["mean_total"], a3["pass_listen"], a3["pass_apologize"]) == (4, 75.0, 75.0, 66.7)
    assert (a3["level_1"], a3["level_6"], a3["negative_starts"], a3["turnaround"]) == (1, 3, 3, 66.7)
    assert rows[(W2, "a2")]["calls"] == 1 and rows[(W2, "a2")]["mean_total"] == 100.0


def test_month_by_team(store):
    rows = table(store, period="month", group="team")
    assert set(rows) == {("2026-11-01", "north"), ("2026-11-01", "south")}
    north, south = rows[("2026-11-01", "north")], rows[("2026-11-01", "south")]
    assert (north["calls"], north["mean_total"], north["pass_listen"]) == (8, 78.1, 87.5)  # a1_w1_1 at 25
    assert (south["calls"], south["mean_total"], south["pass_listen"]) == (5, 60.0, 60.0)


def test_day_and_whole_range(store):
    assert len(table(store, period="day", group="agent")) == 13  # every call is on its own day
    whole = table(store, period="all", group="agent")
    assert {k[0] for k in whole} == {"all"} and whole[("all", "a3")]["calls"] == 5


def test_columns_and_order(store):
    data = dashboard(store, SUP, period="week")
    assert [cid for cid, _ in data.criteria] == ["listen", "apologize", "solve", "thank"]
    assert data.levels == [(1, "disappointing"), (6, "amazing")]
    shown = records(data)
    assert all(list(r) == columns(data) for r in shown)
    assert [(r["period"], r["group"]) for r in shown] == sorted((r["period"], r["group"]) for r in shown)


def test_filter_and_scope(store):
    later = table(store, filt=QueueFilter(date_from=WEEK2[0]), period="week")
    assert {k[0] for k in later} == {W2}
    ann = table(store, Viewer("ann", "agent", agent_id="a1"), period="week", group="team")
    assert set(ann) == {(W1, "north"), (W2, "north")}, "an agent sees only their own numbers"
    assert ann[(W1, "north")]["calls"] == 3
    north = table(store, Viewer("nsup", "supervisor", teams=("north",)), period="week", group="agent")
    assert {k[1] for k in north} == {"a1", "a2"}
    assert table(store, Viewer("x", "agent"), period="week") == {}


def test_bad_period_or_group(store):
    with pytest.raises(ValueError, match="period"):
        dashboard(store, SUP, period="year")
    with pytest.raises(ValueError, match="group"):
        dashboard(store, SUP, group="language")


def test_csv_is_the_table_shown(store):
    data = dashboard(store, SUP, period="week", group="agent")
    shown = records(data)
    labels = {k: k.upper() for k in columns(data)}
    parsed = list(csv.reader(io.StringIO(to_csv(shown, labels))))
    assert parsed[0] == [labels[k] for k in columns(data)]
    assert parsed[1:] == [["" if v is None else str(v) for v in r.values()] for r in shown]
    assert to_csv([], labels, column_keys=columns(data)).strip() == ",".join(labels[k] for k in columns(data))


def test_empty_range(store):
    assert dashboard(store, SUP, QueueFilter(date_from=date(2030, 1, 1))).rows == []
