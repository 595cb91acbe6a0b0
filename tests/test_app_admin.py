"""The admin page (users and teams) and who may not see it, team-limited supervisors and session expiry in the
app, driven by Streamlit's AppTest on a real DuckDB file."""
import sys
from datetime import timedelta

import pytest
from apphelp import PASSWORD, ROOT, run_app, sample_store, token_for
from streamlit.testing.v1 import AppTest

from qa.accounts.auth import get_user, session_viewer, sign_in, utcnow
from qa.accounts.users import create_user, list_agents, set_agent
from qa.store.database import Store

TEAMS = {"agent_lan": "vi", "agent_minh": "vi", "agent_tom": "en", "agent_linda": "en", "agent_mai": "en"}
VI_CALLS = {"vi_complaint_bad", "vi_complaint_good", "vi_request"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = sample_store(tmp_path_factory.mktemp("admin") / "admin.duckdb")
    store = Store(path)
    for agent_id, team in TEAMS.items():
        set_agent(store, agent_id, team=team)
    create_user(store, "sup_vi", PASSWORD, "supervisor", teams=("vi",))
    return path


def users_table(at):
    """The admin page's users table as {user: row}, or None when not shown."""
    for df in at.dataframe:
        frame = df.value
        if "Role" in frame.columns or "Vai trò" in frame.columns:
            return {row.iloc[0]: row for _, row in frame.iterrows()}
    return None


def menu(at):
    """The page menu's labels."""
    return at.sidebar.radio(key="ui_page").options


def test_admin_page_lists_users(db):
    at = run_app(db, "admin", query={"page": "admin"})
    assert not at.exception
    assert "Users and teams" in menu(at) and at.sidebar.radio(key="ui_page").value == "admin"
    table = users_table(at)
    assert set(table) >= {"admin", "sup", "sup_vi", "lan", "tom"}
    lan = table["lan"]
    assert (lan["Role"], lan["Agent ID"], bool(lan["Active"])) == ("agent", "agent_lan", True)
    assert table["sup_vi"]["Teams"] == "vi" and table["sup"]["Teams"] == "all teams"
    assert all("argon2" not in str(v) for row in table.values() for v in row), "no password hashes on the page"
    agents = next(df.value for df in at.dataframe if "Calls" in df.value.columns)
    assert dict(zip(agents["Agent ID"], agents["Team"])) == TEAMS


def test_admin_page_in_vietnamese(db):
    at = run_app(db, "admin", query={"page": "admin"})
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    assert not at.exception
    assert [s.value for s in at.subheader][:2] == ["Người dùng", "Thay đổi người dùng"]
    assert users_table(at)["lan"]["Vai trò"] == "nhân viên"


def test_admin_adds_a_team_limited_supervisor_who_then_sees_only_that_team(db):
    at = run_app(db, "admin", query={"page": "admin"})
    at.text_input(key="adm_new_user").input("lead_vi")
    at.selectbox(key="adm_new_role").set_value("supervisor")
    at.multiselect(key="adm_new_teams").set_value(["vi"])
    at.text_input(key="adm_new_password").input(PASSWORD)
    at.text_input(key="adm_new_password2").input(PASSWORD)
    at.button(key="adm_add_submit").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert "User lead_vi added." in [s.value for s in at.success]
    assert users_table(at)["lead_vi"]["Teams"] == "vi"
    user = get_user(Store(db), "lead_vi")
    assert (user.role, user.teams, user.active) == ("supervisor", ("vi",), True)
    lead = run_app(db, "lead_vi")
    assert set(lead.selectbox(key="queue_open").options) == VI_CALLS


def test_add_user_errors_are_shown_and_nothing_is_added(db):
    at = run_app(db, "admin", query={"page": "admin"})
    at.text_input(key="adm_new_user").input("lan")  # taken
    at.text_input(key="adm_new_agent").input("agent_x")
    at.text_input(key="adm_new_password").input(PASSWORD)
    at.text_input(key="adm_new_password2").input(PASSWORD)
    at.button(key="adm_add_submit").click()
    at = run_app(db, at=at)
    assert "already exists" in at.error[0].value
    at.text_input(key="adm_new_user").input("newbie")
    at.text_input(key="adm_new_password2").input(PASSWORD + "!")
    at.button(key="adm_add_submit").click()
    at = run_app(db, at=at)
    assert at.error[0].value == "The two passwords differ."
    at.text_input(key="adm_new_password2").input(PASSWORD)
    at.text_input(key="adm_new_agent").input("")  # an agent without an agent id
    at.button(key="adm_add_submit").click()
    at = run_app(db, at=at)
    assert "needs an agent ID" in at.error[0].value
    assert get_user(Store(db), "newbie") is None


def test_admin_disables_and_enables_a_user(db):
    tom = token_for(db, "tom")
    at = run_app(db, "admin", query={"page": "admin"})
    at.selectbox(key="adm_pick").set_value("tom")
    at = run_app(db, at=at)
    at.button(key="adm_toggle").click()
    at = run_app(db, at=at)
    assert not at.exception and "tom is disabled" in at.success[0].value
    assert not bool(users_table(at)["tom"]["Active"])
    gone = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    gone.session_state["callqa_token"] = tom
    gone = run_app(db, at=gone)
    assert not gone.dataframe and "expired" in gone.info[0].value, "tom's open session ended"
    assert sign_in(Store(db), "tom", PASSWORD) is None
    at.button(key="adm_toggle").click()
    at = run_app(db, at=at)
    assert "tom can sign in again." in at.success[0].value
    assert sign_in(Store(db), "tom", PASSWORD)


def test_admin_cannot_disable_themselves(db):
    at = run_app(db, "admin", query={"page": "admin"})
    at.selectbox(key="adm_pick").set_value("admin")
    at = run_app(db, at=at)
    assert not [b for b in at.button if b.key == "adm_toggle"]


def test_admin_resets_a_password(db):
    store = Store(db)
    create_user(store, "temp", PASSWORD, "supervisor")
    old = sign_in(store, "temp", PASSWORD)
    at = run_app(db, "admin", query={"page": "admin"})
    at.selectbox(key="adm_pick").set_value("temp")
    at = run_app(db, at=at)
    at.text_input(key="adm_pw").input("brand new secret")
    at.text_input(key="adm_pw2").input("brand new secret")
    at.button(key="adm_pw_submit").click()
    at = run_app(db, at=at)
    assert not at.exception and "Password of temp changed" in at.success[0].value
    assert sign_in(store, "temp", PASSWORD) is None and sign_in(store, "temp", "brand new secret")
    assert session_viewer(store, old) is None


def test_admin_sets_a_supervisors_teams_and_an_agents_team(db):
    store = Store(db)
    create_user(store, "sup_move", PASSWORD, "supervisor", teams=("en",))
    at = run_app(db, "admin", query={"page": "admin"})
    at.selectbox(key="adm_pick").set_value("sup_move")
    at = run_app(db, at=at)
    at.multiselect(key="adm_teams:sup_move").set_value(["vi"])
    at.button(key="adm_teams_save").click()
    at = run_app(db, at=at)
    assert "sup_move now sees: vi." in at.success[0].value
    assert get_user(store, "sup_move").teams == ("vi",)

    at.selectbox(key="adm_agent_pick").set_value("agent_tom")
    at = run_app(db, at=at)
    at.text_input(key="adm_agent_team:agent_tom").input("vi")
    at.text_input(key="adm_agent_name:agent_tom").input("Tom")
    at.button(key="adm_agent_submit").click()
    at = run_app(db, at=at)
    assert not at.exception and "agent_tom: name Tom, team vi." in at.success[0].value
    moved = set(run_app(db, "sup_move").selectbox(key="queue_open").options)
    assert moved == VI_CALLS | {"en_complaint_bad"}, "tom's call moved into the vi team"
    set_agent(store, "agent_tom", team="en")
    assert {a.agent_id: a.team for a in list_agents(store)}["agent_tom"] == "en"


@pytest.mark.parametrize("user", ["sup", "sup_vi", "lan"])
def test_non_admins_get_no_admin_page_even_by_url(db, user):
    at = run_app(db, user, query={"page": "admin"})
    assert not at.exception
    assert "Users and teams" not in menu(at) and at.sidebar.radio(key="ui_page").value != "admin"
    assert users_table(at) is None
    assert "Users and teams" not in [s.value for s in at.subheader]
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "sup_vi" not in shown and "argon2" not in shown


def _admin_page_as(db: str, username: str) -> None:  # runs as a Streamlit script (AppTest.from_function)
    from qa.accounts.auth import get_user
    from qa.app import admin
    from qa.app.common import Context
    from qa.store.database import Store

    store = Store(db)
    admin.render(Context(store, get_user(store, username).viewer(), "en"))


def test_admin_page_itself_refuses_a_supervisor(db):
    """Even if a menu bug offered the page, qa refuses: the page shows no user data."""
    at = AppTest.from_function(_admin_page_as, args=(db, "sup"), default_timeout=60).run()
    assert not at.exception
    assert not at.dataframe and "needs the role admin" in at.error[0].value
    at = AppTest.from_function(_admin_page_as, args=(db, "admin"), default_timeout=60).run()
    assert not at.exception and set(users_table(at)) >= {"admin", "lan"}


def test_team_limited_supervisor_cannot_open_another_teams_call_by_url(db):
    at = run_app(db, "sup_vi")
    assert set(at.selectbox(key="queue_open").options) == VI_CALLS
    at = run_app(db, "sup_vi", query={"page": "call", "call": "en_complaint_good"})
    assert not at.exception
    assert not at.header and "not found" in at.error[0].value
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "agent_linda" not in shown and "en_complaint_good" in at.error[0].value


def test_session_idle_limit_from_the_environment(db, monkeypatch):
    store = Store(db)
    token = sign_in(store, "sup", PASSWORD, now=utcnow() - timedelta(minutes=45))

    def run(token):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["callqa_token"] = token
        return run_app(db, at=at)

    assert run(token).dataframe, "45 minutes idle: still signed in under the 60-minute default"
    token = sign_in(store, "sup", PASSWORD, now=utcnow() - timedelta(minutes=45))
    monkeypatch.setenv("CALLQA_SESSION_IDLE_MINUTES", "30")
    at = run(token)
    assert not at.dataframe and "expired" in at.info[0].value
    monkeypatch.setenv("CALLQA_SESSION_IDLE_MINUTES", "0")
    at = run(sign_in(store, "sup", PASSWORD))
    assert not at.exception and "positive number" in at.error[0].value


def test_session_limits_from_app_arguments(monkeypatch):
    from qa.app.common import session_limits

    monkeypatch.setenv("CALLQA_SESSION_MAX_HOURS", "3")
    monkeypatch.setattr(sys, "argv", ["app.py", "--db", "x", "--session-idle-minutes", "20"])
    limits = session_limits()
    assert (limits.idle_minutes, limits.max_hours) == (20, 3)
