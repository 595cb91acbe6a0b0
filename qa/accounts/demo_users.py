"""Demo accounts for `callqa demo`: so a person can sign in to the demo at once.

When the demo database has no users yet: an admin, a supervisor who sees every team, a supervisor limited to
one team, and one agent user per agent id in the calls (user name = agent id, e.g. agent_lan). The sample agents
are put into two teams. All accounts share one random password, printed once on the terminal — never a fixed,
well-known one. A database that already has users is left alone.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

import click

from qa.accounts.auth import User
from qa.accounts.users import create_user, list_agents, set_agent
from qa.store.database import Store

# The sample calls' agents (sample_calls/dialogues.py): the Vietnamese desk and the English desk.
SAMPLE_TEAMS = {"agent_lan": "team_vi", "agent_minh": "team_vi", "agent_tom": "team_en", "agent_linda": "team_en",
                "agent_mai": "team_en"}
TEAMS = ("team_vi", "team_en")


@dataclass(frozen=True)
class DemoAccounts:
    """The accounts made for the demo and their one shared password."""

    password: str
    users: list[User]


def link_sample_agents(store: Store, transcripts: Path) -> int:
    """Give calls scored from the sample recordings (which carry no agent id) the agent id of their reference
    transcript (same file name). Returns how many calls were changed."""
    ids: dict[str, str] = {}
    for f in sorted(transcripts.glob("*.json")):
        agent_id = json.loads(f.read_text(encoding="utf-8")).get("agent_id")
        if agent_id:
            ids[f.stem] = agent_id
    changed = 0
    with store.transaction() as con:
        for call_id, source_path in con.execute("SELECT call_id, source_path FROM calls "
                                                "WHERE agent_id IS NULL AND source_path IS NOT NULL").fetchall():
            agent_id = ids.get(Path(source_path).stem)
            if agent_id:
                con.execute("UPDATE calls SET agent_id = ? WHERE call_id = ?", [agent_id, call_id])
                changed += 1
    return changed


def create_demo_users(store: Store) -> DemoAccounts | None:
    """The demo accounts (see the module docstring), or None when the database already has users."""
    with store.connect() as con:
        row = con.execute("SELECT count(*) FROM users").fetchone()
    assert row is not None  # an aggregate without GROUP BY always gives one row
    if row[0]:
        return None
    password = secrets.token_urlsafe(12)
    agents = list_agents(store)
    for i, agent in enumerate(agents):
        if not agent.team:
            set_agent(store, agent.agent_id, team=SAMPLE_TEAMS.get(agent.agent_id, TEAMS[i % 2]))
    made = [create_user(store, "admin", password, "admin", name="Demo admin"),
            create_user(store, "supervisor", password, "supervisor", name="Demo supervisor"),
            create_user(store, "supervisor_vi", password, "supervisor", name="Demo supervisor (team_vi)",
                        teams=("team_vi",))]
    made += [create_user(store, a.agent_id, password, "agent", agent_id=a.agent_id) for a in agents
             if not a.username]
    return DemoAccounts(password, made)


def announce_demo_users(store: Store, db: str) -> DemoAccounts | None:
    """Create the demo accounts when there are none and print them with their password (once)."""
    accounts = create_demo_users(store)
    if accounts is None:
        click.echo(f"Sign in with the accounts made earlier (callqa users list --db {db}; to set a new password: "
                   f"callqa users passwd NAME --db {db}).")
        return None
    teams = {a.agent_id: a.team for a in list_agents(store)}
    click.echo("\nDemo accounts (one password for all, shown only now):")
    click.secho(f"  password: {accounts.password}", bold=True)
    for u in accounts.users:
        team = teams.get(u.agent_id) if u.agent_id is not None else None
        what = (f"agent {u.agent_id}, {team or 'no team'}" if u.role == "agent"
                else f"supervisor of {', '.join(u.teams)}" if u.teams
                else "supervisor, every team" if u.role == "supervisor" else u.role)
        click.echo(f"  {u.username:<14} {what}")
    click.echo(f"Lost it? callqa users passwd admin --db {db}\n")
    return accounts
