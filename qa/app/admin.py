"""Admin page: users (role, agent id, teams, active), add a user, disable or enable one, reset a password,
limit a supervisor to teams, and set an agent's name and team. Every read and change goes through the `*_as`
functions of `qa.accounts.users`, which refuse anyone but an admin."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from qa.accounts.access import ROLES
from qa.accounts.auth import User
from qa.accounts.users import (
    Agent,
    create_user_as,
    list_agents_as,
    list_teams_as,
    list_users_as,
    reset_password_as,
    set_active_as,
    set_agent_as,
    set_teams_as,
)
from qa.app.common import Context, plain
from transcribe.errors import CallQAError

FLASH_KEY = "adm_flash"  # a message to show after the rerun that follows a change


def _act(ctx: Context, action: Callable[[], object], done: str) -> None:
    """Run a change; on success show `done` after a rerun, else the reason."""
    try:
        action()
    except CallQAError as exc:
        st.error(ctx.t("adm_failed", problem=ctx.error(exc)))
        return
    st.session_state[FLASH_KEY] = done
    st.rerun()


def _role(ctx: Context, role: str) -> str:
    return ctx.t("role_" + role)


def render(ctx: Context) -> None:
    try:
        users = list_users_as(ctx.store, ctx.viewer)
        teams = list_teams_as(ctx.store, ctx.viewer)
        agents = list_agents_as(ctx.store, ctx.viewer)
    except CallQAError as exc:  # PermissionDenied: not an admin
        st.error(ctx.error(exc))
        return
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
    st.subheader(ctx.t("adm_users"))
    st.dataframe([{ctx.t("adm_user"): u.username, ctx.t("adm_name"): u.display_name or "",
                   ctx.t("adm_role"): _role(ctx, u.role), ctx.t("adm_agent_id"): u.agent_id or "",
                   ctx.t("adm_teams"): ", ".join(u.teams) or (ctx.t("adm_all_teams") if u.role != "agent" else ""),
                   ctx.t("adm_active"): u.active} for u in users], hide_index=True, width="stretch", key="adm_users")
    _add_user(ctx, teams)
    _change_user(ctx, users, teams)
    _agents(ctx, agents, teams)


def _add_user(ctx: Context, teams: list[str]) -> None:
    with st.expander(ctx.t("adm_add")), st.form("adm_add_form"):
        username = st.text_input(ctx.t("adm_user"), key="adm_new_user")
        name = st.text_input(ctx.t("adm_name"), key="adm_new_name")
        role = st.selectbox(ctx.t("adm_role"), ROLES, index=ROLES.index("agent"), key="adm_new_role",
                            format_func=lambda r: _role(ctx, r), placeholder=ctx.t("choose_options"))
        agent_id = st.text_input(ctx.t("adm_agent_id"), key="adm_new_agent", help=ctx.t("adm_agent_id_help"))
        chosen = st.multiselect(ctx.t("adm_teams"), teams, key="adm_new_teams", help=ctx.t("adm_teams_help"),
                                placeholder=ctx.t("adm_choose_teams"))
        password = st.text_input(ctx.t("password"), type="password", key="adm_new_password")
        again = st.text_input(ctx.t("adm_password_again"), type="password", key="adm_new_password2")
        submitted = st.form_submit_button(ctx.t("adm_add_button"), key="adm_add_submit")
    if not submitted:
        return
    if password != again:
        st.error(ctx.t("adm_password_mismatch"))
        return
    username = username.strip()
    _act(ctx, lambda: create_user_as(ctx.store, ctx.viewer, username, password, role,
                                     agent_id=agent_id.strip() or None, name=name.strip() or None,
                                     teams=tuple(chosen)),
         ctx.t("adm_added", user=username))


def _change_user(ctx: Context, users: list[User], teams: list[str]) -> None:
    st.subheader(ctx.t("adm_manage"))
    names = [u.username for u in users]
    picked = st.selectbox(ctx.t("adm_user"), names, key="adm_pick", placeholder=ctx.t("choose_options"))
    user = next((u for u in users if u.username == picked), None)
    if user is None:
        return
    st.caption(f"{_role(ctx, user.role)}" + (f" — {plain(user.agent_id)}" if user.agent_id else ""))
    if user.username != ctx.viewer.username:  # an admin cannot lock themselves out
        if user.active:
            if st.button(ctx.t("adm_disable", user=plain(user.username)), key="adm_toggle"):
                _act(ctx, lambda: set_active_as(ctx.store, ctx.viewer, user.username, False),
                     ctx.t("adm_disabled", user=user.username))
        elif st.button(ctx.t("adm_enable", user=plain(user.username)), key="adm_toggle"):
            _act(ctx, lambda: set_active_as(ctx.store, ctx.viewer, user.username, True),
                 ctx.t("adm_enabled", user=user.username))
    with st.form(f"adm_pw_form:{user.username}"):
        st.markdown(f"**{ctx.t('adm_reset_password')}**")
        password = st.text_input(ctx.t("adm_new_password"), type="password", key="adm_pw")
        again = st.text_input(ctx.t("adm_password_again"), type="password", key="adm_pw2")
        submitted = st.form_submit_button(ctx.t("adm_reset_password"), key="adm_pw_submit")
    if submitted:
        if password != again:
            st.error(ctx.t("adm_password_mismatch"))
        else:
            _act(ctx, lambda: reset_password_as(ctx.store, ctx.viewer, user.username, password),
                 ctx.t("adm_password_set", user=user.username))
    if user.role == "supervisor":
        chosen = st.multiselect(ctx.t("adm_teams"), sorted({*teams, *user.teams}), default=list(user.teams),
                                key=f"adm_teams:{user.username}", help=ctx.t("adm_sup_teams_help"),
                                placeholder=ctx.t("adm_all_teams"))
        if st.button(ctx.t("adm_save_teams"), key="adm_teams_save"):
            _act(ctx, lambda: set_teams_as(ctx.store, ctx.viewer, user.username, tuple(chosen)),
                 ctx.t("adm_teams_saved", user=user.username,
                       teams=", ".join(chosen) or ctx.t("adm_all_teams")))


def _agents(ctx: Context, agents: list[Agent], teams: list[str]) -> None:
    st.subheader(ctx.t("adm_agents"))
    if not agents:
        st.info(ctx.t("adm_no_agents"))
        return
    st.dataframe([{ctx.t("adm_agent_id"): a.agent_id, ctx.t("adm_name"): a.name or "", ctx.t("adm_team"): a.team or "",
                   ctx.t("adm_calls"): a.calls, ctx.t("adm_user"): a.username or ""} for a in agents],
                 hide_index=True, width="stretch", key="adm_agents")
    ids = [a.agent_id for a in agents]
    picked = st.selectbox(ctx.t("adm_pick_agent"), ids, key="adm_agent_pick", placeholder=ctx.t("choose_options"))
    agent = next(a for a in agents if a.agent_id == picked)
    with st.form(f"adm_agent_form:{agent.agent_id}"):
        name = st.text_input(ctx.t("adm_name"), value=agent.name or "", key=f"adm_agent_name:{agent.agent_id}")
        team = st.text_input(ctx.t("adm_team"), value=agent.team or "", key=f"adm_agent_team:{agent.agent_id}",
                             help=ctx.t("adm_team_help", teams=", ".join(teams) or "—"))
        submitted = st.form_submit_button(ctx.t("adm_save_agent"), key="adm_agent_submit")
    if submitted:
        _act(ctx, lambda: set_agent_as(ctx.store, ctx.viewer, agent.agent_id, name=name, team=team),
             ctx.t("adm_agent_saved", agent=agent.agent_id, name=name.strip() or "—", team=team.strip() or "—"))
