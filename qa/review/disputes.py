"""Disputes per criterion: the agent names the criteria they dispute (optional), and the reviewer resolving it
decides each criterion — accept (the agent is right: the result in force changes, through an override with the
reviewer's reason) or reject (the result stays) — and answers the agent.

A dispute is still one state change (Shared -> Disputed, with the agent's comment, `qa.review.assessments`); the
criteria it names are rows of `dispute_criteria` beside its event (verdict `disputed`). `resolve_dispute` writes, in
one transaction, an override for every accepted criterion (`qa.review.overrides.write_override`: the override
history and the audit trail hold it as for any override), the Disputed -> Final change with the answer, and one
`dispute_criteria` row per decided criterion beside the resolve event (verdict `accept` or `reject`, the result in
force before and after). `dispute_outcome` reads it back for the reviewer and for the call's agent.

`plan_resolution` is the pure part: it checks the decisions against the call's results and names what changes.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from qa.accounts.access import Viewer, require_call
from qa.review.assessments import (
    TRANSITIONS,
    Assessment,
    apply_transition,
    check_transition,
    checked_comment,
    checked_rule,
    get_assessment,
)
from qa.review.audit import ReviewError, agent_sees, current_state, require_reviewer, write
from qa.review.overrides import OVERRIDE_STATUSES, Result, results_in, write_override
from qa.store.database import Store

__all__ = ["ACCEPT", "REJECT", "CriterionOutcome", "Decision", "DisputeOutcome", "dispute", "dispute_outcome",
           "disputed_criteria", "plan_resolution", "resolve_dispute"]

ACCEPT, REJECT, NAMED = "accept", "reject", "disputed"  # verdicts in dispute_criteria
VERDICTS = (ACCEPT, REJECT)
MAX_REASON = 2000  # characters of a decision's reason


@dataclass(frozen=True)
class Decision:
    """The reviewer's decision on one disputed criterion: `accept` changes its result in force to `status` (a reason
    is required: it is the override's reason); `reject` keeps it (the reason is optional)."""

    verdict: str
    status: str | None = None
    reason: str = ""

    @classmethod
    def accept(cls, status: str, reason: str) -> Decision:
        return cls(ACCEPT, status, reason)

    @classmethod
    def reject(cls, reason: str = "") -> Decision:
        return cls(REJECT, None, reason)


@dataclass(frozen=True)
class CriterionOutcome:
    """One criterion of a dispute: `verdict` is `disputed` (named by the agent, not decided yet), `accept` or
    `reject`; `before` / `after` the result in force before and after the resolution (equal when rejected);
    `override_id` the override an acceptance wrote."""

    criterion_id: str
    verdict: str
    auto_status: str | None
    before: str | None
    after: str | None
    reason: str | None
    override_id: int | None = None


@dataclass(frozen=True)
class DisputeOutcome:
    """The call's latest dispute: the agent's comment and the criteria they named, and once resolved who answered,
    when, the answer and each decided criterion."""

    call_id: str
    disputed_by: str
    disputed_at: datetime
    comment: str | None
    criteria: tuple[str, ...]
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    answer: str | None = None
    decisions: tuple[CriterionOutcome, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(d.criterion_id for d in self.decisions if d.verdict == ACCEPT)

    @property
    def rejected(self) -> tuple[str, ...]:
        return tuple(d.criterion_id for d in self.decisions if d.verdict == REJECT)


def _known(items: Sequence[Result], criterion_id: str) -> Result:
    for r in items:
        if r.criterion_id == criterion_id:
            return r
    raise ReviewError("no_criterion", f"this call has no criterion {criterion_id!r}", "pick one of the call's criteria",
                      criterion=criterion_id)


def _bounded(text: str, criterion_id: str) -> str:
    if len(text) > MAX_REASON:
        raise ReviewError("text_too_long", f"the reason on {criterion_id} has at most {MAX_REASON} characters, not "
                          f"{len(text)}", "write it shorter", max=MAX_REASON, n=len(text))
    return text


def plan_resolution(items: Sequence[Result], named: Sequence[str],
                    decisions: Mapping[str, Decision]) -> list[CriterionOutcome]:
    """The outcome of each decided criterion, in the call's criterion order, from the call's `items` (results in
    force), the criteria the agent `named` and the reviewer's `decisions`. Raises ReviewError: no decision, a
    criterion the call does not have, an unknown verdict or result, a criterion the agent named left undecided,
    an acceptance without a reason or that would not change the result in force."""
    if not decisions:
        raise ReviewError("no_decision", "decide at least one criterion: accept or reject the agent's dispute",
                          "accept or reject each disputed criterion")
    for cid in decisions:
        _known(items, cid)
    missing = [c for c in named if c not in decisions]
    if missing:
        raise ReviewError("decision_missing", f"the agent disputed {', '.join(missing)}: accept or reject each",
                          "decide every criterion the agent named", criteria=missing)
    out = []
    for r in items:
        d = decisions.get(r.criterion_id)
        if d is None:
            continue
        reason = _bounded((d.reason or "").strip(), r.criterion_id)
        if d.verdict == REJECT:
            out.append(CriterionOutcome(r.criterion_id, REJECT, r.auto_status, r.status, r.status, reason or None))
            continue
        if d.verdict != ACCEPT:
            raise ReviewError("bad_decision", f"a decision is accept or reject, not {d.verdict!r}",
                              "accept or reject", criterion=r.criterion_id)
        if d.status not in OVERRIDE_STATUSES:
            raise ReviewError("bad_status", f"an override's result is one of {', '.join(OVERRIDE_STATUSES)}, "
                              f"not {d.status!r}", "pick pass, fail or na", status=d.status)
        if d.status == r.status:
            raise ReviewError("no_change", f"{r.criterion_id} is {r.status} already: accepting must change it",
                              "reject it to keep the result, or pick another result", criterion=r.criterion_id,
                              status=d.status)
        if not reason:
            raise ReviewError("decision_reason", f"accepting the dispute on {r.criterion_id} needs a reason",
                              "say why the result changes", criterion=r.criterion_id)
        out.append(CriterionOutcome(r.criterion_id, ACCEPT, r.auto_status, r.status, d.status, reason))
    return out


def _insert(con: Any, event_id: int, call_id: str, rows: Sequence[CriterionOutcome]) -> None:
    for o in rows:
        con.execute("INSERT INTO dispute_criteria VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [event_id, call_id, o.criterion_id, o.verdict, o.auto_status, o.before, o.after, o.reason,
                     o.override_id])


def _named(con: Any, call_id: str) -> tuple[int, list[str]] | None:
    """(event id, criteria named) of the call's latest dispute (None: never disputed)."""
    row = con.execute("SELECT event_id FROM assessment_events WHERE call_id = ? AND action = 'dispute' "
                      "ORDER BY event_id DESC LIMIT 1", [call_id]).fetchone()
    if row is None:
        return None
    names = con.execute("SELECT criterion_id FROM dispute_criteria WHERE event_id = ? ORDER BY criterion_id",
                        [row[0]]).fetchall()
    return row[0], [n[0] for n in names]


def dispute(store: Store, viewer: Viewer, call_id: str, comment: str, criteria: Sequence[str] = ()) -> Assessment:
    """Shared -> Disputed (the call's agent), with their comment and, optionally, the `criteria` they dispute (ids
    of the call's criteria; the reviewer resolving decides those, and may decide others)."""
    rule = checked_rule(store, viewer, call_id, "dispute")
    text = checked_comment(rule, comment)
    names = list(dict.fromkeys(c.strip() for c in criteria if c and c.strip()))

    def go(con: Any) -> None:
        state = check_transition(con, viewer, call_id, rule)
        items = results_in(con, call_id)
        rows = [_known(items, c) for c in names]
        event_id = apply_transition(con, viewer, call_id, rule, state, text)
        _insert(con, event_id, call_id, [CriterionOutcome(r.criterion_id, NAMED, r.auto_status, r.status,
                                                          None, None) for r in rows])

    write(store, go)
    return get_assessment(store, viewer, call_id)  # type: ignore[return-value]


def resolve_dispute(store: Store, viewer: Viewer, call_id: str, decisions: Mapping[str, Decision],
                    comment: str) -> DisputeOutcome:
    """Disputed -> Final (reviewers), deciding each criterion: the accepted ones are overridden (with the decision's
    reason), the rejected ones keep their result, and the answer `comment` (required) goes to the agent. Every
    criterion the agent named needs a decision. All or nothing: a refusal changes nothing."""
    require_reviewer(store, viewer, call_id)
    rule = TRANSITIONS["resolve"]
    text = checked_comment(rule, comment)

    def go(con: Any) -> None:
        state = check_transition(con, viewer, call_id, rule)
        found = _named(con, call_id)
        plan = plan_resolution(results_in(con, call_id), found[1] if found else [], decisions)
        done = []
        for o in plan:
            if o.verdict == ACCEPT:
                assert o.after is not None and o.reason  # plan_resolution checked both
                ov = write_override(con, viewer, call_id, o.criterion_id, o.after, o.reason)
                o = replace(o, override_id=ov.override_id)
            done.append(o)
        event_id = apply_transition(con, viewer, call_id, rule, state, text)
        _insert(con, event_id, call_id, done)

    write(store, go)
    outcome = dispute_outcome(store, viewer, call_id)
    assert outcome is not None  # just resolved
    return outcome


def disputed_criteria(store: Store, viewer: Viewer, call_id: str) -> list[str]:
    """The criteria the call's latest dispute names (empty: none named, or never disputed)."""
    outcome = dispute_outcome(store, viewer, call_id)
    return list(outcome.criteria) if outcome else []


def dispute_outcome(store: Store, viewer: Viewer, call_id: str) -> DisputeOutcome | None:
    """The call's latest dispute and, once resolved, its answer and the decision on each criterion (None: never
    disputed). The call's agent sees it as the reviewers do (a dispute is always after the review was shared)."""
    require_call(store, viewer, call_id)
    with store.connect() as con:
        if not agent_sees(viewer, current_state(con, call_id)):
            return None
        event = con.execute("SELECT event_id, actor, created_at, comment FROM assessment_events WHERE call_id = ? "
                            "AND action = 'dispute' ORDER BY event_id DESC LIMIT 1", [call_id]).fetchone()
        if event is None:
            return None
        resolved = con.execute("SELECT event_id, actor, created_at, comment FROM assessment_events "
                               "WHERE call_id = ? AND action = 'resolve' AND event_id > ? ORDER BY event_id LIMIT 1",
                               [call_id, event[0]]).fetchone()
        ids = [event[0]] + ([resolved[0]] if resolved else [])
        rows = con.execute("SELECT d.event_id, d.criterion_id, d.verdict, d.auto_status, d.before_status, "
                           "d.after_status, d.reason, d.override_id FROM dispute_criteria d "
                           "LEFT JOIN criterion_results r ON r.call_id = d.call_id AND r.criterion_id = d.criterion_id "
                           "WHERE d.event_id IN (SELECT unnest(?::BIGINT[])) "
                           "ORDER BY d.event_id, coalesce(r.critical, false), r.position, d.criterion_id",
                           [ids]).fetchall()
    named = tuple(r[1] for r in rows if r[0] == event[0])
    decided = tuple(CriterionOutcome(*r[1:]) for r in rows if resolved and r[0] == resolved[0])
    if resolved is None:
        return DisputeOutcome(call_id, event[1], event[2], event[3], named)
    return DisputeOutcome(call_id, event[1], event[2], event[3], named, resolved[1], resolved[2], resolved[3], decided)

