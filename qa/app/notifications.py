"""The sidebar's notifications, on every page: an agent's reviews waiting for an answer, a reviewer's open
disputes (`qa.review.notifications`): how many wait, and the new ones listed, each a button that opens its
call. A notice is read once its call has been opened, or once the page listing them all (the agent's
scorecards, the disputes) has been shown; the count stays until the review is answered or the dispute
resolved. What was read is remembered for this browser session."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from qa.app.common import Context, go, plain
from qa.i18n import format as fmt
from qa.review.audit import now
from qa.review.notifications import Notice, notifications, unread

SEEN_KEY = "notif_seen"  # st.session_state: {"list": when the list page was last shown, "calls": {call: opened}}
PAGE = {"shared": "my", "dispute": "disputes"}
SHOWN = 10  # new notices listed in the sidebar (the count covers all)


def _reads(current_page: str) -> tuple[datetime | None, dict[str, datetime]]:
    """When the list page was last shown before this run, and the calls opened (this one included, when the
    page shows a call: it is being read now)."""
    seen: dict[str, Any] = st.session_state.get(SEEN_KEY) or {}
    opened = dict(seen.get("calls") or {})
    call_id = st.query_params.get("call")
    if current_page == "call" and call_id and len(call_id) <= 200:
        opened[call_id] = now()
    return seen.get("list"), opened


def sidebar(ctx: Context, current_page: str) -> None:
    """The count of what waits for the signed-in person, the new notices (each opens its call) and a button to
    the page that lists them all (nothing when nothing waits). Shown on the list page, the notices listed now
    are read from the next page on."""
    kind = "shared" if ctx.viewer.is_agent else "dispute"
    page = PAGE[kind]
    list_seen, opened = _reads(current_page)
    got = notifications(ctx.store, ctx.viewer)
    fresh = unread(got.items, list_seen, opened)
    st.session_state[SEEN_KEY] = {"list": now() if current_page == page else list_seen, "calls": opened}
    if got.count == 0:
        return
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
