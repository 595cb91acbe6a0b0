"""`callqa demo` makes accounts a person can sign in with: random password printed once, sample agents in two
teams, and each agent user sees only their calls."""
import json
import re

from apphelp import ROOT
from click.testing import CliRunner

from qa.accounts.access import call_scope
from qa.accounts.auth import session_viewer, sign_in
from qa.accounts.demo_users import create_demo_users, link_sample_agents
from qa.accounts.users import list_agents, list_users
from qa.cli import main
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.store.database import Store

TRANSCRIPTS = ROOT / "sample_calls" / "transcripts"


def visible(store, username, password):
    viewer = session_viewer(store, sign_in(store, username, password))
    assert viewer, username
    return {r["call_id"] for r in store.list_calls(scope=call_scope(viewer))}


def test_demo_prints_accounts_once_and_they_sign_in(tmp_path):
    db = str(tmp_path / "demo.duckdb")
    r = CliRunner().invoke(main, ["demo", "--no-app", "--db", db])
    assert r.exit_code == 0, r.output
    # no speech model configured: Whisper base from PyPI transcribes the English recordings for real; the
    # Vietnamese and mixed calls are scored from their reference transcripts, said so
    assert r.output.count("[audio]") == 3 and r.output.count("[transcript]") == 4, r.output
    assert "REFERENCE TRANSCRIPTS" in r.output and "large-v3-turbo" in r.output
    password = re.search(r"password: (\S+)", r.output).group(1)
    assert len(password) >= 12
    store = Store(db)
    names = {u.username: u for u in list_users(store)}
    assert set(names) == {"admin", "supervisor", "supervisor_vi", "agent_lan", "agent_linda", "agent_mai",
                          "agent_minh", "agent_tom"}
    assert {a.agent_id: a.team for a in list_agents(store)} == {
        "agent_lan": "team_vi", "agent_minh": "team_vi", "agent_linda": "team_en", "agent_mai": "team_en",
        "agent_tom": "team_en"}
    assert len(visible(store, "admin", password)) == 7
    assert visible(store, "agent_lan", password) == {"vi_complaint_good", "vi_request"}
    assert visible(store, "supervisor_vi", password) == {"vi_complaint_bad", "vi_complaint_good", "vi_request"}

    again = CliRunner().invoke(main, ["demo", "--no-app", "--db", db])
    assert again.exit_code == 0 and "accounts made earlier" in again.output
    assert password not in again.output and "Demo accounts" not in again.output
    assert sign_in(store, "admin", password), "the first password still works"


def test_demo_password_is_random(tmp_path):
    a, b = Store(str(tmp_path / "a.duckdb")), Store(str(tmp_path / "b.duckdb"))
    first, second = create_demo_users(a), create_demo_users(b)
    assert first.password != second.password
    assert [u.username for u in first.users] == ["admin", "supervisor", "supervisor_vi"], "no calls: no agents"
    assert create_demo_users(a) is None, "a database with users is left alone"


def test_recordings_scored_without_agent_id_get_their_sample_agent(tmp_path):
    data = json.loads((TRANSCRIPTS / "vi_request.json").read_text(encoding="utf-8"))
    del data["agent_id"]
    data["audio"] = None
    copy = tmp_path / "vi_request.json"
    copy.write_text(json.dumps(data), encoding="utf-8")
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    store = Store(str(tmp_path / "link.duckdb"))
    store.save(Pipeline(settings).process(str(copy)))
    assert store.list_calls()[0]["agent_id"] is None
    assert link_sample_agents(store, TRANSCRIPTS) == 1
    assert store.list_calls()[0]["agent_id"] == "agent_lan"
    assert link_sample_agents(store, TRANSCRIPTS) == 0
