"""Sign-in form and sign-out button."""
from __future__ import annotations

import streamlit as st

from qa.accounts.access import Viewer
from qa.accounts.auth import MAX_HOURS, SignInLocked, sign_in, sign_out
from qa.app import cookies
from qa.app.common import LANG_SAVED_KEY, TOKEN_KEY, error_text
from qa.i18n import t
from qa.store.database import Store


def _client() -> str | None:
    """The address the browser connects from (for sign-in throttling), when Streamlit knows it."""
    try:
        address = st.context.ip_address
    except Exception:  # older Streamlit, or outside a browser session
        return None
    return address if isinstance(address, str) else None  # AppTest has no client


def render_sign_in(store: Store, lang: str, *, max_hours: float = MAX_HOURS) -> None:
    st.subheader(t("sign_in", lang))
    with st.form("sign_in"):
        username = st.text_input(t("username", lang), key="sign_in_user")
        password = st.text_input(t("password", lang), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("sign_in", lang))
    if submitted:
        try:
            token = sign_in(store, username.strip(), password, max_hours=max_hours, client=_client())
        except SignInLocked as exc:
            st.error(error_text(exc, lang))
            return
        if token is None:
            st.error(t("sign_in_failed", lang))
            return
        st.session_state[TOKEN_KEY] = token
        st.session_state[cookies.CODE_KEY] = cookies.offer(token, int(max_hours * 3600))  # see qa.app.main.show
        st.rerun()
    if st.session_state.pop("callqa_expired", False):
        st.info(t("session_expired", lang))


def render_signed_in(store: Store, viewer: Viewer, lang: str) -> None:
    who = viewer.username + (f" ({viewer.agent_id})" if viewer.agent_id else "")
    st.sidebar.caption(t("signed_in_as", lang, who=who, role=t("role_" + viewer.role, lang)))
    if st.sidebar.button(t("sign_out", lang), key="sign_out"):
        sign_out(store, st.session_state.pop(TOKEN_KEY, None))  # revoked: the browser's cookie is worthless now
        for key in (LANG_SAVED_KEY, cookies.CODE_KEY, cookies.DROPPED_KEY):  # the next run drops the cookie
            st.session_state.pop(key, None)
        st.query_params.clear()
        st.rerun()
