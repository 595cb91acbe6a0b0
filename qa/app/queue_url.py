"""The review queue's view in the URL, so a reload, Back/Forward or a shared link shows the same list: the
filters, the order and the page number as query parameters (`?page=queue&agent=a1&agent=a2&min=40&order=lowest`),
and on the call page the call's place in that list (`&call=<id>&pos=<n>`).

A URL is whatever someone typed or sent: every parameter is checked, and a value that is not one the viewer's
own filter widgets offer (an agent, team, language, criterion or flag outside their scope, a date that is not a
date, a number out of range, too many or too long values) is dropped — never passed on. What the list then shows
is still decided by `qa.review.queue` for the signed-in viewer."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from qa.review.queue import ORDERS, REVIEW_STATES, FilterOptions, QueueFilter

MAX_VALUES, MAX_CHARS, MAX_PAGE = 200, 200, 100_000
MAX_SAYS = 120  # characters of the words-said filter
# URL parameter -> QueueFilter field, for the filters that pick several values
LISTS = {"agent": "agent_ids", "team": "teams", "lang": "languages", "failed": "failed_criteria", "flag": "flags",
         "state": "review_states"}
PARAMS = ("from", "to", "min", "max", *LISTS, "says", "mine", "order", "p")  # every parameter of a queue view
NAV_PARAMS = (*PARAMS, "pos")  # and the call's position, on the call page


@dataclass(frozen=True)
class QueueView:
    """What the queue shows: `filt` in `order`, page `page` (1-based); `pos`: a call's 1-based place in it."""

    filt: QueueFilter = field(default_factory=QueueFilter)
    order: str = ORDERS[0]
    page: int = 1
    pos: int | None = None


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    got = params.get(name) or []
    return [v for v in list(got)[:MAX_VALUES] if isinstance(v, str) and 0 < len(v) <= MAX_CHARS]


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    got = _values(params, name)
    return got[0] if got else None


def _int(text: str | None, low: int, high: int) -> int | None:
    if text is None or not text.isdigit() or len(text) > 9:  # digits only: no sign, space, 1e3, ٣
        return None
    n = int(text)
    return n if low <= n <= high else None


def _date(text: str | None, first: date | None, last: date | None) -> date | None:
    if text is None or len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    if (first and day < first) or (last and day > last):
        return None
    return day


def allowed(opts: FilterOptions) -> dict[str, set[str]]:
    """The values each list parameter may take for a viewer: those their filter widgets offer."""
    return {"agent": set(opts.agents), "team": set(opts.teams), "lang": set(opts.languages),
            "failed": {c for c, _ in opts.criteria}, "flag": set(opts.flags), "state": set(REVIEW_STATES)}


def parse(params: Mapping[str, Sequence[str]], opts: FilterOptions, me: str = "") -> QueueView:
    """The queue view a URL's parameters (name -> its values) ask for, each value checked against `opts` (the
    viewer's filter options); anything else is ignored. `mine=1` keeps the calls assigned to `me` (the signed-in
    reviewer: a URL never names whose assignments)."""
    ok = allowed(opts)
    lists = {name: tuple(dict.fromkeys(v for v in _values(params, name) if v in ok[name])) for name in LISTS}
    low, high = _int(_one(params, "min"), 0, 100), _int(_one(params, "max"), 0, 100)
    if low is not None and high is not None and low > high:
        low = high = None
    first = _date(_one(params, "from"), opts.first_date, opts.last_date) or opts.first_date
    last = _date(_one(params, "to"), opts.first_date, opts.last_date) or opts.last_date
    if first and last and first > last:
        first, last = opts.first_date, opts.last_date
    says = " ".join((_one(params, "says") or "").split())[:MAX_SAYS]  # words said in the call (plain text)
    filt = QueueFilter(date_from=first, date_to=last, score_min=low or None, score_max=None if high == 100 else high,
                       says=says, assigned_to=me if me and _one(params, "mine") == "1" else "",
                       **{LISTS[name]: values for name, values in lists.items()})
    order = _one(params, "order")
    return QueueView(filt, order if order in ORDERS else ORDERS[0], _int(_one(params, "p"), 1, MAX_PAGE) or 1,
                     _int(_one(params, "pos"), 1, 10 ** 9))


def to_params(view: QueueView, opts: FilterOptions) -> dict[str, list[str]]:
    """`view` as URL parameters (those at their default left out), `parse`'s inverse."""
    f = view.filt
    out: dict[str, list[str]] = {}
    if f.date_from and f.date_from != opts.first_date:
        out["from"] = [f.date_from.isoformat()]
    if f.date_to and f.date_to != opts.last_date:
        out["to"] = [f.date_to.isoformat()]
    if f.score_min is not None:
        out["min"] = [str(int(f.score_min))]
    if f.score_max is not None:
        out["max"] = [str(int(f.score_max))]
    for name, attr in LISTS.items():
        if getattr(f, attr):
            out[name] = list(getattr(f, attr))
    if f.says:
        out["says"] = [f.says]
    if f.assigned_to:
        out["mine"] = ["1"]
    if view.order != ORDERS[0]:
        out["order"] = [view.order]
    if view.page != 1:
        out["p"] = [str(view.page)]
    if view.pos is not None:
        out["pos"] = [str(view.pos)]
    return out


def url_params(query: object) -> dict[str, list[str]]:
    """The queue's parameters of `st.query_params` (or any mapping with `get_all`), as name -> values."""
    get_all = getattr(query, "get_all", None)
    if get_all is None:
        return {}
    return {name: list(get_all(name)) for name in NAV_PARAMS}
