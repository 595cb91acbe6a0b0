"""`callqa users ...` and `callqa agents ...`: the reviewer app's accounts, supervisors' teams and the agents
registry. These commands act as the operator of the database file (no sign-in): whoever may open the file."""
from __future__ import annotations

import os

import click

from qa.accounts.access import ROLES
from qa.cli.group import db_option, main

password_stdin_option = click.option("--password-stdin", is_flag=True,
                                     help="Read the password from the first line of standard input (for scripts).")


def _store(db: str, create: bool = False):
    from qa.store.database import Store

    if not create and not os.path.exists(db):
        raise click.ClickException(f"{db}: no such database — give --db, or create the first admin: "
                                   f"callqa users add NAME --role admin --db {db}")
    return Store(db)


def _password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or asked twice without echo."""
    if from_stdin:
        # click.open_file("-"): stdin as click.get_text_stream("stdin") gave it (deprecated since Click 8.5)
        password = click.open_file("-").readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input — pipe one line, e.g. "
                                       "printf '%s\\n' \"$PASSWORD\" | callqa users add ... --password-stdin")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@main.group()
def users() -> None:
    """Accounts of the reviewer app: admin, supervisor, agent."""


@users.command(name="add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do and see.")
@click.option("--agent-id", default=None, help="Agent users: the agent_id their calls carry (required).")
@click.option("--team", "teams", multiple=True,
              help="Supervisors: see only these teams' calls (repeat; none: every team). Agents: their team.")
@click.option("--name", default=None, help="Display name (for an agent, also recorded in the agents registry).")
@password_stdin_option
@db_option
def users_add(username: str, role: str, agent_id: str | None, teams: tuple[str, ...], name: str | None,
              password_stdin: bool, db: str) -> None:
    """Create a user (the first admin too); the password is asked twice, hidden."""
    from qa.accounts import users as u

    store = _store(db, create=True)
    u.check_new_user(store, username, role, agent_id=agent_id, teams=teams)
    user = u.create_user(store, username, _password(password_stdin), role, agent_id=agent_id, name=name,
                         teams=teams)
    click.echo(f"added {user.username} ({user.role}" + (f", agent id {user.agent_id}" if user.agent_id else "")
               + (f", teams {', '.join(user.teams)}" if user.teams else "") + ")")
    if user.agent_id and not u.agent_has_calls(store, user.agent_id):
        click.secho(f"note: no stored call has agent id {user.agent_id} yet — check the spelling "
                    "(`callqa agents list`)", fg="yellow", err=True)
    _warn_empty_teams(store, user.teams)


def _warn_empty_teams(store, teams: tuple[str, ...]) -> None:
    from qa.accounts.users import teams_without_agents

    for team in teams_without_agents(store, teams):
        click.secho(f"note: no agent is in team {team!r} yet — put agents in it with "
                    f"`callqa agents set AGENT_ID --team {team}`", fg="yellow", err=True)


@users.command(name="list")
@db_option
def users_list(db: str) -> None:
    """Every user: name, role, agent id, teams, active."""
    from qa.accounts.users import list_users

    rows = list_users(_store(db))
    if not rows:
        click.echo(f"no users yet — create the first admin: callqa users add NAME --role admin --db {db}")
    for user in rows:
        teams = ",".join(user.teams) or ("all teams" if user.role == "supervisor" else "-")
        click.echo(f"{user.username:<20} {user.role:<10} {user.agent_id or '-':<16} {teams:<20} "
                   f"{'active' if user.active else 'disabled':<8} {user.display_name or ''}".rstrip())


@users.command(name="passwd")
@click.argument("username")
@password_stdin_option
@db_option
def users_passwd(username: str, password_stdin: bool, db: str) -> None:
    """Set a user's password (their open sessions end)."""
    from qa.accounts.auth import get_user
    from qa.accounts.users import reset_password

    store = _store(db)
    if get_user(store, username) is None:
        raise click.ClickException(f"no user {username!r} — list users with `callqa users list`")
    reset_password(store, username, _password(password_stdin))
    click.echo(f"password of {username} changed; their sessions ended")


def _set_active(username: str, db: str, active: bool) -> None:
    from qa.accounts.users import set_active

    set_active(_store(db), username, active)
    click.echo(f"{username} {'enabled' if active else 'disabled (signed out everywhere)'}")


@users.command(name="disable")
@click.argument("username")
@db_option
def users_disable(username: str, db: str) -> None:
    """Refuse a user's sign-in and end their sessions."""
    _set_active(username, db, False)


@users.command(name="enable")
@click.argument("username")
@db_option
def users_enable(username: str, db: str) -> None:
    """Let a disabled user sign in again."""
    _set_active(username, db, True)


@users.command(name="role")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agent-id", default=None, help="Required for the agent role.")
@db_option
def users_role(username: str, role: str, agent_id: str | None, db: str) -> None:
    """Give a user another role."""
    from qa.accounts.users import set_role

    user = set_role(_store(db), username, role, agent_id=agent_id)
    click.echo(f"{user.username} is now {user.role}" + (f" (agent id {user.agent_id})" if user.agent_id else ""))


@users.command(name="teams")
@click.argument("username")
@click.option("--team", "teams", multiple=True, help="A team the supervisor sees (repeat).")
@click.option("--all", "all_teams", is_flag=True, help="Remove the limit: every team.")
@db_option
def users_teams(username: str, teams: tuple[str, ...], all_teams: bool, db: str) -> None:
    """Limit a supervisor to teams (replaces their teams), or --all to remove the limit."""
    from qa.accounts.users import set_teams

    if bool(teams) == all_teams:
        raise click.UsageError("give --team T (repeatable) or --all")
    store = _store(db)
    user = set_teams(store, username, () if all_teams else teams)
    click.echo(f"{user.username} sees " + (f"teams {', '.join(user.teams)}" if user.teams else "every team"))
    _warn_empty_teams(store, user.teams)


@main.group()
def agents() -> None:
    """The agents registry: each agent id's name and team (teams limit supervisors)."""


@agents.command(name="set")
@click.argument("agent_id")
@click.option("--name", default=None, help="Display name (\"\" clears it).")
@click.option("--team", default=None, help="Team (\"\" clears it).")
@db_option
def agents_set(agent_id: str, name: str | None, team: str | None, db: str) -> None:
    """Record an agent's name and/or team."""
    from qa.accounts.users import set_agent

    if name is None and team is None:
        raise click.UsageError("give --name and/or --team")
    agent = set_agent(_store(db), agent_id, name=name, team=team)
    click.echo(f"{agent.agent_id}: name {agent.name or '-'}, team {agent.team or '-'}, {agent.calls} call(s)")


@agents.command(name="list")
@db_option
def agents_list(db: str) -> None:
    """Every agent id (registered, in the calls or on a user): name, team, calls, user."""
    from qa.accounts.users import list_agents

    rows = list_agents(_store(db))
    if not rows:
        click.echo("no agents yet — score calls that carry an agent_id, or: callqa agents set AGENT_ID --team T")
    for a in rows:
        click.echo(f"{a.agent_id:<16} {a.name or '-':<16} {a.team or '-':<12} {a.calls:>6} call(s)  "
                   f"user {a.username or '-'}")
