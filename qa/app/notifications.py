"""The sidebar's notifications, on every page: an agent's reviews waiting for an answer, a reviewer's open
disputes (`qa.review.notifications`): how many wait, and the new ones listed, each a button that opens its
call. A notice is read once its call has been opened, or once the page listing them all (the agent's
scorecards, the disputes) has been shown; the count stays until the review is answered or the dispute
resolved. What was read is kept in the store per person (`qa.review.notifications.reads`): a reload, a new tab
or another device does not show it as new again."""
from __future__ import annotations

import streamlit as st

from qa.app.common import Context, go, plain
from qa.i18n import format as fmt
from qa.review.notifications import Notice, mark_read, notifications, reads, unread

PAGE = {"shared": "my", "dispute": "disputes"}
SHOWN = 10  # new notices listed in the sidebar (the count covers all)


def sidebar(ctx: Context, current_page: str) -> None:
    """The count of what waits for the signed-in person, the new notices (each opens its call) and a button to
    the page that lists them all (nothing when nothing waits). Shown on the list page, the notices listed now
    are read from the next page on. Reads are written only when a new notice becomes read (a write changes the
    store's version, which the app's caches follow)."""
    kind = "shared" if ctx.viewer.is_agent else "dispute"
    page = PAGE[kind]
    got = notifications(ctx.store, ctx.viewer)
    if got.count == 0:
        return
    list_seen, opened = reads(ctx.store, ctx.viewer)
    fresh = unread(got.items, list_seen, opened)
    waiting = [n.call_id for n in got.items]
    call_id = st.query_params.get("call") if current_page == "call" else None
    if call_id and any(n.call_id == call_id for n in fresh):  # its call is being read now
        opened[call_id] = mark_read(ctx.store, ctx.viewer, call_id, waiting)
        fresh = unread(got.items, list_seen, opened)
    if current_page == page and fresh:  # listed on this page: read from the next page on
        mark_read(ctx.store, ctx.viewer, None, waiting)
    text = ctx.t(f"notif_{kind}_{'one' if got.count == 1 else 'other'}", n=got.count)
    if fresh:
        text += " · " + ctx.t("notif_new", n=len(fresh))
    st.sidebar.markdown(f":material/notifications: **{text}**")
    if fresh:
        with st.sidebar.container(key="notif-list"):
            for n in fresh[:SHOWN]:
                notice_button(ctx, n)
    if current_page != page and st.sidebar.button(ctx.t("notif_open"), key="notif_open"):
        go(page)


def notice_button(ctx: Context, n: Notice) -> None:
    """One new notice: the call, who shared (or disputed) it and when; a click opens the call."""
    label = ctx.t(f"notif_item_{n.action}", call=plain(n.call_id), who=plain(n.actor),
                  when=fmt.datetime(n.at, ctx.lang))
    if st.button(label, key=f"notif_item_{n.call_id}", icon=":material/mark_email_unread:", width="stretch"):
        go("call", call=n.call_id)
