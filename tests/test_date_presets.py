"""Date presets of the queue and the dashboard: each preset's range on a known day, and in the app a preset (a select box above the dates) fills
the date range and filters the list (the sample calls are all on one day)."""
from datetime import date

import pytest
from apphelp import run_app, sample_store

from qa.review.date_presets import PRESETS, date_preset

WED = date(2026, 12, 2)  # a Wednesday


def test_each_preset_on_a_known_day():
    assert date_preset("last_7", WED) == (date(2026, 11, 26), WED)
    assert date_preset("this_week", WED) == (date(2026, 11, 30), WED)
    assert date_preset("last_week", WED) == (date(2026, 11, 23), date(2026, 11, 29))
    assert date_preset("this_month", WED) == (date(2026, 12, 1), WED)
    assert date_preset("last_30", WED) == (date(2026, 11, 3), WED)
    assert date_preset("all", WED, date(2025, 1, 1), date(2026, 1, 1)) == (date(2025, 1, 1), date(2026, 1, 1))
    assert date_preset("this_week", date(2026, 11, 30)) == (date(2026, 11, 30), date(2026, 11, 30))  # a Monday
    with pytest.raises(ValueError, match="unknown date preset"):
        date_preset("yesterday", WED)
    assert set(PRESETS) >= {"last_7", "all"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("presets") / "p.duckdb")


def test_a_preset_fills_the_range_and_filters_the_queue(db):
    at = run_app(db, "sup", query={"page": "queue"})
    assert not at.exception
    shown = len(at.dataframe[0].value)
    assert shown == 7
    presets = at.selectbox(key="queue_dates_preset")
    assert list(presets.options)[:2] == ["Last 7 days", "This week"] and presets.value is None
    presets.set_value("last_week")
    at = run_app(db, at=at)
    assert not at.exception
    monday = date.fromordinal(date.today().toordinal() - date.today().weekday())
    start, end = date.fromordinal(monday.toordinal() - 7), date.fromordinal(monday.toordinal() - 1)
    assert tuple(at.session_state["queue_dates"]) == (start, end)
    rows = at.dataframe[0].value if at.dataframe else []
    assert all(start <= date.fromisoformat(str(d)[:10]) <= end for d in (rows["Date"] if len(rows) else []))
    assert len(rows) < shown or start <= date.fromisoformat(str(rows["Date"].iloc[0])[:10]) <= end
    at.selectbox(key="queue_dates_preset").set_value("all")
    at = run_app(db, at=at)
    assert len(at.dataframe[0].value) == 7
