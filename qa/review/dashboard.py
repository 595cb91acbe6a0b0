"""Dashboard figures per agent or team over time: calls, mean total, each criterion's pass rate, service levels,
conversation metrics and sentiment turnaround, aggregated in DuckDB over the calls a viewer may see.

Each row is one period (day, ISO week from Monday, month, or the whole range) and one agent or team. A pass rate
is the share of a criterion's pass among its pass and fail (not-applicable results do not count); totals, pass
rates and service levels are the results in force the viewer sees (a supervisor's override when there is one, see
`qa.store.in_force`); critical items are not criteria here (they show as flags and level 1). The sentiment turnaround
rate is the share of calls whose
customer started negative and did not end negative, among the calls whose customer started negative.
`records` flattens rows into exactly the table the app shows, and `to_csv` exports that table.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qa.accounts.access import Viewer
from qa.review.queue import InForce, QueueFilter, calls_sql
from qa.store.database import Store

PERIODS = ("day", "week", "month", "all")
GROUPS = ("agent", "team")
GROUP_SQL = {"agent": "coalesce(c.agent_id, '')", "team": "coalesce(ag.team, '')"}
MEASURES = ("calls", "mean_total", "handling_time", "silence_share", "agent_interruptions", "turnaround")
NO_GROUP = "—"  # shown for calls without an agent id, or agents without a team


def period_sql(period: str) -> str:
    """SQL for the first day of a call's period (NULL for "all": one period over the whole range)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    return "CAST(NULL AS DATE)" if period == "all" else f"CAST(date_trunc('{period}', c.call_date) AS DATE)"


@dataclass(frozen=True)
class DashRow:
    """One period (`period`: its first day; None for the whole range) of one agent or team (`group`)."""

    period: date | None
    group: str
    calls: int
    mean_total: float | None
    handling_time: float | None  # mean seconds
    silence_share: float | None  # mean share of the call (0-1)
    agent_interruptions: float | None  # mean per call
    negative_starts: int  # calls whose customer started negative
    turnaround: float | None  # share of those that did not end negative (0-1)
    pass_rates: dict[str, float | None] = field(default_factory=dict)  # criterion id -> share passed (0-1)
    levels: dict[int, int] = field(default_factory=dict)  # service level -> calls


@dataclass(frozen=True)
class Dashboard:
    """The rows, and the criteria (id, stored name) and service levels (level, label) they have columns for."""

    rows: list[DashRow]
    criteria: list[tuple[str, str]]
    levels: list[tuple[int, str]]


def dashboard(store: Store, viewer: Viewer, filt: QueueFilter | None = None, period: str = "week",
              group: str = "agent") -> Dashboard:
    """Figures per `period` and per `group` (agent or team) over the calls `viewer` may see that match `filt`
    (an agent sees only their own numbers), oldest period first."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
    p, g = period_sql(period), GROUP_SQL[group]
    forced = InForce.of(viewer)
    base, params = calls_sql(viewer, filt or QueueFilter(), score=True, team=group == "team",
                             join="LEFT JOIN call_metrics m ON m.call_id = c.call_id")
    with store.connect() as con:
        # the rubric's service levels and criteria (the scale, not call data: every viewer gets the same columns),
        # then one query: per period and group, the means, one count per level and two per criterion
        levels = con.execute(f"""
            SELECT lv, any_value(label) FROM (SELECT reviewed_level AS lv, reviewed_label AS label FROM scorecards
                {"UNION ALL SELECT service_level, service_label FROM scorecards" if forced.needs_state else ""})
            WHERE lv IS NOT NULL GROUP BY ALL ORDER BY 1""").fetchall()
        criteria = con.execute("""
            SELECT criterion_id, any_value(name) FROM criterion_results WHERE NOT coalesce(critical, false)
            GROUP BY ALL ORDER BY min(position), criterion_id""").fetchall()
        per_level = "".join(f", count_if({forced.level} = {int(level)})" for level, _ in levels)
        per_criterion = "".join(f", count(list_position({forced.passed}, ?)), count(list_position({forced.failed}, ?))"
                                for _ in criteria)  # list_position is NULL when absent
        main = con.execute(f"""
            SELECT {p} AS period, {g} AS grp, count(*), avg({forced.total}), avg(m.handling_time), avg(m.silence_share),
                   avg(m.agent_interruptions), count(m.turned_around), avg(CAST(m.turned_around AS INTEGER))
                   {per_level}{per_criterion}
            {base} GROUP BY ALL ORDER BY period, grp""",
                           [cid for cid, _ in criteria for _ in (0, 1)] + params).fetchall()
    rows, rated = [], set()
    for per, grp, n, total, aht, silence, interrupts, neg, turned, *counts in main:
        by_level, by_criterion = counts[:len(levels)], counts[len(levels):]
        rates = {}
        for i, (cid, _) in enumerate(criteria):
            n_pass, n_fail = by_criterion[2 * i], by_criterion[2 * i + 1]
            if n_pass + n_fail:
                rates[cid] = n_pass / (n_pass + n_fail)
                rated.add(cid)
        rows.append(DashRow(per, grp, n, total, aht, silence, interrupts, neg, turned, rates,
                            {level: k for (level, _), k in zip(levels, by_level)}))
    for row in rows:  # a criterion some row rates gets a column in every row (None where nothing was rated)
        row.pass_rates.update({cid: None for cid in rated if cid not in row.pass_rates})
    return Dashboard(rows, [(cid, name) for cid, name in criteria if cid in rated], levels)


def _r(value: float | None, digits: int, scale: float = 1.0) -> float | None:
    return None if value is None else round(value * scale, digits)


def columns(dash: Dashboard) -> list[str]:
    """The table's column keys, in order."""
    return (["period", "group", "calls", "mean_total"] + [f"pass_{cid}" for cid, _ in dash.criteria]
            + [f"level_{level}" for level, _ in dash.levels]
            + ["handling_time", "silence_share", "agent_interruptions", "negative_starts", "turnaround"])


CHART_GROUPS = 10  # more agents or teams than this: the charts show the lowest or highest few (the table has all)


def ranked_groups(rows: list[dict[str, Any]], n: int = CHART_GROUPS, end: str = "bottom") -> list[str]:
    """The `n` groups (agents or teams) of `records` rows with the lowest (`end` "bottom") or highest ("top") mean
    total over their calls, weighted by calls; groups without a total last; every group when `end` is "all"."""
    if end not in ("bottom", "top", "all"):
        raise ValueError(f"end must be bottom, top or all, not {end!r}")
    sums: dict[str, list[float]] = {}
    for rec in rows:
        acc = sums.setdefault(rec["group"], [0.0, 0.0])
        if rec.get("mean_total") is not None and rec.get("calls"):
            acc[0] += rec["mean_total"] * rec["calls"]
            acc[1] += rec["calls"]
    means = {g: (t / c if c else None) for g, (t, c) in sums.items()}
    if end == "all":
        return sorted(means)
    known = sorted((g for g, m in means.items() if m is not None), key=lambda g: (means[g], g),
                   reverse=end == "top")
    return (known + sorted(g for g, m in means.items() if m is None))[:max(0, n)]


def records(dash: Dashboard, all_label: str = "all") -> list[dict[str, Any]]:
    """The rows as the app's table shows them: one dict per row, keys as `columns`, rates in percent and means
    rounded (`all_label`: the period text of the whole range)."""
    rates = [(f"pass_{cid}", cid) for cid, _ in dash.criteria]  # column keys made once, not per row
    levels = [(f"level_{level}", level) for level, _ in dash.levels]
    out = []
    for row in dash.rows:
        rec: dict[str, Any] = {"period": row.period.isoformat() if row.period else all_label,
                               "group": row.group or NO_GROUP, "calls": row.calls,
                               "mean_total": _r(row.mean_total, 1)}
        for key, cid in rates:
            rate = row.pass_rates.get(cid)
            rec[key] = None if rate is None else round(rate * 100, 1)
        for key, level in levels:
            rec[key] = row.levels.get(level, 0)
        rec.update({"handling_time": _r(row.handling_time, 1), "silence_share": _r(row.silence_share, 1, 100),
                    "agent_interruptions": _r(row.agent_interruptions, 2), "negative_starts": row.negative_starts,
                    "turnaround": _r(row.turnaround, 1, 100)})
        out.append(rec)
    return out


def to_csv(rows: list[dict[str, Any]], labels: dict[str, str] | None = None,
           column_keys: list[str] | None = None) -> str:
    """CSV text of the table `rows` (from `records`), with a header of `labels` (column key -> shown name;
    the key itself when absent). `column_keys` gives the header of an empty table."""
    keys = column_keys or (list(rows[0]) if rows else [])
    labels = labels or {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(labels.get(k, k)) for k in keys])
    for rec in rows:
        writer.writerow([csv_cell(rec.get(k)) for k in keys])
    return buf.getvalue()


def csv_file(rows: list[dict[str, Any]], labels: dict[str, str] | None = None,
             column_keys: list[str] | None = None) -> bytes:
    """The table as a CSV file's bytes: UTF-8 with a byte-order mark, so that Excel opens Vietnamese text (and
    names) correctly instead of guessing a legacy code page."""
    return ("\ufeff" + to_csv(rows, labels, column_keys)).encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell a spreadsheet will not run: text beginning like a formula (= + - @, tab, CR) is
    prefixed with a quote (OWASP's advice against CSV injection); numbers stay numbers; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
