"""Sign-in throttling (qa.accounts.auth): repeated wrong passwords lock the user name, many failures from one client
lock the client, the right password is refused while locked, and the lock lifts with time or a password reset.
Time is passed in (`now=`), never slept; the app shows the lockout in the viewer's language."""
from datetime import timedelta

import pytest
from apphelp import run_app

from qa.accounts.auth import CLIENT_FAILURES, LOCK_MINUTES, USER_FAILURES, SignInLocked, set_password, sign_in, utcnow
from qa.accounts.users import create_user
from qa.i18n import t
from qa.store.database import Store

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "t.duckdb"))
    create_user(s, "root", PASSWORD, "admin")
    create_user(s, "sv", PASSWORD, "supervisor")
    return s


def test_wrong_passwords_lock_the_user_name_even_for_the_right_password(store):
    now = utcnow()
    for i in range(USER_FAILURES):
        assert sign_in(store, "root", f"guess {i}", now=now) is None
    with pytest.raises(SignInLocked) as exc:
        sign_in(store, "root", PASSWORD, now=now)
    assert exc.value.key == "sign_in_locked" and exc.value.params["minutes"] == LOCK_MINUTES + 1
    assert sign_in(store, "sv", PASSWORD, now=now), "another user is not locked out"
    later = now + timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert sign_in(store, "root", PASSWORD, now=later), "the lock lifts after LOCK_MINUTES"


def test_unknown_user_names_are_throttled_too_and_a_success_clears_the_count(store):
    now = utcnow()
    for _ in range(USER_FAILURES):
        assert sign_in(store, "ghost", "x", now=now) is None
    with pytest.raises(SignInLocked):
        sign_in(store, "ghost", "x", now=now)
    for _ in range(USER_FAILURES - 1):
        assert sign_in(store, "sv", "wrong", now=now) is None
    assert sign_in(store, "sv", PASSWORD, now=now)
    for _ in range(USER_FAILURES - 1):  # counting starts again after the success
        assert sign_in(store, "sv", "wrong", now=now) is None
    assert sign_in(store, "sv", PASSWORD, now=now)


def test_many_accounts_tried_from_one_client_lock_the_client(store):
    now = utcnow()
    for i in range(CLIENT_FAILURES):
        assert sign_in(store, f"user{i}", "x", now=now, client="10.0.0.9") is None
    with pytest.raises(SignInLocked):
        sign_in(store, "sv", PASSWORD, now=now, client="10.0.0.9")
    assert sign_in(store, "sv", PASSWORD, now=now, client="10.0.0.10"), "another client may sign in"


def test_a_password_reset_lifts_the_lock(store):
    now = utcnow()
    for _ in range(USER_FAILURES):
        sign_in(store, "root", "nope", now=now)
    set_password(store, "root", "a brand new secret")
    assert sign_in(store, "root", "a brand new secret", now=now)


def test_the_app_shows_the_lockout_in_the_viewers_language(tmp_path):
    db = str(tmp_path / "app.duckdb")
    store = Store(db)
    create_user(store, "root", PASSWORD, "admin")
    for _ in range(USER_FAILURES):
        sign_in(store, "root", "nope")
    at = run_app(db)
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    at.text_input(key="sign_in_user").set_value("root")
    at.text_input(key="sign_in_password").set_value(PASSWORD)
    at.button[0].click()
    at = run_app(db, at=at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors == [t("err_sign_in_locked", "vi", minutes=LOCK_MINUTES + 1)] or \
        errors == [t("err_sign_in_locked", "vi", minutes=LOCK_MINUTES)], errors
    assert "callqa_token" not in at.session_state, "not signed in"
