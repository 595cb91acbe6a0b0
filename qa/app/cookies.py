"""Sign-in that survives a reload, a new tab, a shared link and Back/Forward: the session token in an HttpOnly
cookie.

Streamlit hands a script the browser's cookies (`st.context.cookies`, from the request that opened the
WebSocket) but a script cannot set one: it runs over the WebSocket, and an HttpOnly cookie only comes in an HTTP
response. So the app is served as a Streamlit `App` (`streamlit.starlette`, ASGI; see app.py and
qa/app/entry/streamlit_app.py) with one more route, `COOKIE_PATH`:

- after a sign-in the script leaves the new token with this process under a one-time code (random, valid for
  `HANDOFF_SECONDS`, good for one use: `offer`) and draws a tiny component that POSTs the code to the route;
  the route answers `Set-Cookie: callqa_session=<token>; HttpOnly; SameSite=Lax; Path=/; Max-Age=<the session's
  longest life>` (and `Secure` over https). The token itself never reaches the page's JavaScript.
- every new page load (reload, new tab, link, Back/Forward) reads the cookie and checks the token against the
  sessions table (`qa.accounts.auth.session_viewer`: only its SHA-256 is stored; unknown, revoked, idle or
  expired tokens sign nobody in).
- sign-out revokes the token in the database and the component asks the route (DELETE) to drop the cookie.

A cross-site page cannot use the route: a POST needs a live one-time code, and both methods need a CORS
preflight (JSON body, DELETE) that the route does not answer. Without the route (the script run by plain
Streamlit, or AppTest) the app works as before: signed in for the tab's life only.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any

import streamlit as st

COOKIE = "callqa_session"
COOKIE_PATH = "/callqa/session"
HANDOFF_SECONDS = 60
CODE_KEY = "callqa_cookie_code"  # st.session_state: a one-time code for the cookie, set at sign-in (push on next run)
DROPPED_KEY = "callqa_cookie_dropped"  # st.session_state: drop() was asked for this dead token already
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

_lock = threading.Lock()
_pending: dict[str, tuple[str, float, int]] = {}  # sha256(code) -> (token, deadline (monotonic), cookie max age s)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def offer(token: str, max_age_s: int) -> str:
    """A one-time code that `claim` exchanges for `token` within `HANDOFF_SECONDS` (codes left unclaimed are
    dropped as new ones are made)."""
    code = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for key in [k for k, (_, deadline, _) in _pending.items() if deadline < now]:
            del _pending[key]
        _pending[_digest(code)] = (token, now + HANDOFF_SECONDS, max_age_s)
    return code


def claim(code: str) -> tuple[str, int] | None:
    """The token and cookie lifetime behind `code`, once; None for an unknown, used or stale code."""
    with _lock:
        item = _pending.pop(_digest(code), None)
    if item is None or item[1] < time.monotonic():
        return None
    return item[0], item[2]


def well_formed(token: object) -> bool:
    """Whether `token` looks like one of ours (`secrets.token_urlsafe(32)`): checked before any database look-up,
    as a cookie is whatever the browser sends."""
    return isinstance(token, str) and 32 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS


def cookie_token() -> str | None:
    """The session token of the browser's cookie, when it sent a well-formed one."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # outside a browser session (AppTest, bare mode)
        return None
    return value if well_formed(value) else None


def routes() -> list[Any]:
    """The Starlette route that sets (POST {"code": ...}) and drops (DELETE) the session cookie."""
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def session(request: Request) -> Response:
        secure = request.url.scheme == "https"
        if request.method == "DELETE":
            gone = Response(status_code=204)
            gone.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
            return gone
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return Response(status_code=415)
        try:
            body = await request.json()
        except ValueError:
            return Response(status_code=400)
        code = body.get("code") if isinstance(body, dict) else None
        if not isinstance(code, str) or not 0 < len(code) <= 100:
            return Response(status_code=400)
        got = claim(code)
        if got is None:
            return Response(status_code=403)
        token, max_age = got
        done = Response(status_code=204, headers={"Cache-Control": "no-store"})
        done.set_cookie(COOKIE, token, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax")
        return done

    return [Route(COOKIE_PATH, session, methods=["POST", "DELETE"])]


JS = r"""
export default function (component) {
  const { data } = component;
  const seen = (window.__callqaCookie = window.__callqaCookie || {});
  if (!data || !data.id || seen[data.id]) return;
  seen[data.id] = true;
  const init = { method: data.code ? 'POST' : 'DELETE', credentials: 'same-origin', cache: 'no-store',
                 headers: { 'Content-Type': 'application/json' } };
  if (data.code) init.body = JSON.stringify({ code: data.code });
  fetch(data.path, init).catch(() => {});
}
"""

_component = None


def _mount() -> Any:
    global _component
    if _component is None:  # registered on first use, not at import
        from streamlit.components.v2 import component

        _component = component("callqa_cookie", js=JS)
    return _component


def push(code: str) -> None:
    """Have the browser exchange `code` (from `offer`) for the session cookie."""
    _mount()(key="callqa-cookie", height=0, data={"id": code[:12], "code": code, "path": COOKIE_PATH})


def drop() -> None:
    """Have the browser drop the session cookie (after sign-out, or when it holds a dead token)."""
    _mount()(key="callqa-cookie", height=0, data={"id": "drop-" + secrets.token_hex(4), "path": COOKIE_PATH})
