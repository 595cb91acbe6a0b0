"""The queue's saved views: open one of your views, delete it, or save the list you are looking at under a name
(its filters and order, as the URL holds them; qa.review.saved_views)."""
from __future__ import annotations

import streamlit as st

from qa.app.call_review import show_error
from qa.app.common import Context, go
from qa.review import saved_views as views
from transcribe.errors import CallQAError


def saved_views_bar(ctx: Context, current: dict[str, list[str]]) -> None:
    """The saved-views expander of the queue; `current`: the URL parameters of the view shown now."""
    mine = views.list_views(ctx.store, ctx.viewer)
    with st.expander(ctx.t("views_title", n=len(mine)), expanded=False):
        if mine:
            names = [v.name for v in mine]
            left, mid, right = st.columns([4, 1, 1], vertical_alignment="bottom")
            chosen = left.selectbox(ctx.t("views_pick"), names, index=None, key="views_pick",
                                    placeholder=ctx.t("choose_options"))
            if mid.button(ctx.t("views_open"), key="views_open", disabled=chosen is None) and chosen in names:
                go("queue", **mine[names.index(chosen)].params)  # checked like any URL when the queue shows it
            if right.button(ctx.t("views_delete"), key="views_delete", disabled=chosen is None) and chosen:
                try:
                    views.delete_view(ctx.store, ctx.viewer, chosen)
                except CallQAError as exc:
                    show_error(ctx, exc)
                else:
                    st.rerun()
        else:
            st.caption(ctx.t("views_none"))
        with st.form("views_save", clear_on_submit=True, border=False):
            left, right = st.columns([5, 1], vertical_alignment="bottom")
            name = left.text_input(ctx.t("views_name"), max_chars=views.MAX_NAME, key="views_name")
            if right.form_submit_button(ctx.t("views_save")):
                try:
                    saved = views.save_view(ctx.store, ctx.viewer, name, current)
                except CallQAError as exc:
                    show_error(ctx, exc)
                else:
                    st.success(ctx.t("views_saved", name=saved.name))
