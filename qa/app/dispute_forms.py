"""Disputes in the app, per criterion (`qa.review.disputes`): the agent's dispute form (a comment, and the criteria
they dispute), the reviewer's resolution form (each criterion with its automatic result and the result in force,
and Accept (change to …) / Reject (keep …) with a reason), and the dispute's outcome on the call page, criterion by
criterion, for the reviewer and the agent alike."""
from __future__ import annotations

import streamlit as st

from qa.app.common import Context, plain
from qa.app.review_common import STATUS_CHOICES, attempt, state_label, status_label
from qa.i18n import criterion_name
from qa.i18n import format as fmt
from qa.review.assessments import MAX_COMMENT, Result, get_assessment, results
from qa.review.disputes import (
    ACCEPT,
    MAX_REASON,
    REJECT,
    Decision,
    DisputeOutcome,
    dispute,
    dispute_outcome,
    resolve_dispute,
)

NONE = "none"


def _names(ctx: Context, items: list[Result]) -> dict[str, str]:
    return {r.criterion_id: criterion_name(r.criterion_id, r.name, ctx.lang) for r in items}


def dispute_form(ctx: Context, call_id: str, key: str) -> None:
    """The agent disputes a shared review: what is wrong (required) and, optionally, which criteria."""
    items = results(ctx.store, ctx.viewer, call_id)
    names = _names(ctx, items)
    with st.form(f"rev_form_dispute_{key}", clear_on_submit=False):
        criteria = st.multiselect(ctx.t("rev_dispute_criteria"), list(names), format_func=lambda c: names[c],
                                  key=f"rev_dispute_crit_{key}", help=ctx.t("rev_dispute_criteria_help"))
        comment = st.text_area(ctx.t("rev_comment_for_dispute"), key=f"rev_comment_dispute_{key}",
                               max_chars=MAX_COMMENT)
        if st.form_submit_button(ctx.t("rev_action_dispute")):
            attempt(ctx, lambda: dispute(ctx.store, ctx.viewer, call_id, comment, criteria),
                    ctx.t("rev_done_dispute"))


def choices(current: str) -> list[str]:
    """A criterion's decisions: none yet, reject (keep `current`, the result in force), accept to each other result."""
    return [NONE, REJECT] + [f"{ACCEPT}:{s}" for s in STATUS_CHOICES if s != current]


def decision_of(choice: str, reason: str) -> Decision | None:
    """The `Decision` a picked choice (`choices`) and reason make (None: no decision)."""
    if choice == REJECT:
        return Decision.reject(reason)
    if choice.startswith(ACCEPT + ":"):
        return Decision.accept(choice.partition(":")[2], reason)
    return None


def resolution_form(ctx: Context, call_id: str, key: str) -> None:
    """Resolve a dispute criterion by criterion (the LAST criteria, then critical items), with the answer to the
    agent. The form keeps what was picked when qa refuses it (a reason missing)."""
    items = results(ctx.store, ctx.viewer, call_id)
    found = dispute_outcome(ctx.store, ctx.viewer, call_id)
    named = set(found.criteria if found else ())
    names = _names(ctx, items)
    with st.form(f"rev_form_resolve_{key}", clear_on_submit=False, border=True):
        st.markdown(f"**{ctx.t('rev_resolve_title')}**")
        st.caption(ctx.t("rev_resolve_intro"))
        picked: dict[str, tuple[str, str]] = {}
        for r in items:
            name = names[r.criterion_id]
            line = ctx.t("rev_resolve_line", criterion=plain(name), auto=status_label(ctx, r.auto_status),
                         status=status_label(ctx, r.status))
            if r.critical:
                line = f"{ctx.t('rev_critical')}: {line}"
            st.markdown(line + (f" · :orange[{ctx.t('rev_resolve_named')}]" if r.criterion_id in named else ""))

            def label(choice: str, current: str = r.status) -> str:
                if choice == REJECT:
                    return ctx.t("rev_decision_reject", status=status_label(ctx, current))
                if choice.startswith(ACCEPT):
                    return ctx.t("rev_decision_accept", status=status_label(ctx, choice.partition(":")[2]))
                return ctx.t("rev_decision_none")

            choice = st.radio(ctx.t("rev_decision", criterion=name), choices(r.status), format_func=label,
                              horizontal=True, key=f"rev_dec_{key}_{r.criterion_id}")
            reason = st.text_input(ctx.t("rev_decision_reason", criterion=name), max_chars=MAX_REASON,
                                   key=f"rev_dec_reason_{key}_{r.criterion_id}")
            picked[r.criterion_id] = (choice or NONE, reason)
        answer = st.text_area(ctx.t("rev_comment_for_resolve"), key=f"rev_comment_resolve_{key}", max_chars=MAX_COMMENT)
        if st.form_submit_button(ctx.t("rev_action_resolve")):
            decisions = {cid: d for cid, (choice, reason) in picked.items() if (d := decision_of(choice, reason))}
            accepted = sum(d.verdict == ACCEPT for d in decisions.values())
            attempt(ctx, lambda: resolve_dispute(ctx.store, ctx.viewer, call_id, decisions, answer),
                    ctx.t("rev_done_resolve_criteria", accepted=fmt.number(accepted, ctx.lang, 0),
                          rejected=fmt.number(len(decisions) - accepted, ctx.lang, 0)))


def outcome_lines(ctx: Context, outcome: DisputeOutcome, names: dict[str, str]) -> list[str]:
    """The dispute as Markdown lines: who disputed and why, the criteria named, and once resolved each decision."""
    def name(cid: str) -> str:
        return plain(names.get(cid, cid))

    lines = [ctx.t("rev_dispute_by", who=plain(outcome.disputed_by), when=fmt.datetime(outcome.disputed_at, ctx.lang)),
             f"> {plain(outcome.comment or '')}",
             ctx.t("rev_dispute_named", criteria=", ".join(name(c) for c in outcome.criteria)) if outcome.criteria
             else ctx.t("rev_dispute_none_named")]
    if outcome.resolved_at is None:
        return lines + [ctx.t("rev_dispute_waiting")]
    lines += [ctx.t("rev_dispute_resolved", who=plain(outcome.resolved_by or ""),
                    when=fmt.datetime(outcome.resolved_at, ctx.lang)), f"> {plain(outcome.answer or '')}"]
    for d in outcome.decisions:
        if d.verdict == ACCEPT:
            line = ctx.t("rev_outcome_accept", criterion=name(d.criterion_id), before=status_label(ctx, d.before),
                         after=status_label(ctx, d.after))
        else:
            line = ctx.t("rev_outcome_reject", criterion=name(d.criterion_id), before=status_label(ctx, d.before))
        lines.append(f"- {line}" + (f" — {plain(d.reason)}" if d.reason else ""))
    return lines


def dispute_section(ctx: Context, call_id: str, items: list[Result], can_resolve: bool) -> None:
    """The call's latest dispute and its outcome per criterion (nothing when never disputed), and the resolution
    form while the viewer may resolve it."""
    outcome = dispute_outcome(ctx.store, ctx.viewer, call_id)
    if outcome is None:
        return
    a = get_assessment(ctx.store, ctx.viewer, call_id)
    with st.container(border=True, key=f"rev_dispute_box_{call_id}"):
        st.markdown(f"**{ctx.t('rev_dispute_title')}** · {state_label(ctx, a.state if a else None)}")
        st.markdown("\n\n".join(outcome_lines(ctx, outcome, _names(ctx, items))))
        if can_resolve:
            resolution_form(ctx, call_id, call_id)
