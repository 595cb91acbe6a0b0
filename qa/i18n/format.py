"""Numbers, durations, percentages and dates as a person reads them in the UI language, formatted by Babel (CLDR
data): English 42.4, 1,234.5, Mar 5, 2026; Vietnamese 42,4, 1.234,5, 5 thg 3, 2026.

For display only: CSV exports and anything a program reads keep plain machine numbers and ISO dates. Each
function takes the UI language code (an unknown code formats as English, as `qa.i18n.t` does) and shows None as
NOTHING ("—")."""
from __future__ import annotations

import datetime as dt
import decimal
from functools import cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units

from qa.i18n import language

NOTHING = "—"  # what a missing value shows


@cache
def locale(lang: str) -> Locale:
    """The Babel locale of the UI language `lang` (the language code is the locale: en, vi)."""
    return Locale.parse(language(lang))


def _pattern(digits: int) -> str:
    """A CLDR number pattern with grouping and exactly `digits` decimals."""
    if digits < 0:
        raise ValueError(f"digits must be 0 or more, not {digits}")
    return "#,##0" + ("." + "0" * digits if digits else "")


@cache
def _separators(lang: str) -> tuple[str, str]:
    """(decimal, group) symbols of `lang`."""
    loc = locale(lang)
    return babel_numbers.get_decimal_symbol(loc), babel_numbers.get_group_symbol(loc)


@cache
def _quantum(digits: int) -> decimal.Decimal:
    return decimal.Decimal(1).scaleb(-digits)


def number(x: float | None, lang: str, digits: int = 1) -> str:
    """`x` with `digits` decimals and the language's separators: number(42.44, "vi") == "42,4".
    What Babel's `format_decimal` writes with the pattern "#,##0.0…" (the same rounding of the same decimal), made
    without parsing the pattern for every number: a table of thousands of cells is formatted in a blink."""
    if x is None:
        return NOTHING
    value = x if isinstance(x, decimal.Decimal) else decimal.Decimal(str(x))
    if digits < 0 or not value.is_finite():
        return babel_numbers.format_decimal(x, format=_pattern(digits), locale=locale(lang))
    point, group = _separators(lang)
    whole, _, frac = f"{abs(value).normalize().quantize(_quantum(digits)):f}".partition(".")
    text = f"{int(whole):,}".replace(",", group) + (point + frac.ljust(digits, "0") if digits else "")
    return "-" + text if value.is_signed() else text


def integer(x: int | float | None, lang: str) -> str:
    """A count, grouped: integer(12345, "vi") == "12.345"."""
    return number(None if x is None else int(x), lang, digits=0)


def percent(share: float | None, lang: str, digits: int = 0) -> str:
    """A share (0.423 means 42.3 %) as a percentage: percent(0.423, "en") == "42%", digits=1 gives "42,3%" in vi."""
    if share is None:
        return NOTHING
    return babel_numbers.format_percent(share, format=_pattern(digits) + "%", locale=locale(lang))


def seconds(x: float | None, lang: str, digits: int = 1) -> str:
    """A duration in seconds with its unit: seconds(42.4, "en") == "42.4 sec", seconds(42.4, "vi") == "42,4 giây"."""
    if x is None:
        return NOTHING
    return babel_units.format_unit(x, "duration-second", "short", format=_pattern(digits), locale=locale(lang))


def seconds_template(lang: str) -> tuple[str, str]:
    """(the decimal symbol, a duration with "{t}" where the number goes) of `lang`, for code that writes the
    number itself (the audio player's clock): ("." , "{t} sec") in English, (",", "{t} giây") in Vietnamese."""
    return _separators(lang)[0], seconds(1.5, lang).replace(number(1.5, lang), "{t}", 1)


def seconds_range(start: float | None, end: float | None, lang: str, digits: int = 1) -> str:
    """A stretch of a call: seconds_range(3, 7.25, "vi") == "3,0–7,2 giây" (the unit once, after the end); a
    missing time shows NOTHING."""
    return f"{number(start, lang, digits)}–{seconds(end, lang, digits)}"


def date(d: dt.date | None, lang: str) -> str:
    """A day in the language's medium form: "Mar 5, 2026" (en), "5 thg 3, 2026" (vi)."""
    if d is None:
        return NOTHING
    return babel_dates.format_date(d, "medium", locale=locale(lang))


def datetime(d: dt.datetime | None, lang: str, with_seconds: bool = False) -> str:
    """A moment as the language writes it: "Mar 5, 2026, 2:07 PM" (en), "14:07 5 thg 3, 2026" (vi); the time of
    day as stored (no time zone conversion); `with_seconds` adds the seconds (an audit trail)."""
    if d is None:
        return NOTHING
    loc = locale(lang)
    time_pattern = babel_dates.get_time_format("medium" if with_seconds else "short", locale=loc).pattern
    date_pattern = babel_dates.get_date_format("medium", locale=loc).pattern
    # Babel annotates get_datetime_format as a DateTimePattern; it returns the CLDR string "{1}, {0}"
    pattern = str(babel_dates.get_datetime_format("medium", locale=loc)).format(time_pattern, date_pattern)
    return babel_dates.format_datetime(d, pattern, tzinfo=d.tzinfo, locale=loc)


# CLDR date field -> d3-time-format directive, for the few fields short date and time patterns use
_D3_FIELDS = {"yyyy": "%Y", "yy": "%Y", "y": "%Y", "MM": "%m", "M": "%-m", "dd": "%d", "d": "%-d", "HH": "%H",
              "H": "%-H", "hh": "%I", "h": "%-I", "mm": "%M", "ss": "%S", "a": "%p"}


def _d3_pattern(cldr: str) -> str:
    """A CLDR date pattern as a d3 time format ("d/M/yy" -> "%-d/%-m/%Y"); quoted text and other characters kept."""
    out, i = [], 0
    while i < len(cldr):
        if cldr[i] == "'":
            end = cldr.find("'", i + 1)
            end = len(cldr) if end < 0 else end
            out.append(cldr[i + 1:end] or "'")
            i = end + 1
            continue
        j = i
        while j < len(cldr) and cldr[j] == cldr[i]:
            j += 1
        run = cldr[i:j]
        out.append(_D3_FIELDS.get(run, run if not run.isalpha() else ""))
        i = j
    return "".join(out).strip()


def chart_locale(lang: str) -> dict:
    """The Vega locale of `lang` for Altair charts (`chart.configure(locale=chart_locale(lang))`): decimal and
    group separators, day and month names and the date and time forms from Babel, so axes and tooltips read
    42,4 and "thg 3" in Vietnamese."""
    loc = locale(lang)
    days, short_days = loc.days["format"]["wide"], loc.days["format"]["abbreviated"]  # Babel: 0 is Monday
    months, short_months = loc.months["format"]["wide"], loc.months["format"]["abbreviated"]  # 1 is January
    periods = loc.day_periods["format"]["abbreviated"]
    date_pattern = _d3_pattern(babel_dates.get_date_format("short", locale=loc).pattern)
    time_pattern = _d3_pattern(babel_dates.get_time_format("medium", locale=loc).pattern)
    return {
        "number": {"decimal": babel_numbers.get_decimal_symbol(loc), "thousands": babel_numbers.get_group_symbol(loc),
                   "grouping": [3], "currency": ["", ""]},
        "time": {"dateTime": str(babel_dates.get_datetime_format("short", locale=loc)).format(time_pattern,
                                                                                              date_pattern),
                 "date": date_pattern, "time": time_pattern, "periods": [periods["am"], periods["pm"]],
                 "days": [days[(i + 6) % 7] for i in range(7)],
                 "shortDays": [short_days[(i + 6) % 7] for i in range(7)],
                 "months": [months[i] for i in range(1, 13)], "shortMonths": [short_months[i] for i in range(1, 13)]},
    }
