"""Assessments: the review of one call, its states and who may move it (overrides: `qa.review.overrides`, notes:
`qa.review.notes`; every change of all three is in the call's audit trail, `qa.review.audit`).

    (none) --start, or any review work--> Draft --share--> Shared --acknowledge (the agent)--> Acknowledged
                                            Draft <--unshare-- Shared --dispute (the agent, comment)--> Disputed
    Acknowledged --finalise--> Final          Disputed --resolve (comment; per criterion: qa.review.disputes)--> Final

Who may do what (every function takes the signed-in `Viewer` and checks `qa.accounts.access` first: a call outside the
viewer's scope behaves exactly like a call that does not exist):
- supervisors and admins open a Draft, override a criterion or withdraw an override, share, resolve a dispute
  (per criterion: `qa.review.disputes`), finalise, swap the call's roles;
- a share is undone (`undo_share`: Shared -> Draft) while the agent has not answered it (acknowledged or disputed),
  by the reviewer who shared it or an admin; the agent then no longer sees the review nor its notification;
- the call's agent, and only them, acknowledges or disputes a Shared assessment (a dispute needs a comment);
- results change (overrides, roles swap) only while there is no assessment yet, in a Draft, or while a dispute is
  being resolved; Shared, Acknowledged and Final assessments are closed to changes;
- an agent sees the overrides (and coaching notes, the audit trail) of their call only once it is Shared or
  later; before that they see the automatic results only, and no Draft.

A re-score (`callqa rescore`, a roles swap, the batch re-scoring a call) replaces the call's rows in the call tables
but not the assessment, its overrides, notes and events: the review survives it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qa.accounts.access import PermissionDenied, Viewer, call_scope, require_call, require_role
from qa.pipeline.call import CallResult, Pipeline
from qa.review.audit import (
    ACKNOWLEDGED,
    DISPUTED,
    DRAFT,
    EDITABLE,
    FINAL,
    REVIEWER_ROLES,
    SHARED,
    Event,
    ReviewError,
    agent_sees,
    current_state,
    ensure_draft,
    events,
    now,
    record,
    require_editable,
    require_reviewer,
    write,
)
from qa.review.overrides import (
    OVERRIDE_STATUSES,
    Override,
    Result,
    effective_total,
    override,
    override_history,
    results,
    withdraw,
)
from qa.review.roles import swap_roles as swap
from qa.store.database import Store

MAX_COMMENT = 4000  # characters of a state change's comment (a dispute, an answer)


@dataclass(frozen=True)
class Assessment:
    call_id: str
    state: str
    reviewer: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Transition:
    action: str
    from_states: tuple[str, ...]
    to_state: str
    by_agent: bool  # True: the call's agent; False: a reviewer
    comment_required: bool


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("share", (DRAFT,), SHARED, False, False),
    Transition("unshare", (SHARED,), DRAFT, False, False),  # undo a share the agent has not answered yet
    Transition("acknowledge", (SHARED,), ACKNOWLEDGED, True, False),
    Transition("dispute", (SHARED,), DISPUTED, True, True),
    Transition("resolve", (DISPUTED,), FINAL, False, True),
    Transition("finalise", (ACKNOWLEDGED,), FINAL, False, False),
)}


@dataclass(frozen=True)
class Dispute:
    call_id: str
    agent_id: str | None
    disputed_by: str
    comment: str | None
    disputed_at: datetime


def _text(value: str | None) -> str:
    return (value or "").strip()


def _call_agent(con: Any, call_id: str) -> str | None:
    row = con.execute("SELECT agent_id FROM calls WHERE call_id = ?", [call_id]).fetchone()
    return row[0] if row else None


def _assessment(con: Any, call_id: str) -> Assessment | None:
    row = con.execute("SELECT call_id, state, reviewer, created_at, updated_at FROM assessments WHERE call_id = ?",
                      [call_id]).fetchone()
    return Assessment(*row) if row else None


def get_assessment(store: Store, viewer: Viewer, call_id: str) -> Assessment | None:
    """The call's assessment (None: none yet; for the call's agent also while it is a Draft)."""
    require_call(store, viewer, call_id)
    with store.connect() as con:
        a = _assessment(con, call_id)
    return a if a and agent_sees(viewer, a.state) else None


def start(store: Store, viewer: Viewer, call_id: str) -> Assessment:
    """Open a Draft assessment of `call_id` (reviewers). Raises ReviewError when the call has one already."""
    require_reviewer(store, viewer, call_id)

    def go(con: Any) -> None:
        state = current_state(con, call_id)
        if state is not None:
            raise ReviewError("bad_transition", f"call {call_id} already has an assessment ({state})",
                              "continue the existing one", action="start", state=state)
        ensure_draft(con, call_id, viewer.username)

    write(store, go)
    return get_assessment(store, viewer, call_id)  # type: ignore[return-value]


def transition(store: Store, viewer: Viewer, call_id: str, action: str, comment: str | None = None) -> Assessment:
    """Move the call's assessment by `action` (share, unshare, acknowledge, dispute, resolve, finalise), recording
    the change with its comment. Raises PermissionDenied (not the viewer's to do) or ReviewError (not possible now,
    or a required comment is missing)."""
    rule = checked_rule(store, viewer, call_id, action)
    text = checked_comment(rule, comment)

    def go(con: Any) -> None:
        state = check_transition(con, viewer, call_id, rule)
        if action == "resolve" and _named_criteria(con, call_id):
            raise ReviewError("decisions_required", f"the dispute of call {call_id} names criteria: decide each "
                              "(qa.review.disputes.resolve_dispute)", "accept or reject each disputed criterion")
        apply_transition(con, viewer, call_id, rule, state, text)

    write(store, go)
    return get_assessment(store, viewer, call_id)  # type: ignore[return-value]


def checked_rule(store: Store, viewer: Viewer, call_id: str, action: str) -> Transition:
    """The rule of `action`, once `viewer` may see the call and has the role for it (else the refusal)."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise ReviewError("bad_action", f"unknown assessment action {action!r}",
                          f"use one of: {', '.join(TRANSITIONS)}", action=action)
    require_call(store, viewer, call_id)
    if rule.by_agent:
        require_role(viewer, "agent")
    else:
        require_role(viewer, *REVIEWER_ROLES)
    return rule


def checked_comment(rule: Transition, comment: str | None) -> str:
    """The comment, stripped; ReviewError when the action needs one and none is given, or it is too long."""
    text = _text(comment)
    if rule.comment_required and not text:
        raise ReviewError("comment_required", f"to {rule.action} an assessment, give a comment",
                          "say why in the comment", action=rule.action)
    if len(text) > MAX_COMMENT:
        raise ReviewError("text_too_long", f"a comment has at most {MAX_COMMENT} characters, not {len(text)}",
                          "write it shorter", max=MAX_COMMENT, n=len(text))
    return text


def _named_criteria(con: Any, call_id: str) -> int:
    """How many criteria the call's latest dispute names (`qa.review.disputes`)."""
    row = con.execute("SELECT count(*) FROM dispute_criteria WHERE event_id = (SELECT max(event_id) FROM "
                      "assessment_events WHERE call_id = ? AND action = 'dispute')", [call_id]).fetchone()
    return int(row[0]) if row else 0


def sharer(con: Any, call_id: str) -> str | None:
    """Who shared the call's review last (None: never shared)."""
    row = con.execute("SELECT actor FROM assessment_events WHERE call_id = ? AND action = 'share' "
                      "ORDER BY event_id DESC LIMIT 1", [call_id]).fetchone()
    return row[0] if row else None


def may_undo_share(con: Any, viewer: Viewer, call_id: str) -> bool:
    """Whether `viewer` may undo the call's share: the reviewer who shared it, or an admin."""
    return viewer.role == "admin" or (viewer.role in REVIEWER_ROLES and sharer(con, call_id) == viewer.username)


def check_transition(con: Any, viewer: Viewer, call_id: str, rule: Transition) -> str | None:
    """Inside the write's transaction: the call's state, once `rule` may move it now (else the refusal)."""
    if rule.by_agent and _call_agent(con, call_id) != viewer.agent_id:
        raise PermissionDenied(None, f"call {call_id} not found", "pick a call from your list",
                               key="call_not_found", call=call_id)
    state = current_state(con, call_id)
    if state not in rule.from_states:
        shown = state if agent_sees(viewer, state) else None
        raise ReviewError("bad_transition", f"cannot {rule.action} the assessment of call {call_id}: it is "
                          f"{shown or 'not started'}, not {' or '.join(rule.from_states)}",
                          "reload the call to see its current state", action=rule.action, state=shown or "none")
    if rule.action == "unshare" and not may_undo_share(con, viewer, call_id):
        who = sharer(con, call_id) or "—"
        raise PermissionDenied(None, f"only {who}, who shared the review of call {call_id}, or an admin may undo "
                               "the share", f"ask {who} or an admin", key="not_sharer", user=who)
    return state


def apply_transition(con: Any, viewer: Viewer, call_id: str, rule: Transition, state: str | None,
                     text: str) -> int:
    """Inside the write's transaction, after `check_transition`: move the assessment and record the event (its id)."""
    at = now()
    con.execute("UPDATE assessments SET state = ?, updated_at = ?, reviewer = coalesce(?, reviewer) "
                "WHERE call_id = ?", [rule.to_state, at, None if rule.by_agent else viewer.username, call_id])
    return record(con, call_id, viewer.username, rule.action, from_state=state, to_state=rule.to_state,
                  comment=text or None, at=at)


def share(store: Store, viewer: Viewer, call_id: str, comment: str | None = None) -> Assessment:
    """Draft -> Shared: the agent now sees the overrides and coaching notes (reviewers)."""
    return transition(store, viewer, call_id, "share", comment)


def undo_share(store: Store, viewer: Viewer, call_id: str, comment: str | None = None) -> Assessment:
    """Shared -> Draft, while the agent has not acknowledged or disputed it (the reviewer who shared it, or an
    admin): the agent no longer sees the review, its overrides and coaching notes, nor its notification."""
    return transition(store, viewer, call_id, "unshare", comment)


def acknowledge(store: Store, viewer: Viewer, call_id: str, comment: str | None = None) -> Assessment:
    """Shared -> Acknowledged (the call's agent)."""
    return transition(store, viewer, call_id, "acknowledge", comment)


def dispute(store: Store, viewer: Viewer, call_id: str, comment: str) -> Assessment:
    """Shared -> Disputed, with the agent's comment (the call's agent)."""
    return transition(store, viewer, call_id, "dispute", comment)


def resolve(store: Store, viewer: Viewer, call_id: str, comment: str) -> Assessment:
    """Disputed -> Final, with the reviewer's answer (change overrides first when the agent is right). A dispute
    that names criteria is resolved per criterion instead (`qa.review.disputes.resolve_dispute`)."""
    return transition(store, viewer, call_id, "resolve", comment)


def finalise(store: Store, viewer: Viewer, call_id: str, comment: str | None = None) -> Assessment:
    """Acknowledged -> Final (reviewers)."""
    return transition(store, viewer, call_id, "finalise", comment)


def allowed_actions(store: Store, viewer: Viewer, call_id: str) -> list[str]:
    """The actions `viewer` may take on the call's assessment now ("start", transitions, "edit" for overrides
    and the roles swap, "note" for notes), for the app to offer (each function checks again)."""
    require_call(store, viewer, call_id)
    with store.connect() as con:
        state = current_state(con, call_id)
        own = viewer.is_agent and _call_agent(con, call_id) == viewer.agent_id
        undo = state == SHARED and may_undo_share(con, viewer, call_id)
    if viewer.role in REVIEWER_ROLES:
        out = ["start"] if state is None else []
        out += [a for a, r in TRANSITIONS.items() if not r.by_agent and state in r.from_states
                and (a != "unshare" or undo)]
        out += ["edit"] if state in EDITABLE else []
        return out + ["note"]
    return [a for a, r in TRANSITIONS.items() if r.by_agent and own and state in r.from_states]


# -- trail, disputes, roles -------------------------------------------------------------------------------------
def audit_trail(store: Store, viewer: Viewer, call_id: str) -> list[Event]:
    """Every change to the call's review, oldest first, with actor and time. The call's agent sees it once the
    review is shared, without the events of private notes."""
    require_call(store, viewer, call_id)
    with store.connect() as con:
        if not agent_sees(viewer, current_state(con, call_id)):
            return []
        return events(con, call_id, private=not viewer.is_agent)


def open_disputes(store: Store, viewer: Viewer) -> list[Dispute]:
    """Disputed assessments of the calls a reviewer may see, oldest dispute first."""
    require_role(viewer, *REVIEWER_ROLES)
    cond, params = call_scope(viewer, "c")
    with store.connect() as con:
        rows = con.execute(f"""
            SELECT a.call_id, c.agent_id, e.actor, e.comment, e.created_at
            FROM assessments a JOIN calls c USING (call_id)
            JOIN (SELECT * FROM assessment_events WHERE action = 'dispute'
                  QUALIFY row_number() OVER (PARTITION BY call_id ORDER BY event_id DESC) = 1) e USING (call_id)
            WHERE a.state = ? AND {cond} ORDER BY e.created_at, a.call_id""", [DISPUTED, *params]).fetchall()
    return [Dispute(*r) for r in rows]


def swap_roles(store: Store, viewer: Viewer, call_id: str, pipeline: Pipeline) -> CallResult:
    """Swap agent and customer on the call and re-score it with `pipeline` (reviewers, while results may change:
    `qa.review.roles.swap_roles` with the permission and state checks). Overrides, notes and the assessment stay; the
    swap is recorded in the trail."""
    require_reviewer(store, viewer, call_id)
    with store.connect() as con:
        require_editable(current_state(con, call_id), call_id)
        before = con.execute("SELECT total FROM scorecards WHERE call_id = ?", [call_id]).fetchone()
    result = swap(store, pipeline, call_id, by=viewer.username)

    def log(con: Any) -> None:
        state = ensure_draft(con, call_id, viewer.username)
        old = "—" if not before or before[0] is None else f"{before[0]:g}"
        new = "—" if result.scorecard.total is None else f"{result.scorecard.total:g}"
        record(con, call_id, viewer.username, "roles_swap", from_state=state, to_state=state,
               comment=f"total {old} → {new}")

    write(store, log)
    return result


__all__ = ["ACKNOWLEDGED", "DISPUTED", "DRAFT", "FINAL", "OVERRIDE_STATUSES", "SHARED", "Assessment", "Dispute",
           "Event", "Override", "Result", "ReviewError", "TRANSITIONS", "acknowledge", "allowed_actions", "audit_trail",
           "dispute", "effective_total", "finalise", "get_assessment", "open_disputes", "override", "override_history",
           "resolve", "results", "share", "start", "swap_roles", "transition", "undo_share", "withdraw"]
