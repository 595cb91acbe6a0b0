"""Reviewers' page ("disputes"): the open disputes of the calls they may see, each with the agent's comment and the
criteria they dispute, a link to the call, and the resolution per criterion (`qa.app.dispute_forms`: accept — the
result changes by an override — or reject each criterion, and answer the agent)."""
from __future__ import annotations

import streamlit as st

from qa.app.call_review import assessment_actions, flash
from qa.app.common import Context, go, plain
from qa.i18n import criterion_name
from qa.i18n import format as fmt
from qa.review.assessments import allowed_actions, open_disputes
from qa.review.disputes import disputed_criteria


def render(ctx: Context) -> None:
    st.header(ctx.t("rev_disputes_title"))
    flash(ctx)
    disputes = open_disputes(ctx.store, ctx.viewer)
    if not disputes:
        st.info(ctx.t("rev_no_disputes"))
        return
    for d in disputes:
        with st.container(border=True):
            st.markdown(ctx.t("rev_dispute_line", call=plain(d.call_id), agent=plain(d.agent_id or "—"),
                              who=plain(d.disputed_by),
                              when=fmt.datetime(d.disputed_at, ctx.lang)))
            st.markdown(f"> {plain(d.comment or '')}")
            named = disputed_criteria(ctx.store, ctx.viewer, d.call_id)
            if named:
                st.markdown(ctx.t("rev_dispute_named", criteria=", ".join(
                    plain(criterion_name(c, c, ctx.lang)) for c in named)))
            if st.button(ctx.t("rev_open_call"), key=f"disp_open_{d.call_id}"):
                go("call", call=d.call_id)
            resolve = [a for a in allowed_actions(ctx.store, ctx.viewer, d.call_id) if a == "resolve"]
            assessment_actions(ctx, d.call_id, resolve, prefix="disp_")
