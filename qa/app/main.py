"""callqa reviewer app (Streamlit): sign in, then the pages your role may open.

Run with `callqa app --db FILE` (Streamlit runs qa/app/entry/streamlit_app.py), or
`streamlit run app.py -- --db FILE` from a source checkout. All data and every permission rule come from `qa`;
qa/app holds presentation only.
"""
from __future__ import annotations

import os

import streamlit as st

from qa.accounts.auth import SessionLimits, session_viewer
from qa.app import notifications
from qa.app.common import GOTO_KEY, TOKEN_KEY, Context, db_path, error_text, get_store, session_limits
from qa.app.login import render_sign_in, render_signed_in
from qa.app.pages import pages_for
from qa.i18n import LANGUAGES, t
from qa.store.database import Store
from transcribe.errors import CallQAError


def main() -> None:
    st.set_page_config(page_title="callqa", layout="wide")
    lang = st.sidebar.radio("Language / Ngôn ngữ", list(LANGUAGES), format_func=LANGUAGES.get, horizontal=True,
                            key="ui_lang")
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


def show(store: Store, lang: str, limits: SessionLimits) -> None:
    """Sign-in, or the signed-in person's sidebar and page."""
    token = st.session_state.get(TOKEN_KEY)
    viewer = session_viewer(store, token, idle_minutes=limits.idle_minutes, max_hours=limits.max_hours)
    if viewer is None:
        if token:
            st.session_state.pop(TOKEN_KEY, None)
            st.session_state["callqa_expired"] = True
        render_sign_in(store, lang, max_hours=limits.max_hours)
        return
    render_signed_in(store, viewer, lang)
    if viewer.role == "admin":  # the server's file paths are shown to admins only
        st.sidebar.caption(f"{t('database', lang)}: {store.path}")
    pages = pages_for(viewer.role)
    keys = [p.key for p in pages]
    goto = st.session_state.pop(GOTO_KEY, None)  # qa.app.common.go() from the previous run
    asked = goto or (None if "ui_page" in st.session_state else st.query_params.get("page"))
    if asked in keys:
        st.session_state["ui_page"] = asked
    elif st.session_state.get("ui_page") not in keys:
        st.session_state["ui_page"] = keys[0]
    key = st.sidebar.radio(t("menu", lang), keys, key="ui_page",
                           format_func=lambda k: t(next(p.title for p in pages if p.key == k), lang))
    if st.query_params.get("page") != key:
        st.query_params["page"] = key
    ctx = Context(store, viewer, lang)
    notifications.sidebar(ctx, key)
    next(p for p in pages if p.key == key).render(ctx)
