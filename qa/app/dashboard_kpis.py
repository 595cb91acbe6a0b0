"""The dashboard's customer KPI section: CSAT, NPS, CES, first-contact resolution, escalation rate against the
practice's 5-10% band and handling time per agent or team and period, and each KPI's correlation with each
criterion (with n and a 95% interval; too few calls are said so). The figures come from `qa.review.kpis`."""
from __future__ import annotations

import os
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from qa.app import cached
from qa.app.common import Context
from qa.app.tables import show_figures
from qa.config.kpis import KpiSettings
from qa.i18n import criterion_name
from qa.i18n import format as fmt
from qa.review import dashboard as dash
from qa.review import kpis
from qa.review.kpi_stats import ESCALATION_BAND, Correlation
from qa.review.queue import QueueFilter
from transcribe.errors import CallQAError


def kpi_settings(ctx: Context) -> KpiSettings:
    """The `kpis` settings of $CALLQA_CONFIG (the defaults without one; an unusable file is said, then defaults)."""
    from qa.config.settings import load_settings

    try:
        return load_settings(os.environ.get("CALLQA_CONFIG")).kpis
    except CallQAError as exc:
        st.warning(ctx.error(exc))
        return KpiSettings()


def kpi_labels(ctx: Context) -> dict[str, str]:
    """Column key -> the header shown (and written to the CSV)."""
    return {k: ctx.t("dash_col_" + k) if k in ("period", "group", "calls", "handling_time") else ctx.t("kpi_col_" + k)
            for k in kpis.kpi_columns()}


def band_text(ctx: Context, band: str | None) -> str | None:
    return None if band is None else ctx.t("kpi_band_" + band)


def chart_escalations(ctx: Context, rows: list[kpis.KpiRow], group: str) -> None:
    """Escalation rate per agent or team over the whole range (summed over the periods of `rows`), over the
    practice's 5-10% band."""
    totals: dict[str, list[int]] = {}
    for r in rows:
        calls_escalated = totals.setdefault(r.group or dash.NO_GROUP, [0, 0])
        calls_escalated[0] += r.calls
        calls_escalated[1] += r.escalations
    frame = pd.DataFrame([{"group": g, "rate": round(100 * esc / n, 1) if n else 0.0, "calls": n}
                          for g, (n, esc) in sorted(totals.items())])
    if frame.empty:
        return
    st.caption(ctx.t("kpi_chart_escalations", group=ctx.t("dash_group_" + group),
                     low=fmt.percent(ESCALATION_BAND[0], ctx.lang), high=fmt.percent(ESCALATION_BAND[1], ctx.lang)))
    who, rate = ctx.t("dash_group_" + group), ctx.t("kpi_col_escalation_rate")
    low, high = (100 * b for b in ESCALATION_BAND)
    band = alt.Chart(pd.DataFrame([{"low": low, "high": high}])).mark_rect(opacity=0.2, color="orange").encode(
        y="low:Q", y2="high:Q")
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("group:N", title=who), y=alt.Y("rate:Q", title=rate),
        tooltip=[alt.Tooltip("group:N", title=who), alt.Tooltip("rate:Q", title=rate),
                 alt.Tooltip("calls:Q", title=ctx.t("dash_col_calls"))])
    st.altair_chart(alt.layer(band, bars).configure(locale=fmt.chart_locale(ctx.lang)), width="stretch")


def correlation_cell(ctx: Context, c: Correlation, min_calls: int) -> str:
    """One KPI x criterion correlation as the table shows it: r with its 95% interval, n and p, or why not."""
    if c.too_few:
        return ctx.t("kpi_corr_too_few", n=c.n, min=max(min_calls, 4))
    if c.r is None or c.low is None or c.high is None or c.p is None:
        return ctx.t("kpi_corr_no_variation", n=c.n)
    p = ("= " + fmt.number(c.p, ctx.lang, 3)) if c.p >= 0.001 else "< " + fmt.number(0.001, ctx.lang, 3)
    text = ctx.t("kpi_corr_cell", r=fmt.number(c.r, ctx.lang, 2), low=fmt.number(c.low, ctx.lang, 2),
                 high=fmt.number(c.high, ctx.lang, 2), n=c.n, p=p)
    return text + ("" if c.low > 0 or c.high < 0 else ctx.t("kpi_corr_unclear"))


def correlation_records(ctx: Context, found: list[Correlation], names: dict[str, str],
                        min_calls: int) -> list[dict[str, Any]]:
    """The correlations as the table shows them: one row per criterion, one column per KPI."""
    rows: dict[str, dict[str, Any]] = {}
    criterion = ctx.t("rev_criterion")
    for c in found:
        row = rows.setdefault(c.criterion, {criterion: criterion_name(c.criterion, names.get(c.criterion, c.criterion),
                                                                      ctx.lang)})
        row[ctx.t("kpi_name_" + c.kpi)] = correlation_cell(ctx, c, min_calls)
    return list(rows.values())


def render_kpis(ctx: Context, filt: QueueFilter, period: str, group: str,
                criteria: list[tuple[str, str]]) -> None:
    """The KPI section under the quality figures, for the same period, grouping and filter."""
    settings = kpi_settings(ctx)
    st.subheader(ctx.t("kpi_title"))
    st.caption(ctx.t("kpi_caption", days=settings.fcr_days))
    rows = cached.kpi_rows(ctx.store, ctx.viewer, filt, period, group, settings.fcr_days)
    names = kpi_labels(ctx)
    shown = kpis.kpi_records(rows, ctx.t("dash_period_all"))
    for rec in shown:
        rec["escalation_band"] = band_text(ctx, rec["escalation_band"])
    show_figures([{names[k]: v for k, v in rec.items()} for rec in shown], ctx.lang, ctx.t("dash_na"))  # "n/a"
    st.download_button(ctx.t("kpi_download"), lambda: dash.csv_file(shown, names, kpis.kpi_columns()),
                       file_name=f"callqa-kpis-{group}-{period}.csv", mime="text/csv", key="kpi_download")
    chart_escalations(ctx, rows, group)
    st.subheader(ctx.t("kpi_corr_title"))
    st.caption(ctx.t("kpi_corr_caption", min=settings.min_calls))
    found = cached.correlations(ctx.store, ctx.viewer, filt, settings.fcr_days, settings.min_calls)
    if not found:
        st.info(ctx.t("kpi_corr_none"))
        return
    st.dataframe(correlation_records(ctx, found, dict(criteria), settings.min_calls), hide_index=True,
                 width="stretch")
