"""The agent's page ("my"): my scorecards with the results in force and each review's state, assessments waiting
for my answer (acknowledge, or dispute with a comment), my LAST pass rates by week, and my coaching notes."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from qa.app.call_review import assessment_actions, flash, state_label, status_label
from qa.app.common import Context, go, plain
from qa.i18n import criterion_name
from qa.i18n import format as fmt
from qa.review.assessments import allowed_actions
from qa.review.notes import coaching_notes
from qa.review.results import ReviewedCall, reviewed_calls, weekly_pass_rates

TREND_CALLS = 2000  # newest calls the trend chart covers


def waiting_panel(ctx: Context, calls: list[ReviewedCall]) -> None:
    waiting = [c for c in calls if c.state == "shared"]
    st.subheader(ctx.t("rev_my_waiting") + f" ({len(waiting)})")
    if not waiting:
        st.caption(ctx.t("rev_my_nothing_waiting"))
    for c in waiting:
        with st.container(border=True):
            st.markdown(ctx.t("rev_my_call_line", call=plain(c.call_id), day=fmt.date(c.call_date, ctx.lang),
                              total=fmt.number(c.total, ctx.lang), reviewed=fmt.number(c.reviewed_total, ctx.lang)))
            changed = [criterion_name(r.criterion_id, r.name, ctx.lang) + f": {status_label(ctx, r.auto_status)} → "
                       f"{status_label(ctx, r.status)} ({plain(r.override.reason)})" for r in c.results if r.override]
            for line in changed:
                st.caption(line)
            if st.button(ctx.t("rev_open_call"), key=f"my_open_{c.call_id}"):
                go("call", call=c.call_id)
            assessment_actions(ctx, c.call_id, allowed_actions(ctx.store, ctx.viewer, c.call_id), prefix="my_")


def scorecards_panel(ctx: Context, calls: list[ReviewedCall]) -> None:
    st.subheader(ctx.t("rev_my_scorecards"))
    table = [{ctx.t("call"): c.call_id, ctx.t("rev_date"): c.call_date, ctx.t("total"): c.total,
              ctx.t("rev_reviewed_total"): c.reviewed_total, ctx.t("rev_state"): state_label(ctx, c.state),
              **{criterion_name(k, k.capitalize(), ctx.lang): status_label(ctx, v) for k, v in c.statuses.items()}}
             for c in calls]
    st.dataframe(table, hide_index=True, width="stretch")
    pick, open_ = st.columns([4, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(ctx.t("pick_call"), [c.call_id for c in calls], key="my_pick_call",
                            placeholder=ctx.t("choose_options"))
    if open_.button(ctx.t("rev_open_call"), key="my_open_picked") and chosen:
        go("call", call=chosen)


def trend_panel(ctx: Context, calls: list[ReviewedCall]) -> None:
    st.subheader(ctx.t("rev_my_trends"))
    rates = weekly_pass_rates(calls)
    if not rates:
        st.caption(ctx.t("rev_no_trend"))
        return
    names = {r.criterion_id: r.name for c in calls for r in c.results}
    data = pd.DataFrame([{"week": w.week.isoformat(), "criterion": criterion_name(w.criterion_id,
                          names.get(w.criterion_id, w.criterion_id), ctx.lang), "rate": w.rate,
                          "calls": w.applied} for w in rates])
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("week:T", title=ctx.t("rev_week")),
        y=alt.Y("rate:Q", title=ctx.t("rev_pass_rate"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("criterion:N", title=ctx.t("rev_criterion")),
        tooltip=[alt.Tooltip("week:T", title=ctx.t("rev_week")),
                 alt.Tooltip("criterion:N", title=ctx.t("rev_criterion")),
                 alt.Tooltip("rate:Q", format=".0%", title=ctx.t("rev_pass_rate")),
                 alt.Tooltip("calls:Q", title=ctx.t("rev_calls_counted"))])
    st.altair_chart(chart.configure(locale=fmt.chart_locale(ctx.lang)), width="stretch")


def notes_panel(ctx: Context) -> None:
    st.subheader(ctx.t("rev_my_notes"))
    notes = coaching_notes(ctx.store, ctx.viewer)
    if not notes:
        st.caption(ctx.t("rev_no_notes"))
    for n in notes:
        where = ctx.t("rev_on_call") if n.turn_idx is None else f"{ctx.t('turn')} {n.turn_idx}"
        st.markdown(f"**{plain(n.call_id)}** · {where} · {plain(n.author)}, {fmt.datetime(n.created_at, ctx.lang)} — "
                    f"{plain(n.text)}")


def render(ctx: Context) -> None:
    st.header(ctx.t("rev_my_title"))
    flash(ctx)
    calls = reviewed_calls(ctx.store, ctx.viewer, limit=TREND_CALLS)
    if not calls:
        st.info(ctx.t("no_calls_visible"))
        return
    waiting_panel(ctx, calls)
    scorecards_panel(ctx, calls)
    trend_panel(ctx, calls)
    notes_panel(ctx)
