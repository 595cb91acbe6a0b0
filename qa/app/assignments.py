"""Assignments page ("assignments", reviewers): my assigned calls this week with a button to each, every
reviewer's progress against their weekly goal, and — for supervisors and admins — assigning a review sample to a
reviewer and setting goals (`qa.review.assignments`). The week is in the URL (`?page=assignments&week=...`)."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from qa.accounts.users import list_users
from qa.app.call_review import attempt, flash, state_label
from qa.app.common import Context, go, plain
from qa.i18n import format as fmt
from qa.review.assignments import assign, assigned_to, progress, set_goal, week_of
from qa.review.queue import SAMPLE_METHODS, QueueFilter, sample_page


def _week(ctx: Context) -> date:
    try:
        asked = date.fromisoformat(st.query_params.get("week", ""))
    except ValueError:
        asked = date.today()
    picked = st.date_input(ctx.t("asg_week"), value=week_of(asked), key="asg_week", format="YYYY-MM-DD")
    monday = week_of(picked if isinstance(picked, date) else asked)
    if st.query_params.get("week") != monday.isoformat():
        st.query_params["week"] = monday.isoformat()
    st.caption(ctx.t("asg_week_span", start=fmt.date(monday, ctx.lang),
                     end=fmt.date(monday + timedelta(days=6), ctx.lang)))
    return monday


def mine_panel(ctx: Context, monday: date) -> None:
    st.subheader(ctx.t("asg_mine"))
    items = assigned_to(ctx.store, ctx.viewer, monday)
    mine = next((p for p in progress(ctx.store, ctx.viewer, monday) if p.reviewer == ctx.viewer.username), None)
    if mine is not None:
        target = mine.goal or mine.assigned
        st.caption(ctx.t("asg_my_progress", done=fmt.integer(mine.done, ctx.lang),
                         goal=fmt.integer(target, ctx.lang)))
        if mine.share is not None:
            st.progress(mine.share)
    if not items:
        st.caption(ctx.t("asg_none"))
    for a in items:
        tick = ":material/check_circle:" if a.done else ":material/radio_button_unchecked:"
        with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                          wrap=False):  # the button keeps its width, however narrow the window
            st.markdown(f"{tick} **{plain(a.call_id)}** · {plain(a.agent_id or fmt.NOTHING)} · "
                        f"{fmt.date(a.call_date, ctx.lang)} · {state_label(ctx, a.state)}")
            if st.button(ctx.t("rev_open_call"), key=f"asg_open_{a.call_id}"):
                go("call", call=a.call_id)


def progress_panel(ctx: Context, monday: date) -> None:
    st.subheader(ctx.t("asg_progress"))
    rows = progress(ctx.store, ctx.viewer, monday)
    if not rows:
        st.caption(ctx.t("asg_no_progress"))
        return
    st.dataframe([{ctx.t("asg_col_reviewer"): p.reviewer, ctx.t("asg_col_assigned"): p.assigned,
                   ctx.t("asg_col_done"): p.done, ctx.t("asg_col_goal"): p.goal,
                   ctx.t("asg_col_share"): p.share} for p in rows], hide_index=True, width="stretch",
                 column_config={ctx.t("asg_col_share"): st.column_config.ProgressColumn(
                     ctx.t("asg_col_share"), min_value=0.0, max_value=1.0, format="percent")})


def assign_panel(ctx: Context, monday: date) -> None:
    reviewers = [u.username for u in list_users(ctx.store) if u.active and u.role in ("admin", "supervisor")]
    with st.expander(ctx.t("asg_assign_title")), st.form("asg_assign"):
        method = st.selectbox(ctx.t("queue_sample_method"), SAMPLE_METHODS,
                              format_func=lambda m: ctx.t("queue_method_" + m), key="asg_method",
                              placeholder=ctx.t("choose_options"))
        per = st.number_input(ctx.t("queue_sample_n"), min_value=1, max_value=50, value=5, key="asg_per")
        who = st.selectbox(ctx.t("asg_reviewer"), reviewers, key="asg_reviewer", placeholder=ctx.t("choose_options"))
        if st.form_submit_button(ctx.t("asg_assign_submit")) and who:
            week = QueueFilter(date_from=monday, date_to=monday + timedelta(days=6))
            ids = [r.call_id for r in sample_page(ctx.store, ctx.viewer, week, method, int(per), limit=None).rows]
            attempt(ctx, lambda: assign(ctx.store, ctx.viewer, ids, who, monday),
                    ctx.t("asg_assigned_n", n=len(ids), user=who))
    with st.expander(ctx.t("asg_goal_title")), st.form("asg_goal"):
        who = st.selectbox(ctx.t("asg_reviewer"), reviewers, key="asg_goal_reviewer",
                           placeholder=ctx.t("choose_options"))
        goal = st.number_input(ctx.t("asg_goal"), min_value=0, max_value=1000, value=40, key="asg_goal_n",
                               help=ctx.t("asg_goal_help"))
        if st.form_submit_button(ctx.t("asg_goal_submit")) and who:
            attempt(ctx, lambda: set_goal(ctx.store, ctx.viewer, who, int(goal) or None),
                    ctx.t("asg_goal_saved", user=who))


def render(ctx: Context) -> None:
    st.header(ctx.t("asg_title"))
    flash(ctx)
    monday = _week(ctx)
    mine_panel(ctx, monday)
    progress_panel(ctx, monday)
    assign_panel(ctx, monday)
