"""Search page ("search"): the turns that say some words, in the calls the viewer may see (`qa.review.search`),
with the words highlighted in their turn, the call, agent, date, speaker and time, and a button to the call.
The words and the speaker filter live in the URL (`?page=search&q=giao+cham&who=customer`), so reload, Back
and a shared link show the same search (access rules still decide what is found)."""
from __future__ import annotations

import streamlit as st

from qa.app.common import Context, go, plain
from qa.i18n import format as fmt
from qa.review.search import Hit, search_turns

PAGE_SIZE = 25
SPEAKERS = ("", "agent", "customer")


def _marked(hit: Hit) -> str:
    """The turn's text as plain Markdown with the found words in bold."""
    if hit.span is None:
        return plain(hit.text)
    a, b = hit.span
    return plain(hit.text[:a]) + "**" + plain(hit.text[a:b]) + "**" + plain(hit.text[b:])


def render(ctx: Context) -> None:
    st.header(ctx.t("search_title"))
    q0 = st.query_params.get("q", "")[:200]
    who0 = st.query_params.get("who", "")
    with st.container(horizontal=True, vertical_alignment="bottom", wrap=False):  # the speaker box keeps its width
        query = st.text_input(ctx.t("search_words"), value=q0, max_chars=200, key="search_q",
                              placeholder=ctx.t("search_placeholder"))
        who = st.selectbox(ctx.t("search_speaker"), SPEAKERS, index=SPEAKERS.index(who0) if who0 in SPEAKERS else 0,
                           format_func=lambda s: ctx.t("search_any") if not s else ctx.t(s), key="search_who",
                           placeholder=ctx.t("choose_options"), width=180)
    if query != q0 or who != who0:
        st.query_params.update({"page": "search", "q": query, "who": who, "p": "0"})
    try:
        page = max(0, int(st.query_params.get("p", "0")))
    except ValueError:
        page = 0
    if not query.strip():
        st.caption(ctx.t("search_hint"))
        return
    found = search_turns(ctx.store, ctx.viewer, query, speaker=who or None, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    st.caption(ctx.t("search_count", turns=fmt.integer(found.turns, ctx.lang), calls=fmt.integer(found.calls,
                                                                                                ctx.lang)))
    for k, hit in enumerate(found.hits):
        speaker = ctx.t("agent") if hit.speaker == "agent" else ctx.t("customer")
        # the button keeps its width beside the text, however narrow the window (a column would cut its label)
        with st.container(border=True, horizontal=True, vertical_alignment="center", wrap=False):
            with st.container():
                st.markdown(f"**{plain(hit.call_id)}** · {plain(hit.agent_id or fmt.NOTHING)} · "
                            f"{fmt.date(hit.call_date, ctx.lang)} · {speaker} · {ctx.t('turn')} {hit.turn} · "
                            f"{fmt.seconds_range(hit.start, hit.end, ctx.lang)}")
                st.markdown(_marked(hit))
            if st.button(ctx.t("rev_open_call"), key=f"search_open_{k}_{hit.call_id}_{hit.turn}"):
                go("call", call=hit.call_id)
    prev_col, next_col = st.columns(2)
    if page > 0 and prev_col.button(ctx.t("search_prev"), key="search_prev"):
        st.query_params["p"] = str(page - 1)
        st.rerun()
    if (page + 1) * PAGE_SIZE < found.turns and next_col.button(ctx.t("search_next"), key="search_next"):
        st.query_params["p"] = str(page + 1)
        st.rerun()
