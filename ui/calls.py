"""Calls page: the calls the viewer may see (one page at a time), and the chosen call's view."""
from __future__ import annotations

import streamlit as st

from qa.access import call_scope
from qa.i18n import criterion_name
from ui.call import render_call
from ui.common import Context

PAGE_SIZE = 200


def render(ctx: Context) -> None:
    st.subheader(ctx.t("calls"))
    page = int(st.number_input(ctx.t("list_page"), min_value=1, value=1, step=1, key="calls_page"))
    rows = ctx.store.list_calls(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, scope=call_scope(ctx.viewer))
    table = [{ctx.t("call"): r["call_id"], ctx.t("total"): r["total"], ctx.t("language"): r["language"],
              ctx.t("agent_id"): r["agent_id"], ctx.t("source"): r["source"], ctx.t("duration"): r["duration"],
              **{criterion_name(k, k.capitalize(), ctx.lang): ctx.t("status_" + v) for k, v in r["statuses"].items()},
              ctx.t("flags"): ", ".join(r["flags"])} for r in rows]
    st.dataframe(table, hide_index=True, width="stretch")
    ids = [r["call_id"] for r in rows]
    asked = st.query_params.get("call")
    if asked and asked not in ids:
        ids = [asked] + ids  # a link to a call on another list page; render_call checks permission
    if not ids:
        st.info(ctx.t("no_calls_visible"))
        return
    chosen = st.selectbox(ctx.t("pick_call"), ids, index=ids.index(asked) if asked in ids else 0)
    st.query_params["call"] = chosen
    render_call(ctx, chosen)
