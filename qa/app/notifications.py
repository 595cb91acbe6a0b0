"""The sidebar's notifications, on every page: an agent's reviews waiting for an answer, a reviewer's open
disputes (`qa.review.notifications`), with how many arrived since the person last opened that page in this
session, and a button that opens it."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from qa.app.common import Context, go
from qa.review.notifications import notifications

SEEN_KEY = "notif_seen"  # st.session_state: when the person last opened the page the notices lead to
PAGE = {"shared": "my", "dispute": "disputes"}


def mark_seen(page: str) -> None:
    """Record that the page the notices lead to is being shown now (its notices are no longer new)."""
    if page in PAGE.values():
        st.session_state[SEEN_KEY] = {**st.session_state.get(SEEN_KEY, {}), page: datetime.now()}


def sidebar(ctx: Context, current_page: str) -> None:
    """The count of what waits for the signed-in person, and a button to its page (nothing when nothing waits)."""
    kind = "shared" if ctx.viewer.is_agent else "dispute"
    page = PAGE[kind]
    since = st.session_state.get(SEEN_KEY, {}).get(page)
    got = notifications(ctx.store, ctx.viewer, since=since, limit=1)
    if current_page == page:
        mark_seen(page)
    if got.count == 0:
        return
    text = ctx.t(f"notif_{kind}_{'one' if got.count == 1 else 'other'}", n=got.count)
    if since is not None and got.new:
        text += " · " + ctx.t("notif_new", n=got.new)
    st.sidebar.markdown(f":material/notifications: **{text}**")
    if current_page != page and st.sidebar.button(ctx.t("notif_open"), key="notif_open"):
        go(page)
