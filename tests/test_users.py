"""Users, roles, teams and sessions (qa.accounts.auth, qa.accounts.users, qa.accounts.access) and the `callqa users` / `callqa agents`
commands, on real DuckDB files. Time is passed in (`now=`), never slept."""
from datetime import timedelta

import pytest
from apphelp import PASSWORD, sample_store
from click.testing import CliRunner

from qa.accounts import users
from qa.accounts.access import PermissionDenied, Viewer, call_scope, get_call
from qa.accounts.auth import (
    SessionLimits,
    add_user,
    get_user,
    session_limits,
    session_viewer,
    sign_in,
    sign_out,
    utcnow,
)
from qa.cli import main
from qa.store.database import Store
from transcribe.errors import InputError

ADMIN = Viewer("root", "admin")


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "u.duckdb"))
    users.create_user(s, "root", PASSWORD, "admin")
    return s


@pytest.fixture(scope="module")
def calls_db(tmp_path_factory):
    """The 7 sample calls and apphelp's users, plus agents in two teams and a supervisor limited to one."""
    db = sample_store(tmp_path_factory.mktemp("users") / "calls.duckdb")
    s = Store(db)
    for agent_id, team in [("agent_lan", "vi"), ("agent_minh", "vi"), ("agent_tom", "en"), ("agent_linda", "en"),
                           ("agent_mai", "en")]:
        users.set_agent(s, agent_id, team=team)
    users.create_user(s, "sup_vi", PASSWORD, "supervisor", teams=("vi",))
    return db


# -- passwords and sign-in -------------------------------------------------------------------------------
def test_password_is_stored_only_as_an_argon2id_hash(store, tmp_path):
    with store.connect() as con:
        con.execute("CHECKPOINT")
        (digest,) = con.execute("SELECT password_hash FROM users WHERE username = 'root'").fetchone()
    assert digest.startswith("$argon2id$") and PASSWORD not in digest
    assert PASSWORD.encode() not in (tmp_path / "u.duckdb").read_bytes()
    other = users.create_user(store, "other", PASSWORD, "supervisor")
    with store.connect() as con:
        hashes = [r[0] for r in con.execute("SELECT password_hash FROM users").fetchall()]
    assert other and len(set(hashes)) == 2, "the same password hashes differently (salted)"


def test_wrong_password_disabled_and_unknown_users_are_refused(store):
    assert sign_in(store, "root", PASSWORD)
    assert sign_in(store, "root", PASSWORD + "x") is None
    assert sign_in(store, "nobody", PASSWORD) is None
    assert sign_in(store, "ROOT", PASSWORD) is None
    users.create_user(store, "sv", PASSWORD, "supervisor")
    token = sign_in(store, "sv", PASSWORD)
    assert session_viewer(store, token).username == "sv"
    users.set_active(store, "sv", False)
    assert session_viewer(store, token) is None, "disabling ends the open session"
    assert sign_in(store, "sv", PASSWORD) is None
    users.set_active(store, "sv", True)
    assert sign_in(store, "sv", PASSWORD)


def test_idle_and_absolute_expiry(store):
    t0 = utcnow()
    token = sign_in(store, "root", PASSWORD, now=t0, max_hours=2)
    assert session_viewer(store, token, now=t0 + timedelta(minutes=59), idle_minutes=60)
    assert session_viewer(store, token, now=t0 + timedelta(minutes=59 + 61), idle_minutes=60) is None
    assert session_viewer(store, token, now=t0 + timedelta(minutes=59)) is None, "an expired session is deleted"

    token = sign_in(store, "root", PASSWORD, now=t0, max_hours=2)
    for minutes in range(30, 120, 30):  # used every half hour: never idle, still ends 2 h after sign-in
        assert session_viewer(store, token, now=t0 + timedelta(minutes=minutes), idle_minutes=60)
    assert session_viewer(store, token, now=t0 + timedelta(minutes=120), idle_minutes=60) is None

    token = sign_in(store, "root", PASSWORD, now=t0)  # 12 h by default; the app's limit is now 1 h
    assert session_viewer(store, token, now=t0 + timedelta(minutes=50), max_hours=1)
    assert session_viewer(store, token, now=t0 + timedelta(minutes=61), max_hours=1) is None


def test_sign_out_and_password_change_end_sessions(store):
    a, b = sign_in(store, "root", PASSWORD), sign_in(store, "root", PASSWORD)
    sign_out(store, a)
    assert session_viewer(store, a) is None and session_viewer(store, b)
    users.reset_password(store, "root", "a new long password")
    assert session_viewer(store, b) is None
    assert sign_in(store, "root", PASSWORD) is None and sign_in(store, "root", "a new long password")


def test_session_limits_from_arguments_environment_and_defaults():
    assert session_limits(environ={}) == SessionLimits(60, 12)
    env = {"CALLQA_SESSION_IDLE_MINUTES": "15", "CALLQA_SESSION_MAX_HOURS": "8"}
    assert session_limits(environ=env) == SessionLimits(15, 8)
    assert session_limits("5", 1.5, environ=env) == SessionLimits(5, 1.5)
    for bad in ("0", "-3", "soon", "inf"):
        with pytest.raises(InputError, match="positive number"):
            session_limits(bad, environ={})
    with pytest.raises(InputError, match="CALLQA_SESSION_MAX_HOURS"):
        session_limits(environ={"CALLQA_SESSION_MAX_HOURS": "x"})


# -- managing users --------------------------------------------------------------------------------------
def test_user_rules(store):
    with pytest.raises(InputError, match="already exists"):
        users.create_user(store, "root", PASSWORD, "admin")
    with pytest.raises(InputError, match="needs an agent id"):
        users.create_user(store, "lan", PASSWORD, "agent")
    with pytest.raises(InputError, match="too short"):
        users.create_user(store, "lan", "short", "agent", agent_id="agent_lan")
    with pytest.raises(InputError, match="unknown role"):
        users.create_user(store, "x", PASSWORD, "boss")
    with pytest.raises(InputError, match="admin sees every team"):
        users.create_user(store, "x", PASSWORD, "admin", teams=("vi",))
    lan = users.create_user(store, "lan", PASSWORD, "agent", agent_id="agent_lan", name="Lan", teams=("vi",))
    assert (lan.role, lan.agent_id, lan.teams) == ("agent", "agent_lan", ())
    assert [(a.agent_id, a.name, a.team, a.username) for a in users.list_agents(store)] == [
        ("agent_lan", "Lan", "vi", "lan")]
    with pytest.raises(InputError, match="already belongs to user 'lan'"):
        users.create_user(store, "lan2", PASSWORD, "agent", agent_id="agent_lan")
    assert get_user(store, "lan2") is None
    with pytest.raises(InputError, match="last active admin"):
        users.set_active(store, "root", False)
    with pytest.raises(InputError, match="last active admin"):
        users.set_role(store, "root", "supervisor")
    with pytest.raises(InputError, match="no user 'ghost'"):
        users.set_active(store, "ghost", False)
    with pytest.raises(InputError, match="only supervisors"):
        users.set_teams(store, "lan", ("vi",))

    sv = users.create_user(store, "sv", PASSWORD, "supervisor", teams=("en", "vi", "en"))
    assert sv.teams == ("en", "vi")
    assert users.set_teams(store, "sv", ()).teams == ()
    assert users.set_teams(store, "sv", ("vi",)).teams == ("vi",)
    moved = users.set_role(store, "sv", "agent", agent_id="agent_tom")
    assert (moved.role, moved.agent_id, moved.teams) == ("agent", "agent_tom", ())
    assert users.set_role(store, "sv", "admin").agent_id is None
    assert users.set_active(store, "root", False).active is False, "another admin exists now"
    assert [u.username for u in users.list_users(store)] == ["lan", "root", "sv"]
    assert users.list_teams(store) == ["vi"]
    assert users.set_agent(store, "agent_lan", name="").name is None
    assert users.set_agent(store, "agent_lan", team="north").team == "north"


def test_only_an_admin_manages_users(store):
    users.create_user(store, "sv", PASSWORD, "supervisor")
    users.create_user(store, "lan", PASSWORD, "agent", agent_id="agent_lan")
    for viewer in (get_user(store, "sv").viewer(), get_user(store, "lan").viewer(), Viewer("x", "hacker")):
        for call in (lambda v: users.list_users_as(store, v),
                     lambda v: users.create_user_as(store, v, "evil", PASSWORD, "admin"),
                     lambda v: users.set_active_as(store, v, "root", False),
                     lambda v: users.set_role_as(store, v, viewer.username, "admin"),
                     lambda v: users.reset_password_as(store, v, "root", "taken over!"),
                     lambda v: users.set_teams_as(store, v, "sv", ()),
                     lambda v: users.set_agent_as(store, v, "agent_lan", team="mine"),
                     lambda v: users.list_agents_as(store, v)):
            with pytest.raises(PermissionDenied):
                call(viewer)
    assert get_user(store, "evil") is None and get_user(store, "sv").role == "supervisor"
    assert sign_in(store, "root", PASSWORD), "the admin's password is unchanged"
    assert users.create_user_as(store, ADMIN, "sv2", PASSWORD, "supervisor", teams=("vi",)).teams == ("vi",)
    with pytest.raises(InputError, match="your own account"):
        users.set_active_as(store, ADMIN, "root", False)
    with pytest.raises(InputError, match="your own account"):
        users.set_role_as(store, ADMIN, "root", "agent", agent_id="a")
    assert not users.set_active_as(store, ADMIN, "sv", False).active


# -- who sees which calls --------------------------------------------------------------------------------
def _visible(store, viewer):
    return {r["call_id"] for r in store.list_calls(scope=call_scope(viewer))}


def test_supervisor_limited_to_a_team_sees_only_that_team(calls_db):
    store = Store(calls_db)
    sup_vi = session_viewer(store, sign_in(store, "sup_vi", PASSWORD))
    assert sup_vi.teams == ("vi",)
    assert _visible(store, sup_vi) == {"vi_complaint_bad", "vi_complaint_good", "vi_request"}
    assert get_call(store, sup_vi, "en_complaint_bad") is None
    assert get_call(store, sup_vi, "vi_complaint_bad").to_dict()["call_id"] == "vi_complaint_bad"
    assert len(_visible(store, get_user(store, "sup").viewer())) == 7, "a supervisor without teams sees all"
    assert _visible(store, get_user(store, "lan").viewer()) == {"vi_complaint_good", "vi_request"}
    assert _visible(store, Viewer("x", "supervisor", teams=("nobody",))) == set()


def test_moving_an_agent_between_teams_moves_their_calls(tmp_path):
    store = Store(sample_store(tmp_path / "m.duckdb"))
    users.set_agent(store, "agent_tom", team="en")
    sup = users.create_user(store, "sup_en", PASSWORD, "supervisor", teams=("en",)).viewer()
    assert _visible(store, sup) == {"en_complaint_bad"}
    users.set_agent(store, "agent_tom", team="vi")
    assert _visible(store, sup) == set()
    assert {(a.agent_id, a.calls) for a in users.list_agents(store)} >= {("agent_tom", 1), ("agent_lan", 2)}


# -- the commands ----------------------------------------------------------------------------------------
def cli(db, *args, input=None):
    return CliRunner().invoke(main, [*args, "--db", db], input=input)


def test_cli_first_admin_then_users_and_agents(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    r = cli(db, "users", "list")
    assert r.exit_code != 0 and "no such database" in r.output
    r = cli(db, "users", "add", "boss", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0, r.output
    assert "added boss (admin)" in r.output and PASSWORD not in r.output, "the password is not echoed"
    assert sign_in(Store(db), "boss", PASSWORD)
    r = cli(db, "users", "add", "lan", "--role", "agent", "--agent-id", "agent_lan", "--team", "vi", "--name",
            "Lan", "--password-stdin", input=f"{PASSWORD}\n")
    assert r.exit_code == 0 and "agent id agent_lan" in r.output
    assert "no stored call has agent id agent_lan" in r.output
    r = cli(db, "users", "add", "sv", "--role", "supervisor", "--team", "vi", "--team", "en", "--password-stdin",
            input=f"{PASSWORD}\n")
    assert r.exit_code == 0 and "teams en, vi" in r.output
    assert "no agent is in team 'en'" in r.output
    r = cli(db, "users", "list")
    lines = {line.split()[0]: line.split() for line in r.output.splitlines()}
    assert lines["lan"][:5] == ["lan", "agent", "agent_lan", "-", "active"]
    assert lines["sv"][:5] == ["sv", "supervisor", "-", "en,vi", "active"]
    assert cli(db, "users", "teams", "sv", "--team", "vi").output.strip() == "sv sees teams vi"
    assert "every team" in cli(db, "users", "teams", "sv", "--all").output
    r = cli(db, "users", "disable", "sv")
    assert r.exit_code == 0 and not get_user(Store(db), "sv").active
    assert cli(db, "users", "enable", "sv").exit_code == 0 and get_user(Store(db), "sv").active
    r = cli(db, "users", "passwd", "sv", "--password-stdin", input="another password\n")
    assert r.exit_code == 0 and sign_in(Store(db), "sv", "another password")
    r = cli(db, "users", "role", "sv", "--role", "agent", "--agent-id", "agent_tom")
    assert r.exit_code == 0 and get_user(Store(db), "sv").agent_id == "agent_tom"
    r = cli(db, "agents", "set", "agent_tom", "--name", "Tom", "--team", "en")
    assert r.exit_code == 0 and "agent_tom: name Tom, team en" in r.output
    r = cli(db, "agents", "list")
    assert [line.split()[:3] for line in r.output.splitlines()] == [["agent_lan", "Lan", "vi"],
                                                                    ["agent_tom", "Tom", "en"]]


def test_cli_errors(tmp_path):
    db = str(tmp_path / "err.duckdb")
    cli(db, "users", "add", "boss", "--role", "admin", "--password-stdin", input=f"{PASSWORD}\n")
    cases = [
        (["users", "add", "boss", "--role", "admin", "--password-stdin"], f"{PASSWORD}\n", "already exists"),
        (["users", "add", "lan", "--role", "agent", "--password-stdin"], f"{PASSWORD}\n", "needs an agent id"),
        (["users", "add", "lan", "--role", "agent", "--agent-id", "a", "--password-stdin"], "short\n", "too short"),
        (["users", "add", "lan", "--role", "agent", "--agent-id", "a", "--password-stdin"], "", "no password"),
        (["users", "add", "x", "--role", "boss", "--password-stdin"], f"{PASSWORD}\n", "Invalid value"),
        (["users", "passwd", "ghost", "--password-stdin"], f"{PASSWORD}\n", "no user 'ghost'"),
        (["users", "disable", "ghost"], None, "no user 'ghost'"),
        (["users", "disable", "boss"], None, "last active admin"),
        (["users", "teams", "boss", "--team", "vi"], None, "only supervisors"),
        (["users", "teams", "boss"], None, "--team T (repeatable) or --all"),
        (["agents", "set", "agent_x"], None, "--name and/or --team"),
    ]
    for args, stdin, message in cases:
        r = cli(db, *args, input=stdin)
        assert r.exit_code != 0, args
        assert message in r.output, (args, r.output)
    # an error found before the password prompt: nobody is asked for a password in vain
    r = cli(db, "users", "add", "boss", "--role", "admin")
    assert "Password" not in r.output and "already exists" in r.output
    # typed twice, differently: asked again
    r = cli(db, "users", "add", "eve", "--role", "supervisor", input=f"{PASSWORD}\nother one\n{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0 and "do not match" in r.output
    assert {u.username for u in users.list_users(Store(db))} == {"boss", "eve"}


def test_first_admin_signs_in_to_a_fresh_database(tmp_path):
    db = str(tmp_path / "fresh" / "new.duckdb")
    r = cli(db, "users", "add", "boss", "--role", "admin", "--password-stdin", input=f"{PASSWORD}\n")
    assert r.exit_code == 0, r.output
    store = Store(db)
    viewer = session_viewer(store, sign_in(store, "boss", PASSWORD))
    assert viewer == Viewer("boss", "admin", None, ())
    add_user(store, "lan", PASSWORD, "agent", agent_id="agent_lan")
    assert "agent_lan" in cli(db, "agents", "list").output
