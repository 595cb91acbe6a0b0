"""Dashboard page: quality per agent or team over time, as charts and a table, with a CSV of the table, and the
customer KPIs beside them (`qa.app.dashboard_kpis`).
The figures come from `qa.review.dashboard` (aggregated in DuckDB, scoped to the viewer); this page only draws them."""
from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from qa.app import cached
from qa.app.assignments import progress_panel
from qa.app.common import Context
from qa.app.dashboard_kpis import render_kpis
from qa.app.queue import date_range
from qa.app.tables import show_figures
from qa.i18n import criterion_name, level_name
from qa.i18n import format as fmt
from qa.review import dashboard as dash
from qa.review import queue
from qa.review.assignments import week_of


def labels(ctx: Context, data: dash.Dashboard) -> dict[str, str]:
    """Column key -> the header shown (and written to the CSV)."""
    out = {k: ctx.t("dash_col_" + k) for k in dash.columns(data) if not k.startswith(("pass_", "level_"))}
    out.update({f"pass_{cid}": ctx.t("dash_col_pass", name=criterion_name(cid, name, ctx.lang))
                for cid, name in data.criteria})
    out.update({f"level_{level}": ctx.t("dash_col_level", level=level, label=level_name(level, label, ctx.lang))
                for level, label in data.levels})
    return out


def controls(ctx: Context, opts: queue.FilterOptions) -> tuple[str, str, queue.QueueFilter]:
    pick = ctx.t("choose_options")  # the placeholder of the multi-selects, in the reader's language
    row = st.columns(4)
    period = row[0].selectbox(ctx.t("dash_period"), dash.PERIODS, index=1, key="dash_period",
                              format_func=lambda p: ctx.t("dash_period_" + p), placeholder=ctx.t("choose_options"))
    group = row[1].radio(ctx.t("dash_group"), dash.GROUPS, key="dash_group", horizontal=True,
                         format_func=lambda g: ctx.t("dash_group_" + g))
    with row[2]:
        date_from, date_to = date_range(ctx, opts.first_date, opts.last_date, "dash_dates")
    if group == "team":
        chosen = row[3].multiselect(ctx.t("queue_teams"), opts.teams, key="dash_teams", placeholder=pick)
        filt = queue.QueueFilter(date_from=date_from, date_to=date_to, teams=tuple(chosen))
    else:
        chosen = row[3].multiselect(ctx.t("queue_agents"), opts.agents, key="dash_agents", placeholder=pick)
        filt = queue.QueueFilter(date_from=date_from, date_to=date_to, agent_ids=tuple(chosen))
    return period, group, filt


def chart_groups(ctx: Context, shown: list[dict[str, Any]]) -> list[str] | None:
    """Which agents or teams the charts draw: all of up to CHART_GROUPS; of more, the lowest (default) or highest
    few by mean total, or all, as the reader picks (None: all)."""
    total = len({rec["group"] for rec in shown})
    if total <= dash.CHART_GROUPS:
        return None
    n = dash.CHART_GROUPS
    end = st.radio(ctx.t("dash_chart_groups"), ("bottom", "top", "all"), horizontal=True, key="dash_chart_end",
                   format_func=lambda e: ctx.t("dash_chart_" + e, n=n if e != "all" else total))
    if end == "all":
        return None
    groups = dash.ranked_groups(shown, n, end)
    st.caption(ctx.t("dash_chart_note", shown=len(groups), total=total))
    return groups


LEGEND_ROW = 30  # px a legend entry takes (its symbol, label and the gap below)


def _legend_columns(n: int) -> int:
    return 1 if n <= 15 else 2 if n <= 40 else 3


def _legend(n: int) -> alt.Legend:
    return alt.Legend(symbolLimit=0, columns=_legend_columns(n), labelLimit=160)  # every name, none cut off


def _color(n: int, title: str) -> alt.Color:
    """One colour per agent or team: Vega's 10 colours up to 10 of them, 20 colours up to 20 (`tableau20`);
    past 20 the points' shape (`_shape`) tells apart the ones sharing a colour."""
    scale = alt.Scale(scheme="tableau20") if n > 10 else alt.Undefined
    return alt.Color("group:N", title=title, legend=_legend(n), scale=scale)


# 7 shapes: with 20 colours no pair repeats before 140 agents or teams
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right")


def _shape(n: int, title: str) -> alt.Shape | None:
    return alt.Shape("group:N", title=title, legend=_legend(n), scale=alt.Scale(range=list(SHAPES))) \
        if n > 20 else None


def _chart_height(n: int) -> int:
    """The plot's height for `n` agents or teams in its legend: tall enough for every legend entry (a legend
    taller than its chart is cut off at the chart's edge), at least 300 px."""
    rows = -(-n // _legend_columns(n))
    return max(300, LEGEND_ROW * (rows + 1))  # (+ the legend's title)


PERIOD_FORMATS = {"day": "%a %d %b", "week": "%d %b", "month": "%b %Y"}  # d3 formats of axis labels


def period_axis(frame: pd.DataFrame, period: str) -> alt.Axis:
    """The time axis with a tick on each period that has data, labelled by its first day (or its month), never
    the hours between two weeks (Vega's ticks for a range of a few days)."""
    days = sorted({date.fromisoformat(str(p)) for p in frame["period"]})
    values = [alt.DateTime(year=d.year, month=d.month, date=d.day, utc=True) for d in days]
    label = f"utcFormat(datum.value, '{PERIOD_FORMATS.get(period, '%d %b')}')"
    return alt.Axis(values=values, labelExpr=label, labelOverlap=True)


def chart_over_time(ctx: Context, shown: list[dict[str, Any]], names: dict[str, str], period: str,
                    group: str, groups: list[str] | None) -> None:
    """The chosen measure per agent or team: a line over the periods with a point on every period (so an agent or
    team with one period of data shows too); bars for the whole range."""
    measures = [k for k in names if k not in ("period", "group")]
    measure = st.selectbox(ctx.t("dash_measure"), measures, key="dash_measure", format_func=lambda m: names[m],
                           index=measures.index("mean_total"), placeholder=ctx.t("choose_options"))
    st.caption(ctx.t("dash_chart_over_time", measure=names[measure], group=ctx.t("dash_group_" + group)))
    frame = pd.DataFrame(shown)[["period", "group", measure]].rename(columns={measure: "value"})
    if groups is not None:
        frame = frame[frame["group"].isin(groups)]
    value = alt.Y("value:Q", title=names[measure])
    tooltip = [alt.Tooltip("group:N", title=names["group"]), alt.Tooltip("value:Q", title=names[measure])]
    if period == "all":
        chart = alt.Chart(frame).mark_bar().encode(x=alt.X("group:N", title=names["group"], sort="y"), y=value,
                                                   tooltip=tooltip)
    else:
        n = frame["group"].nunique()
        base = alt.Chart(frame).encode(x=alt.X("period:T", title=names["period"], axis=period_axis(frame, period)),
                                       y=value, color=_color(n, names["group"]),
                                       tooltip=[alt.Tooltip("period:T", title=names["period"]), *tooltip])
        shape = _shape(n, names["group"])
        points = base.mark_point(filled=True, size=50)
        chart = (base.mark_line() + (points if shape is None else points.encode(shape=shape))).properties(
            height=_chart_height(n))
    st.altair_chart(chart.configure(locale=fmt.chart_locale(ctx.lang)), width="stretch")


def chart_criteria(ctx: Context, data: dash.Dashboard, group: str, groups: list[str] | None) -> None:
    """Pass rate of each criterion per agent or team over the whole range, as a heat-map (one row per agent or
    team, lowest mean first): it stays readable with 40 agents where grouped bars tangle."""
    if not data.criteria:
        return
    st.caption(ctx.t("dash_chart_criteria", group=ctx.t("dash_group_" + group)))
    rows = dash.records(data, ctx.t("dash_period_all"))
    order = dash.ranked_groups(rows, len(rows), "bottom") if groups is None else groups
    frame = pd.DataFrame([{"group": r["group"], "criterion": criterion_name(cid, name, ctx.lang),
                           "rate": r[f"pass_{cid}"]} for r in rows for cid, name in data.criteria
                          if r["group"] in order])
    who, criterion, rate = ctx.t("dash_group_" + group), ctx.t("rev_criterion"), ctx.t("rev_pass_rate") + " (%)"
    base = alt.Chart(frame).encode(
        x=alt.X("criterion:N", title=criterion, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("group:N", title=who, sort=order),
        tooltip=[alt.Tooltip("group:N", title=who), alt.Tooltip("criterion:N", title=criterion),
                 alt.Tooltip("rate:Q", title=rate)])
    cells = base.mark_rect().encode(color=alt.Color("rate:Q", title=rate,
                                                    scale=alt.Scale(scheme="redyellowgreen", domain=[0, 100])))
    text = base.mark_text(fontSize=12).encode(text=alt.Text("rate:Q", format=".0f"))
    height = max(140, 28 * len(order) + 60)  # a readable row per agent or team (plus the axis and its title)
    st.altair_chart((cells + text).properties(height=height).configure(locale=fmt.chart_locale(ctx.lang)),
                    width="stretch", height=height)


def render(ctx: Context) -> None:
    """The dashboard (reviewers only: see qa.app.pages; the data is scoped by qa.review.dashboard either way)."""
    st.header(ctx.t("dash_title"))
    opts = cached.filter_options(ctx.store, ctx.viewer)
    if opts.first_date is None:
        st.info(ctx.t("no_calls_visible"))
        return
    period, group, filt = controls(ctx, opts)
    data = cached.dashboard(ctx.store, ctx.viewer, filt, period, group)
    if not data.rows:
        st.info(ctx.t("dash_none"))
        return
    names = labels(ctx, data)
    shown = dash.records(data, ctx.t("dash_period_all"))
    whole = data if period == "all" else cached.dashboard(ctx.store, ctx.viewer, filt, "all", group)
    groups = chart_groups(ctx, dash.records(whole, ctx.t("dash_period_all")))
    chart_over_time(ctx, shown, names, period, group, groups)
    chart_criteria(ctx, whole, group, groups)
    st.subheader(ctx.t("dash_table"))
    # "n/a", not "None"; numbers in the reader's form
    show_figures([{names[k]: v for k, v in rec.items()} for rec in shown], ctx.lang, ctx.t("dash_na"))
    st.download_button(ctx.t("dash_download"), lambda: dash.csv_file(shown, names),  # made when clicked
                       file_name=f"callqa-{group}-{period}.csv", mime="text/csv", key="dash_download")
    render_kpis(ctx, filt, period, group, data.criteria)
    progress_panel(ctx, week_of(date.today()))  # the reviewers' assignments and goals this week (qa.app.assignments)
