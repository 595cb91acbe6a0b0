"""Numbers, durations, percentages and dates per UI language (qa.i18n.format, Babel's CLDR data)."""
import datetime as dt

import pytest

from qa.i18n import format as fmt

DAY = dt.date(2026, 3, 5)
MOMENT = dt.datetime(2026, 3, 5, 14, 7, 9)


def test_numbers_use_the_languages_separators():
    assert fmt.number(42.44, "en") == "42.4"
    assert fmt.number(42.44, "vi") == "42,4"
    assert fmt.number(12345.25, "en", digits=2) == "12,345.25"
    assert fmt.number(12345.25, "vi", digits=2) == "12.345,25"
    assert fmt.number(3, "vi") == "3,0" and fmt.number(3.96, "en", digits=0) == "4"
    assert fmt.number(-0.5, "vi", digits=2) == "-0,50"
    assert fmt.integer(12345, "vi") == "12.345" and fmt.integer(12345, "en") == "12,345"
    with pytest.raises(ValueError):
        fmt.number(1.0, "en", digits=-1)


def test_percent_takes_a_share():
    assert fmt.percent(0.423, "en") == "42%"
    assert fmt.percent(0.423, "vi", digits=1) == "42,3%"
    assert fmt.percent(1 / 3, "en") == "33%"


def test_seconds_carry_the_unit_of_the_language():
    assert fmt.seconds(42.4, "en") == "42.4 sec"
    assert fmt.seconds(42.4, "vi") == "42,4 giây"
    assert fmt.seconds_range(3, 7.5, "vi") == "3,0–7,5 giây"
    assert fmt.seconds_range(3, 7.5, "en") == "3.0–7.5 sec"


def test_dates_and_times():
    assert fmt.date(DAY, "en") == "Mar 5, 2026"
    assert fmt.date(DAY, "vi") == "5 thg 3, 2026"
    assert fmt.datetime(MOMENT, "vi") == "14:07 5 thg 3, 2026"
    assert fmt.datetime(MOMENT, "vi", with_seconds=True) == "14:07:09 5 thg 3, 2026"
    assert fmt.datetime(MOMENT, "en").replace("\u202f", " ") == "Mar 5, 2026, 2:07 PM"
    aware = MOMENT.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert fmt.datetime(aware, "vi") == "14:07 5 thg 3, 2026", "shown in its own time zone, not converted"


def test_nothing_and_unknown_languages():
    for shown in (fmt.number(None, "vi"), fmt.percent(None, "en"), fmt.seconds(None, "vi"), fmt.date(None, "en"),
                  fmt.datetime(None, "vi"), fmt.integer(None, "vi")):
        assert shown == fmt.NOTHING == "—"
    assert fmt.number(42.44, "fr") == "42.4" and fmt.date(DAY, "xx") == "Mar 5, 2026"  # as the English UI


def test_chart_locale_for_vega():
    vi, en = fmt.chart_locale("vi"), fmt.chart_locale("en")
    assert (vi["number"]["decimal"], vi["number"]["thousands"]) == (",", ".")
    assert (en["number"]["decimal"], en["number"]["thousands"]) == (".", ",")
    assert vi["time"]["shortMonths"][2] == "thg 3" and en["time"]["days"][0] == "Sunday"
    assert vi["time"]["date"] == "%-d/%-m/%Y" and en["time"]["date"] == "%-m/%-d/%Y"
    assert len(vi["time"]["days"]) == 7 and len(vi["time"]["months"]) == 12
