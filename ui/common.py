"""What every page gets: the store, the signed-in viewer, the UI language and translated text."""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from qa import auth
from qa.access import Viewer
from qa.i18n import t
from qa.store import Store

TOKEN_KEY = "callqa_token"  # st.session_state key of the sign-in session token
GOTO_KEY = "ui_goto"  # page to open on the next run (see go())


def _app_args() -> argparse.Namespace:
    """The app's own arguments, after `streamlit run app.py --`."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db", default=os.environ.get("CALLQA_DB", "callqa.duckdb"))
    parser.add_argument("--session-idle-minutes", default=None)
    parser.add_argument("--session-max-hours", default=None)
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args


def db_path() -> str:
    """`--db` after `streamlit run app.py --`, else $CALLQA_DB, else callqa.duckdb."""
    return _app_args().db


def session_limits() -> auth.SessionLimits:
    """`--session-idle-minutes` / `--session-max-hours` after `--`, else their environment variables, else the
    defaults (see `qa.auth.session_limits`; InputError for a bad value)."""
    args = _app_args()
    return auth.session_limits(args.session_idle_minutes, args.session_max_hours)


@st.cache_resource
def get_store(path: str) -> Store:
    return Store(path)


@dataclass(frozen=True)
class Context:
    """A page's inputs: `store` (all data goes through `qa` functions over it), `viewer` (who is signed in),
    `lang` (en or vi)."""

    store: Store
    viewer: Viewer
    lang: str

    def t(self, key: str, **kwargs: object) -> str:
        return t(key, self.lang, **kwargs)


@dataclass(frozen=True)
class Page:
    """A page in the sidebar: `key` (also its `?page=` URL parameter), `title` (i18n key), the roles that may
    open it, and `render(ctx)`."""

    key: str
    title: str
    roles: tuple[str, ...]
    render: Callable[[Context], None]


def go(page: str, **params: str) -> None:
    """Open page `page` (a Page.key) with URL parameters `params`, e.g. `go("call", call=call_id)`.
    Parameters not given are removed (except `page`)."""
    st.session_state[GOTO_KEY] = page
    st.query_params.clear()
    st.query_params.update({"page": page, **params})
    st.rerun()
