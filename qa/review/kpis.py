"""Customer KPIs per agent or team over time, beside the quality results: CSAT, NPS and CES from the customers'
surveys, first-contact resolution (FCR), the escalation rate against the practice's 5-10% band and the handling
time, aggregated in DuckDB over the calls a viewer may see; and each KPI's correlation with each criterion.

First-contact resolution: a call is *not resolved* when the same customer (the same key in `call_customers`, see
`qa.pipeline.kpis`) calls again within `fcr_days` days after it, whoever answers the repeat call; it is *resolved*
when no repeat call came and the window has closed (the newest stored call is at least `fcr_days` later); calls
still inside their window, and calls without a customer key, are not counted. A call's moment is its transcript's
"date" field when that holds a time, else its call date; calls at the same moment are ordered by call id.

Escalated: the call carries an escalation flag (the customer asked for a manager, or the agent passed the call up).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from qa.accounts.access import Viewer
from qa.review.dashboard import GROUP_SQL, GROUPS, NO_GROUP, period_sql
from qa.review.kpi_stats import Correlation, correlation, escalation_band, nps_score
from qa.review.queue import InForce, QueueFilter, calls_sql
from qa.store.database import Store

__all__ = ["CORRELATED", "FCR_DAYS", "MIN_CALLS", "KpiRow", "correlations", "fcr_sql", "kpi_columns", "kpi_records",
           "kpi_rows"]

FCR_DAYS = 7
MIN_CALLS = 10
CORRELATED = ("csat", "nps", "ces", "fcr", "escalated")  # the per-call KPIs correlated with the criteria
ESCALATED = "s.flags LIKE '%\"escalation:%'"  # flags are a JSON list of "kind:value" texts


def fcr_sql(fcr_days: int) -> str:
    """SQL selecting, for every call with a customer key: call_id, repeated (another call of the same customer
    within `fcr_days` days after it) and closed (its window is over, by the newest stored call)."""
    days = int(fcr_days)
    if days < 1:
        raise ValueError(f"fcr_days must be at least 1, not {fcr_days!r}")
    at = ("coalesce(try_cast(json_extract_string(c.extra, '$.date') AS TIMESTAMP), "
          "CAST(c.call_date AS TIMESTAMP))")
    # each call's moment is computed once (a JSON field); the customer's next call (lead over their calls in order)
    # is the only one that can fall inside the window first
    return f"""
        WITH m AS MATERIALIZED (SELECT c.call_id, {at} AS moment FROM calls c),
             ck AS (SELECT m.call_id, m.moment,
                           lead(m.moment) OVER (PARTITION BY k.customer_key ORDER BY m.moment, m.call_id) AS next_moment
                    FROM m JOIN call_customers k USING (call_id)),
             newest AS (SELECT max(moment) AS moment FROM m)
        SELECT call_id, coalesce(next_moment <= moment + INTERVAL {days} DAY, false) AS repeated,
               moment + INTERVAL {days} DAY <= (SELECT moment FROM newest) AS closed
        FROM ck"""


@dataclass(frozen=True)
class KpiRow:
    """One period (`period`: its first day; None for the whole range) of one agent or team (`group`)."""

    period: date | None
    group: str
    calls: int
    csat_n: int
    csat: float | None        # mean, 1-5
    nps_n: int
    nps: float | None         # promoters% - detractors%, -100..100
    ces_n: int
    ces: float | None         # mean, 1-7
    fcr_n: int                # calls judged (window closed or repeated)
    fcr: float | None         # share resolved at first contact (0-1)
    escalations: int
    escalation_rate: float | None  # share of calls (0-1)
    handling_time: float | None    # mean seconds

    @property
    def escalation_band(self) -> str | None:
        return escalation_band(self.escalation_rate)


def _joins(fcr_days: int) -> str:
    return (f"LEFT JOIN call_metrics m ON m.call_id = c.call_id LEFT JOIN call_kpis k ON k.call_id = c.call_id "
            f"LEFT JOIN ({fcr_sql(fcr_days)}) f ON f.call_id = c.call_id")


def kpi_rows(store: Store, viewer: Viewer, filt: QueueFilter | None = None, period: str = "week",
             group: str = "agent", fcr_days: int = FCR_DAYS) -> list[KpiRow]:
    """The KPIs per `period` and `group` over the calls `viewer` may see that match `filt`, oldest period first."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
    p, g = period_sql(period), GROUP_SQL[group]
    base, params = calls_sql(viewer, filt or QueueFilter(), score=True, team=group == "team", join=_joins(fcr_days))
    with store.connect() as con:
        found = con.execute(f"""
            SELECT {p} AS period, {g} AS grp, count(*), count(k.csat), avg(k.csat), count(k.nps),
                   count_if(k.nps >= 9), count_if(k.nps <= 6), count(k.ces), avg(k.ces),
                   count_if(f.repeated OR f.closed), count_if(NOT f.repeated AND f.closed),
                   count_if({ESCALATED}), avg(m.handling_time)
            {base} GROUP BY ALL ORDER BY period, grp""", params).fetchall()
    rows = []
    for per, grp, n, csat_n, csat, nps_n, promoters, detractors, ces_n, ces, fcr_n, resolved, esc, aht in found:
        rows.append(KpiRow(per, grp, n, csat_n, csat, nps_n, nps_score(promoters, detractors, nps_n), ces_n, ces,
                           fcr_n, resolved / fcr_n if fcr_n else None, esc, esc / n if n else None, aht))
    return rows


def kpi_columns() -> list[str]:
    """The KPI table's column keys, in order."""
    return ["period", "group", "calls", "csat", "csat_n", "nps", "nps_n", "ces", "ces_n", "fcr", "fcr_n",
            "escalation_rate", "escalation_band", "handling_time"]


def _r(value: float | None, digits: int, scale: float = 1.0) -> float | None:
    return None if value is None else round(value * scale, digits)


def kpi_records(rows: list[KpiRow], all_label: str = "all") -> list[dict[str, Any]]:
    """The rows as the app's table shows them (keys as `kpi_columns`; shares in percent, means rounded)."""
    return [{"period": r.period.isoformat() if r.period else all_label, "group": r.group or NO_GROUP,
             "calls": r.calls, "csat": _r(r.csat, 2), "csat_n": r.csat_n, "nps": _r(r.nps, 1), "nps_n": r.nps_n,
             "ces": _r(r.ces, 2), "ces_n": r.ces_n, "fcr": _r(r.fcr, 1, 100), "fcr_n": r.fcr_n,
             "escalation_rate": _r(r.escalation_rate, 1, 100), "escalation_band": r.escalation_band,
             "handling_time": _r(r.handling_time, 1)} for r in rows]


def correlations(store: Store, viewer: Viewer, filt: QueueFilter | None = None, fcr_days: int = FCR_DAYS,
                 min_calls: int = MIN_CALLS) -> list[Correlation]:
    """Each KPI of `CORRELATED` against each criterion's pass (1) / fail (0) in force, over the calls `viewer` may
    see that match `filt`: Pearson's r (point-biserial) from DuckDB's `corr`, with n, a 95% interval and p; a pair
    with fewer than `min_calls` calls is marked too few. Ordered by criterion position, then KPI."""
    forced = InForce.of(viewer)
    base, params = calls_sql(viewer, filt or QueueFilter(), score=True, join=_joins(fcr_days))
    kpi = {"csat": "k.csat", "nps": "k.nps", "ces": "k.ces",
           "fcr": "CASE WHEN f.repeated THEN 0 WHEN f.closed THEN 1 END",
           "escalated": f"CAST({ESCALATED} AS INTEGER)"}
    pairs = ", ".join(f"corr({name}, y), regr_count({name}, y)" for name in CORRELATED)
    with store.connect() as con:
        found = con.execute(f"""
            WITH per_call AS MATERIALIZED (
                SELECT c.call_id, {", ".join(f"CAST({sql} AS DOUBLE) AS {name}" for name, sql in kpi.items())},
                       {forced.passed} AS passed, {forced.failed} AS failed {base}),
            results AS (
                SELECT *, unnest(passed) AS criterion, 1.0 AS y FROM per_call
                UNION ALL SELECT *, unnest(failed) AS criterion, 0.0 AS y FROM per_call)
            SELECT r.criterion, {pairs}
            FROM results r LEFT JOIN (SELECT criterion_id, min(position) AS pos FROM criterion_results
                                      GROUP BY ALL) o ON o.criterion_id = r.criterion
            GROUP BY r.criterion, o.pos ORDER BY o.pos, r.criterion""", params).fetchall()
    out = []
    for criterion, *stats in found:
        for i, name in enumerate(CORRELATED):
            out.append(correlation(name, criterion, stats[2 * i], int(stats[2 * i + 1] or 0), min_calls))
    return out
