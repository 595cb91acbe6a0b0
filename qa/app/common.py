"""What every page gets: the store, the signed-in viewer, the UI language and translated text."""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from qa.accounts import auth
from qa.accounts.access import Viewer
from qa.i18n import has, t
from qa.store.database import Store
from transcribe.errors import CallQAError

TOKEN_KEY = "callqa_token"  # st.session_state key of the sign-in session token
GOTO_KEY = "ui_goto"  # page to open on the next run (see go())
LANG_SAVED_KEY = "callqa_lang_saved"  # (user, language) last stored as that user's preference (qa.app.main)


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
    defaults (see `qa.accounts.auth.session_limits`; InputError for a bad value)."""
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

    def error(self, exc: CallQAError) -> str:
        """qa's error `exc` in the viewer's language (`error_text`)."""
        return error_text(exc, self.lang)


# an error's parameters that name something the UI has a label for: parameter -> prefix of the label's key
PARAM_LABELS = {"state": "rev_state_", "action": "rev_action_", "role": "role_", "roles": "role_",
                "kind": "rev_kind_", "kinds": "rev_kind_", "statuses": "status_"}


_INLINE = re.compile(r"([\\`*_{}\[\]<>~$|])")  # emphasis, code, links and images, HTML, strike, math, tables
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.M)  # headings, quotes, lists at the start of a line


def plain(text: object) -> str:
    """`text` from a person or a file (a note, a dispute, a transcript turn, a name) made safe to put inside
    Markdown: the characters that start markup are escaped, so it shows as typed — no link or remote image (a
    tracking beacon), no colour directive, no HTML, no heading or list. Newlines are kept as line breaks."""
    escaped = _INLINE.sub(r"\\\1", str(text).replace("\r\n", "\n"))
    escaped = _LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\" + m.group(2)[-1]
                                                      if m.group(2)[0].isdigit() else "\\" + m.group(2)), escaped)
    return escaped.replace("\n", "  \n")


TYPED_PARAMS = frozenset({"user", "call", "agent", "agent_id", "team", "name", "value"})


def _param_text(name: str, value: object, lang: str) -> object:
    """A parameter as the message shows it: a known label translated, a list joined ("—" when empty)."""
    prefix = PARAM_LABELS.get(name)
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(_param_text(name, v, lang)) for v in value) or "—"
    if prefix and has(f"{prefix}{value}", lang):
        return t(f"{prefix}{value}", lang)
    if name in TYPED_PARAMS and isinstance(value, str):  # a name or an id someone typed
        return plain(value)
    return value


def error_text(exc: CallQAError, lang: str) -> str:
    """What qa refused and what to do, in `lang`: the UI string of the error's key filled with its parameters;
    the English `message` for an error without a key (see `transcribe.errors.CallQAError`)."""
    key = exc.i18n_key
    if key is None or not has(key, lang):
        return exc.message
    return t(key, lang, **{name: _param_text(name, value, lang) for name, value in exc.params.items()})


@dataclass(frozen=True)
class Page:
    """A page in the sidebar: `key` (also its `?page=` URL parameter), `title` (i18n key), the roles that may
    open it, and `render(ctx)`."""

    key: str
    title: str
    roles: tuple[str, ...]
    render: Callable[[Context], None]


def go(page: str, **params: str | list[str]) -> None:
    """Open page `page` (a Page.key) with URL parameters `params`, e.g. `go("call", call=call_id)` (a list: the
    parameter repeated). Parameters not given are removed (except `page`)."""
    st.session_state[GOTO_KEY] = page
    st.query_params.from_dict({"page": page, **params})  # one change: one step for the browser's Back
    st.rerun()
