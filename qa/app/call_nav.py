"""The call page's way through the queue: previous / next call in the queue's order and filters, the call's
place ("Call 3 of 41"), and back to the results page it was opened from. The list comes from the URL (the
queue's parameters and `pos`, qa.app.queue_url) and is recomputed for the signed-in viewer
(`qa.review.queue_nav.position`), so a shared link or a reload gives the same neighbours, and no call outside
the viewer's scope is ever named. Keys: `[` previous, `]` next (not while typing in a field)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from qa.app import cached
from qa.app.common import Context, go
from qa.app.queue import PAGE_SIZE
from qa.app.queue_url import parse, to_params, url_params
from qa.i18n import format as fmt
from qa.review.queue_nav import position

JS = r"""
export default function () {
  if (window.__callqaNavKeys) return;
  window.__callqaNavKeys = true;
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== '[' && ev.key !== ']') return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const el = ev.target;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
    const button = document.querySelector(ev.key === '[' ? '.st-key-callqa-nav-prev button'
                                                          : '.st-key-callqa-nav-next button');
    if (button && !button.disabled) { ev.preventDefault(); button.click(); }
  });
}
"""

_component = None


def _keys() -> None:
    global _component
    if _component is None:  # registered on first use, not at import
        from streamlit.components.v2 import component

        _component = component("callqa_call_nav", js=JS)
    _component(key="callqa-nav-keys", height=0)


def nav_bar(ctx: Context, call_id: str) -> None:
    """Previous / next / back to results, for a reviewer who opened the call from the queue (`pos` in the URL)."""
    params = url_params(st.query_params)
    if not ctx.viewer.reviews or not params.get("pos"):
        return
    opts = cached.filter_options(ctx.store, ctx.viewer)
    view = parse(params, opts, ctx.viewer.username)
    here = position(ctx.store, ctx.viewer, view.filt, view.order, call_id)
    listed: dict[str, Any] = to_params(replace(view, page=1, pos=None), opts)
    at = here.position if here else (view.pos or 1)
    back = dict(listed, **({"p": str((at - 1) // PAGE_SIZE + 1)} if at > PAGE_SIZE else {}))
    with st.container(horizontal=True, vertical_alignment="center", key="callqa-nav"):
        if st.button(ctx.t("call_prev"), key="callqa-nav-prev", icon=":material/arrow_back:",
                     disabled=not (here and here.previous)) and here and here.previous:
            go("call", call=here.previous, pos=str(here.position - 1), **listed)
        if st.button(ctx.t("call_next"), key="callqa-nav-next", icon=":material/arrow_forward:",
                     disabled=not (here and here.next)) and here and here.next:
            go("call", call=here.next, pos=str(here.position + 1), **listed)
        if st.button(ctx.t("call_back"), key="callqa-nav-back", icon=":material/list:"):
            go("queue", **back)
        if here:
            st.caption(ctx.t("call_position", n=fmt.integer(here.position, ctx.lang),
                             total=fmt.integer(here.total, ctx.lang)) + " · " + ctx.t("call_nav_keys"))
    _keys()
