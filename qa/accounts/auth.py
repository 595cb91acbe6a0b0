"""Users and sign-in sessions: passwords hashed with Argon2id (argon2-cffi), session tokens that expire.

Only a SHA-256 of a session token is stored, so a copy of the database signs nobody in. A session ends after
`idle_minutes` without use or `max_hours` after sign-in, whichever comes first (`SessionLimits`; the app takes
them from `--session-idle-minutes` / `--session-max-hours` or $CALLQA_SESSION_IDLE_MINUTES /
$CALLQA_SESSION_MAX_HOURS). Functions that look at the clock take `now` (UTC, naive) so tests need not sleep.
"""
from __future__ import annotations

import functools
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qa.accounts.access import ROLES, Viewer
from qa.store.database import Store
from transcribe.errors import InputError

IDLE_MINUTES = 60
MAX_HOURS = 12
# Sign-in throttling: after this many failed attempts within LOCK_MINUTES, further attempts are refused until the
# oldest of them is LOCK_MINUTES old — per user name (guessing one account's password) and per client address
# (trying many accounts from one machine). A success clears the user's failures.
USER_FAILURES, CLIENT_FAILURES, LOCK_MINUTES = 5, 20, 15
MIN_PASSWORD = 8
ENV_IDLE, ENV_MAX = "CALLQA_SESSION_IDLE_MINUTES", "CALLQA_SESSION_MAX_HOURS"
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check unknown users' passwords against (same time as a real check); made on first use."""
    return _hasher.hash("callqa-timing-equaliser")


def utcnow() -> datetime:
    """The current time in UTC without a time zone (as the database stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class SessionLimits:
    """A session ends `idle_minutes` after its last use or `max_hours` after sign-in."""

    idle_minutes: float = IDLE_MINUTES
    max_hours: float = MAX_HOURS


def session_limits(idle_minutes: str | float | None = None, max_hours: str | float | None = None,
                   environ: Mapping[str, str] = os.environ) -> SessionLimits:
    """Session limits from the given values, else $CALLQA_SESSION_IDLE_MINUTES / $CALLQA_SESSION_MAX_HOURS,
    else the defaults (60 minutes idle, 12 hours in all). InputError for a value that is not a positive number."""
    def number(value: str | float | None, env: str, option: str, default: float) -> float:
        value = value if value not in (None, "") else environ.get(env) or default
        try:
            out = float(value)
        except (TypeError, ValueError):
            out = -1.0
        if not out > 0 or out == float("inf"):
            raise InputError(None, f"session limit {value!r} is not a positive number",
                             f"give {option} (or ${env}) a number above 0", key="session_limit", value=value,
                             option=option, env=env)
        return out
    return SessionLimits(number(idle_minutes, ENV_IDLE, "--session-idle-minutes", IDLE_MINUTES),
                         number(max_hours, ENV_MAX, "--session-max-hours", MAX_HOURS))


@dataclass(frozen=True)
class User:
    username: str
    role: str
    agent_id: str | None
    display_name: str | None
    active: bool
    teams: tuple[str, ...]

    def viewer(self) -> Viewer:
        return Viewer(self.username, self.role, self.agent_id, self.teams)


def check_identity(username: str, role: str, agent_id: str | None) -> None:
    """InputError unless `username` is usable, `role` known and an agent has an agent id."""
    if not username.strip() or username != username.strip():
        raise InputError(None, f"invalid user name {username!r}", "use a name without leading or trailing spaces",
                         key="bad_username", user=username)
    if role not in ROLES:
        raise InputError(None, f"unknown role {role!r}", f"use one of: {', '.join(ROLES)}", key="unknown_role",
                         role=role, roles=ROLES)
    if role == "agent" and not agent_id:
        raise InputError(None, f"agent user {username!r} needs an agent id",
                         "give --agent-id: the agent_id that agent's calls carry", key="agent_needs_id", user=username)


def check_password(username: str, password: str) -> None:
    """InputError when `password` is too short."""
    if len(password) < MIN_PASSWORD:
        raise InputError(None, f"the password for {username!r} is too short",
                         f"use at least {MIN_PASSWORD} characters", key="password_short", user=username,
                         min=MIN_PASSWORD)


def add_user(store: Store, username: str, password: str, role: str, *, agent_id: str | None = None,
             display_name: str | None = None, teams: tuple[str, ...] = ()) -> User:
    """Create a user (the password is stored as an Argon2id hash). Raises InputError when the name is taken or
    another user already has the agent id. (`qa.accounts.users.create_user` also registers an agent's name and team.)"""
    check_identity(username, role, agent_id)
    check_password(username, password)
    digest = _hasher.hash(password)
    now = utcnow()
    with store.transaction() as con:
        if con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise InputError(None, f"user {username!r} already exists", "pick another name or change their password",
                             key="user_exists", user=username)
        if role == "agent" and agent_id is not None:  # check_identity: an agent has an agent id
            check_agent_id_free(con, agent_id, username)
        con.execute("INSERT INTO users (username, password_hash, role, agent_id, display_name, active, created_at, "
                    "password_changed_at) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?)",
                    [username, digest, role, agent_id if role == "agent" else None, display_name, now, now])
        for team in dict.fromkeys(teams):
            con.execute("INSERT INTO user_teams VALUES (?, ?)", [username, team])
    user = get_user(store, username)
    assert user is not None  # inserted above
    return user


def check_agent_id_free(con: Any, agent_id: str, username: str) -> None:
    """InputError when a user other than `username` is already linked to `agent_id` (on connection `con`)."""
    row = con.execute("SELECT username FROM users WHERE agent_id = ? AND username <> ?",
                      [agent_id, username]).fetchone()
    if row:
        raise InputError(None, f"agent id {agent_id!r} already belongs to user {row[0]!r}",
                         "one user per agent: change that user, or check the agent id", key="agent_id_taken",
                         agent=agent_id, user=row[0])


def get_user(store: Store, username: str) -> User | None:
    """The user `username`, or None."""
    with store.connect() as con:
        row = con.execute("SELECT username, role, agent_id, display_name, active FROM users WHERE username = ?",
                          [username]).fetchone()
        if row is None:
            return None
        teams = tuple(r[0] for r in con.execute("SELECT team FROM user_teams WHERE username = ? ORDER BY team",
                                                [username]).fetchall())
    return User(row[0], row[1], row[2], row[3], bool(row[4]), teams)


def set_password(store: Store, username: str, password: str) -> None:
    """Change a password; every open session of the user ends and their failed sign-ins are forgotten."""
    user = get_user(store, username)
    if user is None:
        raise InputError(None, f"no user {username!r}", "list users with `callqa users list`", key="no_user",
                         user=username)
    check_password(username, password)
    with store.transaction() as con:
        con.execute("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ?",
                    [_hasher.hash(password), utcnow(), username])
        con.execute("DELETE FROM sessions WHERE username = ?", [username])
        con.execute("DELETE FROM sign_in_failures WHERE username = ?", [username])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLocked(InputError):
    """Too many failed sign-ins for this user name or from this client: try again after `minutes`."""


def _check_throttle(con: Any, username: str, client: str | None, now: datetime) -> None:
    since = now - timedelta(minutes=LOCK_MINUTES)
    for column, value, limit in (("username", username, USER_FAILURES), ("client", client, CLIENT_FAILURES)):
        if value is None:
            continue
        n, oldest = con.execute(f"SELECT count(*), min(failed_at) FROM sign_in_failures WHERE {column} = ? "
                                "AND failed_at >= ?", [value, since]).fetchone()
        if n >= limit:
            wait = max(1, int((oldest + timedelta(minutes=LOCK_MINUTES) - now).total_seconds() // 60) + 1)
            raise SignInLocked(None, f"too many failed sign-ins ({n} in {LOCK_MINUTES} minutes)",
                               f"wait {wait} minute(s) and try again, or ask an admin to reset the password",
                               key="sign_in_locked", minutes=wait)


def sign_in(store: Store, username: str, password: str, *, max_hours: float = MAX_HOURS,
            now: datetime | None = None, client: str | None = None) -> str | None:
    """A new session token when the password is right and the user active, else None (the same for an
    unknown user, a wrong password and a disabled account, and in about the same time). Raises
    `SignInLocked` after too many failures for `username` or from `client` (an address; None: not known)
    within `LOCK_MINUTES`, before looking at the password."""
    now = now or utcnow()
    with store.connect() as con:
        _check_throttle(con, username, client, now)
        row = con.execute("SELECT password_hash, active FROM users WHERE username = ?", [username]).fetchone()
    digest, active = (row[0], bool(row[1])) if row else (_dummy_hash(), False)
    try:
        _hasher.verify(digest, password)
        ok = row is not None and active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        with store.transaction() as con:
            con.execute("DELETE FROM sign_in_failures WHERE failed_at < ?", [now - timedelta(minutes=LOCK_MINUTES)])
            con.execute("INSERT INTO sign_in_failures VALUES (?, ?, ?)", [username, client, now])
        return None
    token = secrets.token_urlsafe(32)
    with store.transaction() as con:
        con.execute("DELETE FROM sign_in_failures WHERE username = ?", [username])
        if _hasher.check_needs_rehash(digest):
            con.execute("UPDATE users SET password_hash = ? WHERE username = ?", [_hasher.hash(password), username])
        con.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
        con.execute("INSERT INTO sessions (token_hash, username, created_at, expires_at, last_seen) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [_token_hash(token), username, now, now + timedelta(hours=max_hours), now])
    return token


def session_viewer(store: Store, token: str | None, *, idle_minutes: float = IDLE_MINUTES,
                   max_hours: float = MAX_HOURS, now: datetime | None = None) -> Viewer | None:
    """The signed-in person of a live session, or None when the token is unknown, revoked (signed out),
    expired (`max_hours` after sign-in, or the limit in force at sign-in if shorter), idle longer than
    `idle_minutes` or its user disabled. Using a session keeps it alive (at most one write a minute)."""
    if not token:
        return None
    now, key = now or utcnow(), _token_hash(token)
    with store.connect() as con:
        row = con.execute("SELECT s.username, s.created_at, s.expires_at, s.last_seen, u.active FROM sessions s "
                          "JOIN users u USING (username) WHERE s.token_hash = ? AND s.revoked_at IS NULL",
                          [key]).fetchone()
    if row is None:
        return None
    username, created_at, expires_at, last_seen, active = row
    expires_at = min(expires_at, created_at + timedelta(hours=max_hours))
    if not active or now >= expires_at or now - last_seen > timedelta(minutes=idle_minutes):
        sign_out(store, token)
        return None
    if now - last_seen > timedelta(minutes=1):
        with store.transaction() as con:
            con.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, key])
    user = get_user(store, username)
    return user.viewer() if user else None


def end_sessions(store: Store, username: str) -> None:
    """Sign `username` out everywhere."""
    with store.transaction() as con:
        con.execute("DELETE FROM sessions WHERE username = ?", [username])


def sign_out(store: Store, token: str | None, *, now: datetime | None = None) -> None:
    """End a session: its token is revoked (kept, marked with the time, so a copy of it in a browser cookie or a
    stolen one never signs in again; rows past their expiry are removed at the next sign-in). Nothing happens
    for an unknown token."""
    if token:
        with store.transaction() as con:
            con.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                        [now or utcnow(), _token_hash(token)])
