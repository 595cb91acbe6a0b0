"""Sign-in sessions that survive a reload: the token revoked at sign-out, the HttpOnly-cookie route
(qa/app/cookies.py) and the language kept per user (qa.accounts.preferences)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from apphelp import PASSWORD, run_app, sample_store
from starlette.applications import Starlette
from starlette.testclient import TestClient

from qa.accounts.auth import add_user, session_viewer, sign_in, sign_out, utcnow
from qa.accounts.preferences import set_user_language, user_language
from qa.app import cookies
from qa.store.database import Store
from transcribe.errors import InputError


@pytest.fixture()
def store(tmp_path):
    s = Store(str(tmp_path / "s.duckdb"))
    add_user(s, "sup", PASSWORD, "supervisor")
    return s


def test_sign_out_revokes_the_token_and_keeps_the_row(store):
    token = sign_in(store, "sup", PASSWORD)
    assert token and cookies.well_formed(token)
    assert session_viewer(store, token).username == "sup"
    sign_out(store, token)
    assert session_viewer(store, token) is None  # a copy of the cookie signs nobody in
    with store.connect() as con:
        rows = con.execute("SELECT username, revoked_at FROM sessions").fetchall()
    assert len(rows) == 1 and rows[0][0] == "sup" and rows[0][1] is not None
    with store.connect() as con:  # only the hash is stored
        assert con.execute("SELECT count(*) FROM sessions WHERE token_hash = ?", [token]).fetchone()[0] == 0


def test_a_session_expires_after_its_max_hours(store):
    now = utcnow()
    token = sign_in(store, "sup", PASSWORD, max_hours=1, now=now)
    assert session_viewer(store, token, now=now + timedelta(minutes=30)) is not None
    assert session_viewer(store, token, now=now + timedelta(hours=1, minutes=1), idle_minutes=600) is None


@pytest.mark.parametrize("value", [None, "", "short", "x" * 200, "a" * 40 + "!", "a" * 40 + "\n", "é" * 43, 42])
def test_hostile_cookie_values_are_not_tokens(value):
    assert not cookies.well_formed(value)


def client() -> TestClient:
    return TestClient(Starlette(routes=cookies.routes()))


def test_the_route_sets_an_httponly_cookie_once_per_code():
    code = cookies.offer("t" * 43, 3600)
    web = client()
    done = web.post(cookies.COOKIE_PATH, json={"code": code})
    assert done.status_code == 204
    header = done.headers["set-cookie"]
    assert header.startswith(f"{cookies.COOKIE}={'t' * 43};")
    assert "HttpOnly" in header and "SameSite=lax" in header and "Max-Age=3600" in header and "Path=/" in header
    assert web.post(cookies.COOKIE_PATH, json={"code": code}).status_code == 403  # used once
    assert web.post(cookies.COOKIE_PATH, json={"code": "guess"}).status_code == 403
    assert web.post(cookies.COOKIE_PATH, json=["x"]).status_code == 400
    assert web.post(cookies.COOKIE_PATH, json={"code": "x" * 500}).status_code == 400
    assert web.post(cookies.COOKIE_PATH, content=b"{not json", headers={"content-type": "application/json"}
                    ).status_code == 400
    other = cookies.offer("u" * 43, 60)
    form = web.post(cookies.COOKIE_PATH, data={"code": other})  # a plain cross-site form post: refused
    assert form.status_code == 415
    assert cookies.claim(other) == ("u" * 43, 60)  # still unused


def test_the_route_drops_the_cookie():
    gone = client().delete(cookies.COOKIE_PATH)
    assert gone.status_code == 204
    assert gone.headers["set-cookie"].startswith(f'{cookies.COOKIE}="";') and "Max-Age=0" in gone.headers["set-cookie"]


def test_language_is_a_user_preference(store):
    assert user_language(store, "sup") is None
    set_user_language(store, "sup", "vi")
    assert user_language(store, "sup") == "vi"
    with pytest.raises(InputError) as err:
        set_user_language(store, "sup", "fr'; DROP TABLE users; --")
    assert err.value.i18n_key == "err_unknown_language"
    assert user_language(store, "sup") == "vi"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("sessions") / "qa.duckdb")


def test_sign_in_restores_the_users_language_and_the_picker_stores_it(db):
    set_user_language(Store(db), "admin", "vi")
    at = run_app(db, "admin", keep_language=True)
    assert at.sidebar.radio(key="ui_lang").value == "vi"
    assert at.title[0].value == "callqa — đánh giá chất lượng cuộc gọi"
    at.sidebar.radio(key="ui_lang").set_value("en")
    run_app(db, at=at)
    assert user_language(Store(db), "admin") == "en"
    again = run_app(db, "admin", keep_language=True)  # a new browser session of the same user
    assert again.sidebar.radio(key="ui_lang").value == "en"


def test_a_language_picked_before_signing_in_wins_and_is_stored(db):
    from apphelp import ROOT, token_for
    from streamlit.testing.v1 import AppTest

    set_user_language(Store(db), "sup", "en")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["callqa_token"] = token_for(db, "sup")
    at.session_state["ui_lang"] = "vi"  # picked on the sign-in page of this browser session
    at = run_app(db, at=at)
    assert at.sidebar.radio(key="ui_lang").value == "vi"
    assert user_language(Store(db), "sup") == "vi"
