"""Call view, review part: the assessment's state and the actions the viewer may take, overrides, notes on the
call or on a turn, the roles swap and the audit trail. Every rule (who may, in which state) is in `qa`: this
module offers what `qa.review.assessments.allowed_actions` lists and shows qa's refusals in the viewer's language."""
from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from qa.app.common import Context, plain
from qa.app.dispute_forms import dispute_form, resolution_form
from qa.app.review_common import STATUS_CHOICES, attempt, flash, show_error, state_label, status_label
from qa.i18n import criterion_name
from qa.i18n import format as fmt
from qa.review.assessments import Result, audit_trail, override, start, swap_roles, transition, withdraw
from qa.review.notes import KINDS, Note, add_review_note
from qa.store.scorecard_view import CallView
from transcribe.errors import CallQAError

__all__ = ["asked_to_share", "assessment_actions", "attempt", "flash", "notes_panel", "override_forms", "review_bar",
           "roles_swap", "share_confirmation", "show_error", "state_label", "status_label", "trail_panel"]

if TYPE_CHECKING:
    from qa.pipeline.call import Pipeline

SIMPLE_ACTIONS = ("start", "share", "unshare", "acknowledge", "finalise")  # a button each (share: confirmed first)


def asked_to_share(key: str) -> bool:
    """Whether Share was pressed for `key` (prefix + call id) and waits for its confirmation."""
    return bool(st.session_state.get(f"rev_confirm_share_{key}"))


def assessment_actions(ctx: Context, call_id: str, actions: list[str], prefix: str = "",
                       confirm_here: bool = True) -> None:
    """Buttons for the state changes in `actions`: Share asks for confirmation first (here, or where the caller
    puts `share_confirmation` when not `confirm_here`), Undo share is offered while qa allows it, a dispute and a
    resolution are forms (`qa.app.dispute_forms`)."""
    key = f"{prefix}{call_id}"
    confirm = f"rev_confirm_share_{key}"
    simple = [a for a in actions if a in SIMPLE_ACTIONS]
    cols = st.columns(max(len(simple), 1))
    for col, action in zip(cols, simple):
        help_ = ctx.t("rev_unshare_help") if action == "unshare" else None
        if not col.button(ctx.t("rev_action_" + action), key=f"rev_{action}_{key}", help=help_):
            continue
        if action == "share":
            st.session_state[confirm] = True  # asked below, in this run; shared only on "Yes, share"
        elif action == "start":
            attempt(ctx, lambda: start(ctx.store, ctx.viewer, call_id), ctx.t("rev_done_start"))
        else:
            attempt(ctx, partial(transition, ctx.store, ctx.viewer, call_id, action), ctx.t("rev_done_" + action))
    if confirm_here and "share" in simple and asked_to_share(key):
        share_confirmation(ctx, call_id, key)
    if "dispute" in actions:
        dispute_form(ctx, call_id, key)
    if "resolve" in actions:
        resolution_form(ctx, call_id, key)


def share_confirmation(ctx: Context, call_id: str, key: str) -> None:
    """What sharing does (the agent sees the scorecard and is notified; undo until they answer), Yes or Cancel."""
    confirm = f"rev_confirm_share_{key}"
    with st.container(border=True, key=f"rev_confirm_box_{key}"):
        st.warning(ctx.t("rev_share_confirm"), icon=":material/share:")
        with st.container(horizontal=True):
            yes = st.button(ctx.t("rev_share_confirm_yes"), key=f"rev_share_yes_{key}", type="primary")
            no = st.button(ctx.t("rev_share_cancel"), key=f"rev_share_no_{key}")
        if yes:
            st.session_state.pop(confirm, None)
            attempt(ctx, partial(transition, ctx.store, ctx.viewer, call_id, "share"), ctx.t("rev_done_share"))
        if no:
            st.session_state.pop(confirm, None)
            st.rerun()


def override_forms(ctx: Context, call_id: str, items: list[Result]) -> None:
    """Override one criterion's result, with a reason. The criterion is picked outside the form, so the save
    button names it ("Save override for Solve") before anything is sent; the form keeps the chosen result and
    reason when qa refuses them (no reason given), and is emptied only after a save."""
    st.markdown(f"**{ctx.t('rev_override_title')}**")
    names = {r.criterion_id: criterion_name(r.criterion_id, r.name, ctx.lang) for r in items}
    done, status_key, reason_key = f"rev_ov_done_{call_id}", f"rev_ov_status_{call_id}", f"rev_ov_reason_{call_id}"
    if st.session_state.pop(done, False):  # saved on the previous run: start the next override afresh (set, not
        st.session_state[status_key] = STATUS_CHOICES[0]  # removed: the browser would send back what it shows)
        st.session_state[reason_key] = ""
    crit_key = f"rev_ov_crit_{call_id}"
    if st.session_state.get(crit_key + "_lang") != ctx.lang:  # the language changed: set the choice again, or the
        st.session_state[crit_key + "_lang"] = ctx.lang  # browser keeps showing its name in the old language
        if st.session_state.get(crit_key) in names:
            st.session_state[crit_key] = st.session_state[crit_key]
    criterion = st.selectbox(ctx.t("rev_criterion"), list(names), format_func=lambda c: names[c], key=crit_key,
                             placeholder=ctx.t("choose_options"))
    if criterion is None:
        return
    with st.form(f"rev_override_{call_id}", clear_on_submit=False):
        status = st.radio(ctx.t("rev_new_result"), STATUS_CHOICES, format_func=lambda s: status_label(ctx, s),
                          horizontal=True, key=status_key)
        reason = st.text_area(ctx.t("rev_override_reason"), key=reason_key)
        if st.form_submit_button(ctx.t("rev_override_submit_for", criterion=names[criterion]),
                                 key=f"rev_ov_save_{call_id}"):
            def save() -> None:
                override(ctx.store, ctx.viewer, call_id, criterion, status, reason)
                st.session_state[done] = True

            attempt(ctx, save, ctx.t("rev_done_override", criterion=names[criterion]))
    active = [r.criterion_id for r in items if r.override]
    if active:
        with st.form(f"rev_withdraw_{call_id}", clear_on_submit=True):
            criterion = st.selectbox(ctx.t("rev_withdraw_which"), active, format_func=lambda c: names[c],
                                     key=f"rev_wd_crit_{call_id}", placeholder=ctx.t("choose_options"))
            reason = st.text_input(ctx.t("rev_withdraw_reason"), key=f"rev_wd_reason_{call_id}")
            if st.form_submit_button(ctx.t("rev_withdraw_submit")):
                attempt(ctx, lambda: withdraw(ctx.store, ctx.viewer, call_id, criterion, reason),
                        ctx.t("rev_done_withdraw", criterion=names.get(criterion, criterion)))


def note_line(ctx: Context, n: Note) -> str:
    where = ctx.t("rev_on_call") if n.turn_idx is None else f"{ctx.t('turn')} {n.turn_idx}"
    kind = ctx.t("rev_kind_" + n.kind)
    return f"**{plain(n.author)}** · {fmt.datetime(n.created_at, ctx.lang)} · {where} · `{kind}` — {plain(n.text)}"


def notes_panel(ctx: Context, card: CallView, notes: list[Note], can_write: bool) -> None:
    st.subheader(ctx.t("rev_notes"))
    if not notes:
        st.caption(ctx.t("rev_no_notes"))
    for n in notes:
        st.markdown(note_line(ctx, n))
    if not can_write:
        return
    call_id = card.call_id
    targets: list[int | None] = [None] + [turn.index for turn in card.turns]
    turns = {turn.index: turn for turn in card.turns}

    def target_label(idx: int | None) -> str:
        if idx is None:
            return ctx.t("rev_on_call")
        turn = turns[idx]
        who = ctx.t("agent") if turn.speaker == "agent" else ctx.t("customer")
        return f"{ctx.t('turn')} {idx} · {who} · {fmt.seconds(turn.start, ctx.lang)} · {turn.text[:50]}"

    with st.form(f"rev_note_{call_id}", clear_on_submit=True):
        target = st.selectbox(ctx.t("rev_note_on"), targets, format_func=target_label, key=f"rev_note_turn_{call_id}",
                              placeholder=ctx.t("choose_options"))
        kind = st.radio(ctx.t("rev_note_kind"), KINDS, format_func=lambda k: ctx.t("rev_kind_" + k), horizontal=True,
                        key=f"rev_note_kind_{call_id}", help=ctx.t("rev_note_kind_help"))
        text = st.text_area(ctx.t("rev_note_text"), key=f"rev_note_text_{call_id}")
        if st.form_submit_button(ctx.t("rev_note_submit")):
            def add() -> None:
                add_review_note(ctx.store, ctx.viewer, call_id, text, turn_idx=target, kind=kind)

            attempt(ctx, add, ctx.t("rev_done_note"))


@st.cache_resource
def get_pipeline(config: str | None) -> Pipeline:
    """The scoring pipeline for re-scoring from the app: settings from $CALLQA_CONFIG (else the defaults)."""
    from qa.config.settings import load_settings
    from qa.pipeline.call import Pipeline

    return Pipeline(load_settings(config))


def roles_swap(ctx: Context, card: CallView) -> None:
    call_id = card.call_id
    if st.button(ctx.t("rev_swap_roles"), key=f"rev_swap_{call_id}", help=ctx.t("rev_swap_help")):
        try:
            pipeline = get_pipeline(os.environ.get("CALLQA_CONFIG"))
        except CallQAError as exc:
            show_error(ctx, exc)
            return
        attempt(ctx, lambda: swap_roles(ctx.store, ctx.viewer, call_id, pipeline), ctx.t("rev_done_swap"))


def trail_panel(ctx: Context, call_id: str) -> None:
    events = audit_trail(ctx.store, ctx.viewer, call_id)
    with st.expander(ctx.t("rev_trail") + f" ({len(events)})", expanded=False):
        if not events:
            st.caption(ctx.t("rev_no_trail"))
        for e in events:
            move = (f" ({state_label(ctx, e.from_state)} → {state_label(ctx, e.to_state)})"
                    if e.from_state != e.to_state else "")
            comment = f" — {plain(e.comment)}" if e.comment else ""
            when = fmt.datetime(e.created_at, ctx.lang, with_seconds=True)
            st.markdown(f"{when} · **{plain(e.actor)}** · {ctx.t('rev_action_' + e.action)}{move}{comment}")


def review_bar(ctx: Context, card: CallView, actions: list[str]) -> None:
    """The review's state changes the viewer may make now (and the roles swap for a reviewer, while results
    may change), with the outcome of the last one."""
    flash(ctx)
    states = [a for a in actions if a not in ("edit", "note", "resolve")]  # resolve: under the header (call.py)
    if states:  # the share confirmation goes under the bar (call.py): the bar is one row of buttons
        assessment_actions(ctx, card.call_id, states, confirm_here=False)
    if "edit" in actions:
        roles_swap(ctx, card)
    elif ctx.viewer.reviews:
        st.caption(ctx.t("rev_closed"))
