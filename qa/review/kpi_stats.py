"""The statistics of the customer KPIs, as pure functions: NPS from its answer counts, the escalation band of the
practice, and a correlation with its 95% confidence interval (Fisher z) and p-value, withheld below a minimum n.

A KPI against a criterion's pass (1) / fail (0) is a point-biserial correlation, which is Pearson's r with one
binary variable (so DuckDB's `corr` aggregate gives it); against a pass/fail KPI (resolved at first contact,
escalated) the same r is the phi coefficient.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ESCALATION_BAND", "Correlation", "correlation", "escalation_band", "fisher_ci", "nps_score"]

ESCALATION_BAND = (0.05, 0.10)  # the practice: escalations stay under 5-10% of calls
Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval


def nps_score(promoters: int, detractors: int, answered: int) -> float | None:
    """Net Promoter Score, -100 to 100: the percent of promoters (9-10) less the percent of detractors (0-6)."""
    if answered <= 0:
        return None
    return 100.0 * (promoters - detractors) / answered


def escalation_band(rate: float | None) -> str | None:
    """Where an escalation rate (0-1) stands against the practice's 5-10% band: "below", "within" or "above"."""
    if rate is None:
        return None
    low, high = ESCALATION_BAND
    return "below" if rate < low else "within" if rate <= high else "above"


def fisher_ci(r: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The confidence interval of a correlation `r` over `n` pairs (n > 3), by Fisher's z transform."""
    if n <= 3:
        raise ValueError(f"a confidence interval needs more than 3 pairs, not {n}")
    r = max(-0.999999, min(0.999999, r))  # atanh is infinite at +-1
    centre, half = math.atanh(r), z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


@dataclass(frozen=True)
class Correlation:
    """One KPI against one criterion over `n` calls having both: `r` with its 95% interval [`low`, `high`] and
    two-sided `p`; all None when n is below the minimum (`too_few`) or either side never varies."""

    kpi: str
    criterion: str
    n: int
    r: float | None
    low: float | None
    high: float | None
    p: float | None
    too_few: bool


def correlation(kpi: str, criterion: str, r: float | None, n: int, min_calls: int) -> Correlation:
    """A `Correlation` from Pearson's `r` over `n` pairs (None or NaN: a side never varied)."""
    min_calls = max(min_calls, 4)
    if n < min_calls:
        return Correlation(kpi, criterion, n, None, None, None, None, True)
    if r is None or math.isnan(r):
        return Correlation(kpi, criterion, n, None, None, None, None, False)
    from scipy import stats

    r = max(-1.0, min(1.0, float(r)))
    low, high = fisher_ci(r, n)
    if abs(r) >= 1.0:
        p = 0.0
    else:
        t = r * math.sqrt((n - 2) / (1.0 - r * r))
        p = float(2 * stats.t.sf(abs(t), n - 2))
    return Correlation(kpi, criterion, n, r, low, high, p, False)
