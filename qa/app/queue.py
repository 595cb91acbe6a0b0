"""Review queue page: filters over the scored calls, one page of results at a time, review samples, and a way to
open a call (click its row; the call page then steps through the list: qa.app.call_nav). Every query and
permission rule is in `qa.review.queue` (this page only draws widgets and tables). The filters, order and page
number live in the URL too (qa.app.queue_url), so a reload, Back/Forward or a shared link shows the same list."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import streamlit as st

from qa.app import cached
from qa.app.common import Context, go
from qa.app.queue_url import NAV_PARAMS, PARAMS, QueueView, parse, to_params, url_params
from qa.app.saved_views import saved_views_bar
from qa.i18n import criterion_name, flag_text, level_name
from qa.i18n import format as fmt
from qa.review import queue
from qa.review.date_presets import PRESETS, date_preset

PAGE_SIZE = 100
URL_KEY = "queue_url"  # st.session_state: the queue parameters this session last put in (or took from) the URL
OPEN_IDS = "queue_open_ids"  # st.session_state: the calls "Open a call" offered last, in the table's order
TABLE_N = "queue_table_n"  # st.session_state: bumped after a row opens a call (a fresh table, nothing selected)


def apply_url(opts: queue.FilterOptions, me: str) -> None:
    """Set the queue's widgets to the view the URL asks for, when the URL is not the one this session wrote last
    (a reload, a new tab, a shared link, Back/Forward). Every value is checked (`qa.app.queue_url.parse`)."""
    params = {k: v for k, v in url_params(st.query_params).items() if k in PARAMS and v}
    if st.session_state.get(URL_KEY) == params and "queue_agents" in st.session_state:
        return  # the widgets hold this view (Streamlit forgets them while another page shows)
    view = parse(params, opts, me)
    f, state = view.filt, st.session_state
    state["queue_dates"] = (f.date_from, f.date_to)
    for key, values in (("queue_agents", f.agent_ids), ("queue_teams", f.teams), ("queue_languages", f.languages),
                        ("queue_failed", f.failed_criteria), ("queue_flags", f.flags),
                        ("queue_states", f.review_states)):
        state[key] = list(values)
    state["queue_score"] = (int(f.score_min or 0), int(100 if f.score_max is None else f.score_max))
    state["queue_says"] = f.says
    state["queue_mine"] = bool(f.assigned_to)
    state["queue_order"] = view.order
    state["queue_page_no"] = view.page
    state["queue_page_no_asked"] = repr((f, view.order))  # page_number keeps the page for this filter
    state[URL_KEY] = params


def write_url(view: QueueView, opts: queue.FilterOptions) -> None:
    """Put `view` in the URL (replacing the queue's parameters there), when it changed."""
    params = to_params(view, opts)
    current = {k: v for k, v in url_params(st.query_params).items() if v}
    if current != params or "call" in st.query_params:
        kept = {k: st.query_params.get_all(k) for k in st.query_params if k not in (*NAV_PARAMS, "call")}
        st.query_params.from_dict({**kept, **params})  # one change: one step for the browser's Back
    st.session_state[URL_KEY] = params


def date_range(ctx: Context, first: date | None, last: date | None, key: str) -> tuple[date | None, date | None]:
    """A from–to date picker (a half-picked range leaves the end open), with presets above it (last 7 days, this
    week, …: qa.review.date_presets) that fill it in; changing the dates by hand clears the preset."""
    preset_key = f"{key}_preset"

    def apply_preset() -> None:
        name = st.session_state.get(preset_key)
        if name:
            st.session_state[key] = date_preset(name, date.today(), first, last)

    def clear_preset() -> None:
        st.session_state[preset_key] = None

    st.selectbox(ctx.t("date_presets"), PRESETS, index=None, key=preset_key, on_change=apply_preset,
                 format_func=lambda p: ctx.t("date_preset_" + p), placeholder=ctx.t("date_presets"),
                 label_visibility="collapsed")
    picked = st.date_input(ctx.t("queue_dates"), value=(first, last), key=key, on_change=clear_preset)
    picked = picked if isinstance(picked, (tuple, list)) else (picked,)
    return (picked[0] if picked else None), (picked[1] if len(picked) > 1 else None)


def filter_form(ctx: Context, opts: queue.FilterOptions) -> queue.QueueFilter:
    """The queue's filter widgets, as a QueueFilter."""
    names = dict(opts.criteria)
    pick = ctx.t("choose_options")  # the placeholder of the multi-selects, in the reader's language
    with st.expander(ctx.t("queue_filters"), expanded=True):
        row = st.columns(4)
        with row[0]:
            date_from, date_to = date_range(ctx, opts.first_date, opts.last_date, "queue_dates")
        agents = row[1].multiselect(ctx.t("queue_agents"), opts.agents, key="queue_agents", placeholder=pick)
        teams = row[2].multiselect(ctx.t("queue_teams"), opts.teams, key="queue_teams", placeholder=pick)
        languages = row[3].multiselect(ctx.t("queue_languages"), opts.languages, placeholder=pick,
                                       key="queue_languages")
        row = st.columns(4)
        low, high = row[0].slider(ctx.t("queue_score_band"), 0, 100, (0, 100), key="queue_score")
        failed = row[1].multiselect(ctx.t("queue_failed"), list(names), key="queue_failed", placeholder=pick,
                                    format_func=lambda c: criterion_name(c, names[c], ctx.lang))
        flags = row[2].multiselect(ctx.t("queue_flags"), opts.flags, key="queue_flags", placeholder=pick,
                                   format_func=lambda f: flag_label(f, ctx.lang))
        states = row[3].multiselect(ctx.t("queue_states"), list(queue.REVIEW_STATES), key="queue_states",
                                    placeholder=pick, format_func=lambda s: ctx.t("queue_state_" + s))
        words, assigned = st.columns([3, 1], vertical_alignment="bottom")
        says = words.text_input(ctx.t("queue_says"), key="queue_says", max_chars=120,
                                 placeholder=ctx.t("queue_says_placeholder"), help=ctx.t("queue_says_help"))
        mine = assigned.checkbox(ctx.t("queue_mine"), key="queue_mine", help=ctx.t("queue_mine_help"))
    return queue.QueueFilter(date_from=date_from, date_to=date_to, agent_ids=tuple(agents), teams=tuple(teams),
                             languages=tuple(languages), score_min=low if low > 0 else None,
                             score_max=high if high < 100 else None, failed_criteria=tuple(failed),
                             flags=tuple(flags), review_states=tuple(states), says=" ".join(says.split()),
                             assigned_to=ctx.viewer.username if mine else "")


def flag_label(flag: str, lang: str) -> str:
    """A flag ("critical_failure:rude") or a flag's kind ("critical_failure") as a reviewer reads it."""
    return flag_text(flag, lang)[0].strip(" :")


def table(ctx: Context, rows: list[queue.QueueRow], names: dict[str, str]) -> list[dict[str, Any]]:
    """The rows as the results table shows them."""
    def crit(c: str) -> str:
        return criterion_name(c, names.get(c, c), ctx.lang)
    return [{ctx.t("call"): r.call_id, ctx.t("queue_col_date"): r.call_date, ctx.t("queue_col_week"): r.week,
             ctx.t("agent_id"): r.agent_id, ctx.t("queue_col_team"): r.team, ctx.t("language"): r.language,
             ctx.t("total"): r.total,
             ctx.t("queue_col_level"): f"{r.service_level} {level_name(r.service_level, r.service_label, ctx.lang)}"
             if r.service_level else None,
             ctx.t("queue_col_failed"): ctx.t("queue_blind") if r.blind else ", ".join(crit(c) for c in r.failed),
             ctx.t("flags"): ", ".join(flag_label(f, ctx.lang) for f in r.flags),
             ctx.t("queue_col_state"): ctx.t("queue_state_" + r.review_state)
             if r.review_state in queue.REVIEW_STATES else r.review_state} for r in rows]


def open_row(rows: list[queue.QueueRow], index: int, first: int, nav: dict[str, list[str]] | None) -> None:
    """Open the call of `rows[index]` on the call page; with `nav` (the list's URL parameters) the call page
    knows its place (`pos`, 1-based over all pages, `first` being the page's first) for previous / next."""
    params: dict[str, str | list[str]] = {"call": rows[index].call_id}
    if nav is not None:
        params.update(nav)
        params["pos"] = str(first + index)
    go("call", **params)


def open_call(ctx: Context, rows: list[queue.QueueRow], first: int, nav: dict[str, list[str]] | None) -> None:
    """Pick one of the shown calls (in the table's order) and open it on the call page. Whenever the table's
    calls or their order change (another order, a filter, the next page), the pick goes back to the top row:
    Streamlit would keep an earlier pick that is still listed, and Open would go to a call far down the list."""
    ids = [r.call_id for r in rows]
    if st.session_state.get(OPEN_IDS) != ids:
        st.session_state[OPEN_IDS] = ids
        st.session_state["queue_open"] = ids[0] if ids else None
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    chosen = left.selectbox(ctx.t("queue_open"), ids, key="queue_open", placeholder=ctx.t("choose_options"))
    if right.button(ctx.t("queue_open_button"), key="queue_open_button") and chosen in ids:
        open_row(rows, ids.index(chosen), first, nav)


def show_list(ctx: Context, filt: queue.QueueFilter, names: dict[str, str], opts: queue.FilterOptions) -> None:
    order = st.selectbox(ctx.t("queue_order"), queue.ORDERS, key="queue_order",
                         format_func=lambda o: ctx.t("queue_order_" + o), placeholder=ctx.t("choose_options"))
    page_no = page_number(ctx, "queue_page_no", repr((filt, order)))
    view = QueueView(filt, order, page_no)
    write_url(view, opts)
    result = queue.list_queue(ctx.store, ctx.viewer, filt, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE,
                              order=order)
    show_page(ctx, result, page_no, names, to_params(replace(view, page=1), opts))


def show_page(ctx: Context, result: queue.QueuePage, page_no: int, names: dict[str, str],
              nav: dict[str, list[str]] | None = None) -> None:
    """One page of calls (a queue page or a sample page): which calls of how many, the table (click a row to
    open its call), and Open. `nav`: the list's URL parameters, passed on to the call page (None: a sample)."""
    if not result.rows:
        st.info(ctx.t("queue_none"))
        return
    first = (page_no - 1) * PAGE_SIZE + 1
    last = first + len(result.rows) - 1
    st.caption(ctx.t("queue_showing", first=fmt.integer(first, ctx.lang), last=fmt.integer(last, ctx.lang),
                     total=fmt.integer(result.total, ctx.lang)) + " · " + ctx.t("queue_open_hint"))
    n = st.session_state.get(TABLE_N, 0)
    event = st.dataframe(table(ctx, result.rows, names), hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key=f"queue_table_{n}", placeholder=fmt.NOTHING)
    picked = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
    if picked and 0 <= picked[0] < len(result.rows):
        st.session_state[TABLE_N] = n + 1  # back on the queue, the table has no row selected
        open_row(result.rows, picked[0], first, nav)
    open_call(ctx, result.rows, first, nav)


def page_number(ctx: Context, key: str, asked: str) -> int:
    """The page number input; back to page 1 whenever `asked` (the filters, order or sample) changes."""
    if st.session_state.get(key + "_asked") != asked:
        st.session_state[key + "_asked"] = asked
        st.session_state[key] = 1
    return int(st.number_input(ctx.t("queue_page_no"), min_value=1, step=1, key=key))


def show_sample(ctx: Context, filt: queue.QueueFilter, names: dict[str, str]) -> None:
    row = st.columns(3)
    method = row[0].selectbox(ctx.t("queue_sample_method"), queue.SAMPLE_METHODS, key="queue_method",
                              format_func=lambda m: ctx.t("queue_method_" + m), placeholder=ctx.t("choose_options"))
    per = int(row[1].number_input(ctx.t("queue_sample_n"), min_value=1, max_value=queue.MAX_PER_AGENT_WEEK,
                                  value=5, step=1, key="queue_sample_n"))
    seed = int(row[2].number_input(ctx.t("queue_sample_seed"), min_value=0, value=0, step=1,
                                   key="queue_sample_seed"))
    asked = repr((filt, method, per, seed))
    if st.button(ctx.t("queue_sample_draw"), key="queue_sample_draw", type="primary"):
        st.session_state["queue_sample"] = asked
    if st.session_state.get("queue_sample") != asked:  # nothing drawn yet, or drawn with other settings
        st.info(ctx.t("queue_sample_hint"))
        return
    page_no = page_number(ctx, "queue_sample_page_no", asked)
    result = queue.sample_page(ctx.store, ctx.viewer, filt, method, per, seed, limit=PAGE_SIZE,
                               offset=(page_no - 1) * PAGE_SIZE)
    st.caption(ctx.t("queue_sample_result", n=fmt.integer(result.total, ctx.lang),
                     method=ctx.t("queue_method_" + method), per=per, seed=seed))
    show_page(ctx, result, page_no, names)


def render(ctx: Context) -> None:
    """The review queue (reviewers only: see qa.app.pages; the data is scoped by qa.review.queue either way)."""
    st.header(ctx.t("queue_title"))
    opts = cached.filter_options(ctx.store, ctx.viewer)
    if opts.first_date is None:
        st.info(ctx.t("no_calls_visible"))
        return
    apply_url(opts, ctx.viewer.username)
    filt = filter_form(ctx, opts)
    order = st.session_state.get("queue_order")
    saved_views_bar(ctx, to_params(QueueView(filt, order if order in queue.ORDERS else queue.ORDERS[0]), opts))
    names = dict(opts.criteria)
    mode = st.radio(ctx.t("queue_mode"), ("list", "sample"), key="queue_mode", horizontal=True,
                    format_func=lambda m: ctx.t("queue_mode_" + m))
    if mode == "list":
        show_list(ctx, filt, names, opts)
    else:
        write_url(QueueView(filt), opts)
        show_sample(ctx, filt, names)
