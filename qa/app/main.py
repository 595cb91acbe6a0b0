"""callqa reviewer app (Streamlit): sign in, then the pages your role may open.

Run with `callqa app --db FILE` (Streamlit runs qa/app/entry/streamlit_app.py), or
`streamlit run app.py -- --db FILE` from a source checkout. All data and every permission rule come from `qa`;
qa/app holds presentation only.
"""
from __future__ import annotations

import os
from datetime import date

import streamlit as st

from qa.accounts.access import Viewer
from qa.accounts.auth import SessionLimits, session_viewer
from qa.accounts.preferences import set_user_language, user_language
from qa.app import cookies, notifications
from qa.app.common import GOTO_KEY, LANG_SAVED_KEY, TOKEN_KEY, Context, db_path, error_text, get_store, session_limits
from qa.app.login import render_sign_in, render_signed_in
from qa.app.pages import pages_for
from qa.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from qa.store.database import Store
from transcribe.errors import CallQAError

PAGE_IN_URL = "ui_page_in_url"  # the page this session last put in the URL (another there: Back/Forward)
LANG_PENDING = "callqa_lang_pending"  # the signed-in user's language, to put in the picker on the next run
LANG_SHOWN = "callqa_lang_shown"  # the language of the previous run's widgets
RELABELLED = (str, int, float, list, tuple, date)  # the values of the widgets that show a choice as a label


def main() -> None:
    st.set_page_config(page_title="callqa", layout="wide")
    pending = st.session_state.pop(LANG_PENDING, None)
    if pending in LANGUAGES:  # before the picker is drawn: a widget's value cannot change after
        st.session_state["ui_lang"] = pending
    lang = st.sidebar.radio("Language / Ngôn ngữ", list(LANGUAGES), format_func=LANGUAGES.get, horizontal=True,
                            key="ui_lang")
    if st.session_state.get(LANG_SHOWN) not in (None, lang):
        relabel_widgets()
    st.session_state[LANG_SHOWN] = lang
    st.title(t("title", lang))
    db = db_path()
    if not os.path.exists(db):
        st.error(t("no_db", lang, db=db))
        return
    try:
        limits = session_limits()
    except CallQAError as exc:
        st.error(error_text(exc, lang))
        return
    try:
        store = get_store(db)
        with store.reading():  # one connection for the whole page: it makes many small reads
            show(store, lang, limits)
    except CallQAError as exc:  # the database busy, damaged or unreadable: what to do, never a traceback
        st.error(error_text(exc, lang))


def relabel_widgets() -> None:
    """After a language change, give every widget its value again. Streamlit sends a select box's, radio's or
    multi-select's choice as its label: the browser would go on showing the label in the old language ("newest
    first" under Vietnamese) or, for a radio, no choice at all. A value set through the session state is sent
    again, with the label in the new language. Buttons (True/False), uploads and tables' selections are left
    alone: their values cannot be set and show no label."""
    for key in list(st.session_state):
        value = st.session_state[key]
        if key != "ui_lang" and isinstance(value, RELABELLED) and not isinstance(value, bool):
            st.session_state[key] = value


def show(store: Store, lang: str, limits: SessionLimits) -> None:
    """Sign-in, or the signed-in person's sidebar and page. The session is this tab's (after a sign-in here) or
    the browser's session cookie (a reload, a new tab, a link: qa.app.cookies)."""
    token = st.session_state.get(TOKEN_KEY)
    cookie = None if token else cookies.cookie_token()
    viewer = session_viewer(store, token or cookie, idle_minutes=limits.idle_minutes, max_hours=limits.max_hours)
    if viewer is None:
        if token:
            st.session_state.pop(TOKEN_KEY, None)
            st.session_state["callqa_expired"] = True
        if (token or cookie) and not st.session_state.get(cookies.DROPPED_KEY):  # the cookie holds a dead token
            st.session_state[cookies.DROPPED_KEY] = True
            cookies.drop()
        render_sign_in(store, lang, max_hours=limits.max_hours)
        return
    st.session_state[TOKEN_KEY] = token or cookie
    st.session_state.pop(cookies.DROPPED_KEY, None)
    remember_language(store, viewer, lang)
    code = st.session_state.pop(cookies.CODE_KEY, None)
    if code:
        cookies.push(code)
    render_signed_in(store, viewer, lang)
    if viewer.role == "admin":  # the server's file paths are shown to admins only
        st.sidebar.caption(f"{t('database', lang)}: {store.path}")
    pages = pages_for(viewer.role)
    keys = [p.key for p in pages]
    goto = st.session_state.pop(GOTO_KEY, None)  # qa.app.common.go() from the previous run
    in_url = st.query_params.get("page")
    moved = "ui_page" not in st.session_state or in_url != st.session_state.get(PAGE_IN_URL)  # reload, Back/Forward
    asked = goto or (in_url if moved else None)
    if asked in keys:
        st.session_state["ui_page"] = asked
    elif st.session_state.get("ui_page") not in keys:
        st.session_state["ui_page"] = keys[0]
    key = st.sidebar.radio(t("menu", lang), keys, key="ui_page",
                           format_func=lambda k: t(next(p.title for p in pages if p.key == k), lang))
    if st.query_params.get("page") != key:
        st.query_params["page"] = key
    st.session_state[PAGE_IN_URL] = key
    ctx = Context(store, viewer, lang)
    notifications.sidebar(ctx, key)
    next(p for p in pages if p.key == key).render(ctx)


def remember_language(store: Store, viewer: Viewer, lang: str) -> None:
    """At a user's first page of this browser session, switch to the language they chose last (one rerun) —
    unless they picked another than the default before signing in: that is their choice now. From then on, store
    the picker's language as theirs whenever it changes (a user who never picked one has none stored)."""
    saved = st.session_state.get(LANG_SAVED_KEY)
    if saved is None or saved[0] != viewer.username:
        stored = user_language(store, viewer.username)
        if stored is not None and stored != lang and lang == DEFAULT_LANGUAGE:
            st.session_state[LANG_SAVED_KEY] = (viewer.username, stored)
            st.session_state[LANG_PENDING] = stored
            st.rerun()
        saved = (viewer.username, stored or DEFAULT_LANGUAGE)
        st.session_state[LANG_SAVED_KEY] = saved
    if saved[1] != lang:
        set_user_language(store, viewer.username, lang)
        st.session_state[LANG_SAVED_KEY] = (viewer.username, lang)
