"""Managing users, supervisors' teams and the agents registry (table `agents`: agent_id, name, team).

Two layers, on purpose:
- the plain functions here (`create_user`, `list_users`, `set_active`, ...) act as the *operator of the database
  file* — whoever can open the file anyway. The `callqa users` / `callqa agents` commands use them.
- each has a twin `*_as(store, viewer, ...)` (at the end of this file) that first checks that the signed-in
  `viewer` is an admin (`qa.accounts.access.require_role`, else `PermissionDenied`). The app uses only those.

Rules kept in both layers: one user per agent id; an agent user always has an agent id; teams limit only
supervisors (none: every team); the last active admin can be neither disabled nor given another role.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from qa.accounts.access import Viewer, require_role
from qa.accounts.auth import User, add_user, check_agent_id_free, check_identity, check_password, get_user, set_password
from qa.store.database import Store
from transcribe.errors import InputError

log = logging.getLogger("qa")


@dataclass(frozen=True)
class Agent:
    """An agent id seen in the call data or registered by an admin: `name` and `team` may be None; `calls`
    counts the stored calls with this agent id; `username` is the agent user linked to it, if any."""

    agent_id: str
    name: str | None
    team: str | None
    calls: int
    username: str | None


def _clean_teams(teams: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(t.strip() for t in teams))
    if any(not t for t in out):
        raise InputError(None, "a team name is empty", "give each team a name, e.g. --team north", key="team_empty")
    return out


def _require_user(store: Store, username: str) -> User:
    user = get_user(store, username)
    if user is None:
        raise InputError(None, f"no user {username!r}", "list users with `callqa users list`", key="no_user",
                         user=username)
    return user


def _refuse_last_admin(con: Any, username: str, *, disabling: bool) -> None:
    """InputError when `username` is the last active admin (about to be disabled, or given another role)."""
    others = con.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active AND username <> ?",
                         [username]).fetchone()[0]
    is_admin = con.execute("SELECT 1 FROM users WHERE username = ? AND role = 'admin' AND active",
                           [username]).fetchone()
    if not is_admin or others:
        return
    fix = "add or enable another admin first"
    if disabling:
        raise InputError(None, f"{username!r} is the last active admin and cannot be disabled", fix,
                         key="last_admin_disable", user=username)
    raise InputError(None, f"{username!r} is the last active admin and cannot be given another role", fix,
                     key="last_admin_role", user=username)


def check_new_user(store: Store, username: str, role: str, *, agent_id: str | None = None,
                   teams: tuple[str, ...] = ()) -> None:
    """Everything `create_user` checks except the password (so a command can refuse before asking for one)."""
    check_identity(username, role, agent_id)
    teams = _clean_teams(teams)
    if role == "admin" and teams:
        raise InputError(None, "an admin sees every team", "leave out --team for an admin", key="admin_teams")
    if role == "agent" and len(teams) > 1:
        raise InputError(None, f"an agent is in one team, not {len(teams)}", "give one --team for an agent",
                         key="agent_one_team", n=len(teams))
    if get_user(store, username):
        raise InputError(None, f"user {username!r} already exists", "pick another name or change their password",
                         key="user_exists", user=username)
    if role == "agent" and agent_id is not None:  # check_identity: an agent has an agent id
        with store.connect() as con:
            check_agent_id_free(con, agent_id, username)


def create_user(store: Store, username: str, password: str, role: str, *, agent_id: str | None = None,
                name: str | None = None, teams: tuple[str, ...] = ()) -> User:
    """Create a user. For a supervisor, `teams` limits the calls they see (none: every team). For an agent,
    `agent_id` is required, and `name` and the one team given (if any) are recorded for that agent id."""
    check_new_user(store, username, role, agent_id=agent_id, teams=teams)
    check_password(username, password)
    teams = _clean_teams(teams)
    user = add_user(store, username, password, role, agent_id=agent_id, display_name=name or None,
                    teams=teams if role == "supervisor" else ())
    if role == "agent" and agent_id is not None:  # check_new_user: an agent has an agent id
        set_agent(store, agent_id, name=name or None, team=teams[0] if teams else None)
    log.info("user %s added (%s)", username, role)
    return user


def list_users(store: Store) -> list[User]:
    """Every user, by name, with their teams."""
    with store.connect() as con:
        rows = con.execute("SELECT username, role, agent_id, display_name, active FROM users "
                           "ORDER BY username").fetchall()
        teams: dict[str, list[str]] = {}
        for username, team in con.execute("SELECT username, team FROM user_teams ORDER BY team").fetchall():
            teams.setdefault(username, []).append(team)
    return [User(u, r, a, n, bool(act), tuple(teams.get(u, ()))) for u, r, a, n, act in rows]


def set_active(store: Store, username: str, active: bool) -> User:
    """Enable or disable a user. Disabling signs them out everywhere and refuses their sign-in."""
    _require_user(store, username)
    with store.transaction() as con:
        if not active:
            _refuse_last_admin(con, username, disabling=True)
            con.execute("DELETE FROM sessions WHERE username = ?", [username])
        con.execute("UPDATE users SET active = ? WHERE username = ?", [active, username])
    log.info("user %s %s", username, "enabled" if active else "disabled")
    return _require_user(store, username)


def set_role(store: Store, username: str, role: str, *, agent_id: str | None = None) -> User:
    """Give a user another role (an agent needs `agent_id`). Teams are kept only for a supervisor. The new role
    applies from the user's next page load (sessions read the user afresh)."""
    _require_user(store, username)
    check_identity(username, role, agent_id)
    with store.transaction() as con:
        if role != "admin":
            _refuse_last_admin(con, username, disabling=False)
        if role == "agent" and agent_id is not None:  # check_identity: an agent has an agent id
            check_agent_id_free(con, agent_id, username)
        con.execute("UPDATE users SET role = ?, agent_id = ? WHERE username = ?",
                    [role, agent_id if role == "agent" else None, username])
        if role != "supervisor":
            con.execute("DELETE FROM user_teams WHERE username = ?", [username])
    log.info("user %s is now %s", username, role)
    return _require_user(store, username)


def set_teams(store: Store, username: str, teams: tuple[str, ...]) -> User:
    """Limit a supervisor to `teams` (empty: every team)."""
    user = _require_user(store, username)
    if user.role != "supervisor":
        raise InputError(None, f"{username!r} is {'an' if user.role[0] in 'aeiou' else 'a'} {user.role}; "
                         "only supervisors are limited to teams",
                         "an agent's team is set with `callqa agents set AGENT_ID --team T`",
                         key="teams_supervisor_only", user=username, role=user.role)
    teams = _clean_teams(teams)
    with store.transaction() as con:
        con.execute("DELETE FROM user_teams WHERE username = ?", [username])
        for team in teams:
            con.execute("INSERT INTO user_teams VALUES (?, ?)", [username, team])
    return _require_user(store, username)


def reset_password(store: Store, username: str, password: str) -> None:
    """Set a new password; the user's open sessions end."""
    _require_user(store, username)
    set_password(store, username, password)
    log.info("password of %s changed", username)


def set_agent(store: Store, agent_id: str, *, name: str | None = None, team: str | None = None) -> Agent:
    """Record an agent's name and team (None keeps the current value, "" clears it)."""
    agent_id = agent_id.strip()
    if not agent_id:
        raise InputError(None, "the agent id is empty", "give the agent_id the agent's calls carry",
                         key="agent_id_empty")
    with store.transaction() as con:
        old = con.execute("SELECT name, team FROM agents WHERE agent_id = ?", [agent_id]).fetchone() or (None, None)
        new = [old[0] if name is None else (name.strip() or None), old[1] if team is None else (team.strip() or None)]
        con.execute("INSERT OR REPLACE INTO agents VALUES (?, ?, ?)", [agent_id, *new])
    return next(a for a in list_agents(store) if a.agent_id == agent_id)


def list_agents(store: Store) -> list[Agent]:
    """Every agent id in `agents`, in the calls or on an agent user, by id."""
    with store.connect() as con:
        rows = con.execute("""
            WITH ids AS (SELECT agent_id FROM agents UNION SELECT agent_id FROM calls WHERE agent_id IS NOT NULL
                         UNION SELECT agent_id FROM users WHERE agent_id IS NOT NULL),
                 n AS (SELECT agent_id, count(*) AS calls FROM calls GROUP BY agent_id),
                 u AS (SELECT agent_id, min(username) AS username FROM users GROUP BY agent_id)
            SELECT ids.agent_id, a.name, a.team, coalesce(n.calls, 0), u.username
            FROM ids LEFT JOIN agents a USING (agent_id) LEFT JOIN n USING (agent_id) LEFT JOIN u USING (agent_id)
            ORDER BY ids.agent_id""").fetchall()
    return [Agent(*r) for r in rows]


def list_teams(store: Store) -> list[str]:
    """Every team named on an agent or a supervisor, sorted."""
    with store.connect() as con:
        rows = con.execute("SELECT team FROM agents WHERE team IS NOT NULL UNION SELECT team FROM user_teams "
                           "ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def teams_without_agents(store: Store, teams: tuple[str, ...]) -> list[str]:
    """The teams among `teams` that no agent is in yet (a supervisor limited to them sees no calls)."""
    with store.connect() as con:
        known = {r[0] for r in con.execute("SELECT DISTINCT team FROM agents WHERE team IS NOT NULL").fetchall()}
    return [t for t in teams if t not in known]


def agent_has_calls(store: Store, agent_id: str) -> bool:
    """Whether any stored call carries `agent_id` (a user linked to an id with no calls may be a typo)."""
    with store.connect() as con:
        return con.execute("SELECT 1 FROM calls WHERE agent_id = ? LIMIT 1", [agent_id]).fetchone() is not None


# -- the same, for a signed-in person: only an admin may manage users ---------------------------------------
def _admin(viewer: Viewer) -> None:
    require_role(viewer, "admin")


def _not_self(viewer: Viewer, username: str, *, role: bool) -> None:
    """InputError when an admin would disable or enable (`role` False) or change the role of their own account."""
    if username != viewer.username:
        return
    if role:
        raise InputError(None, "you cannot change the role of your own account", "ask another admin",
                         key="self_role")
    raise InputError(None, "you cannot disable or enable your own account", "ask another admin", key="self_disable")


def list_users_as(store: Store, viewer: Viewer) -> list[User]:
    """`list_users`, for an admin."""
    _admin(viewer)
    return list_users(store)


def create_user_as(store: Store, viewer: Viewer, username: str, password: str, role: str, *,
                   agent_id: str | None = None, name: str | None = None, teams: tuple[str, ...] = ()) -> User:
    """`create_user`, for an admin."""
    _admin(viewer)
    return create_user(store, username, password, role, agent_id=agent_id, name=name, teams=teams)


def set_active_as(store: Store, viewer: Viewer, username: str, active: bool) -> User:
    """`set_active`, for an admin (not on their own account)."""
    _admin(viewer)
    _not_self(viewer, username, role=False)
    return set_active(store, username, active)


def set_role_as(store: Store, viewer: Viewer, username: str, role: str, *, agent_id: str | None = None) -> User:
    """`set_role`, for an admin (not on their own account)."""
    _admin(viewer)
    _not_self(viewer, username, role=True)
    return set_role(store, username, role, agent_id=agent_id)


def set_teams_as(store: Store, viewer: Viewer, username: str, teams: tuple[str, ...]) -> User:
    """`set_teams`, for an admin."""
    _admin(viewer)
    return set_teams(store, username, teams)


def reset_password_as(store: Store, viewer: Viewer, username: str, password: str) -> None:
    """`reset_password`, for an admin."""
    _admin(viewer)
    reset_password(store, username, password)


def set_agent_as(store: Store, viewer: Viewer, agent_id: str, *, name: str | None = None,
                 team: str | None = None) -> Agent:
    """`set_agent`, for an admin."""
    _admin(viewer)
    return set_agent(store, agent_id, name=name, team=team)


def list_agents_as(store: Store, viewer: Viewer) -> list[Agent]:
    """`list_agents`, for an admin."""
    _admin(viewer)
    return list_agents(store)


def list_teams_as(store: Store, viewer: Viewer) -> list[str]:
    """`list_teams`, for an admin."""
    _admin(viewer)
    return list_teams(store)
