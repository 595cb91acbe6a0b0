"""Date presets of the queue's and the dashboard's date range: the periods a supervisor picks most (the last 7
days, this week, last week, this month, the last 30 days, every call), as a from–to range. Pure: `today` is given."""
from __future__ import annotations

from datetime import date, timedelta

PRESETS = ("last_7", "this_week", "last_week", "this_month", "last_30", "all")


def date_preset(name: str, today: date, first: date | None = None,
                last: date | None = None) -> tuple[date | None, date | None]:
    """The range of preset `name` on `today` (weeks start on Monday); "all": `first`–`last`, the dates of the
    calls the viewer may see. ValueError for an unknown preset."""
    monday = today - timedelta(days=today.weekday())
    ranges = {"last_7": (today - timedelta(days=6), today), "this_week": (monday, today),
              "last_week": (monday - timedelta(days=7), monday - timedelta(days=1)),
              "this_month": (today.replace(day=1), today), "last_30": (today - timedelta(days=29), today),
              "all": (first, last)}
    if name not in ranges:
        raise ValueError(f"unknown date preset {name!r}: use one of {', '.join(PRESETS)}")
    return ranges[name]
