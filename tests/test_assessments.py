"""Overrides, notes and the assessment workflow (qa.review.assessments, qa.review.overrides, qa.review.notes): every rule checked on a
real DuckDB file with the sample calls — who may do what, in which state, what an agent sees, the audit trail,
and that a re-score keeps the review."""
from __future__ import annotations

import re
import shutil

import pytest
from reviewhelp import (  # noqa: F401 (template and store are fixtures)
    ADMIN,
    LAN,
    LAN_CALL,
    ROOT,
    SUP,
    TEAM_SUP,
    TOM,
    TOM_CALL,
    auto_rows,
    n_events,
    state_of,
    store,
    template,
)

from qa.accounts.access import PermissionDenied
from qa.i18n import STRINGS
from qa.review import assessments as A
from qa.review.notes import add_review_note, coaching_notes, list_notes, visible_notes
from qa.review.results import ReviewedCall, WeekRate, reviewed_calls, weekly_pass_rates
from qa.store.database import Store


# -- overrides ----------------------------------------------------------------------------------------------------
def test_override_keeps_the_automatic_result_beside_it(store):
    before = auto_rows(store, TOM_CALL)
    assert {c: s for c, s, _ in before}["listen"] == "fail"
    o = A.override(store, SUP, TOM_CALL, "listen", "pass", "  the agent asked twice, politely  ")
    assert (o.author, o.auto_status, o.status, o.reason) == ("sup", "fail", "pass", "the agent asked twice, politely")
    assert auto_rows(store, TOM_CALL) == before, "the automatic result is never replaced"
    listen = next(r for r in A.results(store, SUP, TOM_CALL) if r.criterion_id == "listen")
    assert (listen.auto_status, listen.status, listen.override.author) == ("fail", "pass", "sup")
    assert listen.override.created_at is not None and not listen.auto_changed
    assert A.get_assessment(store, SUP, TOM_CALL).state == "draft", "the first override opens the Draft"
    # a second override on the same criterion: the newest is in force, both rows are kept
    A.override(store, ADMIN, TOM_CALL, "listen", "na", "the customer hung up at once")
    listen = next(r for r in A.results(store, SUP, TOM_CALL) if r.criterion_id == "listen")
    assert (listen.status, listen.override.author) == ("na", "admin")
    history = A.override_history(store, SUP, TOM_CALL)
    assert [(o.status, o.author) for o in history] == [("pass", "sup"), ("na", "admin")]


def test_effective_total_follows_the_rubric_rule(store):
    items = A.results(store, SUP, TOM_CALL)
    assert A.effective_total(items) == Store(store.path).get_call(TOM_CALL).to_dict()["total"] == 0.0
    A.override(store, SUP, TOM_CALL, "listen", "pass", "asked twice")  # weight 25 of 100
    A.override(store, SUP, TOM_CALL, "solve", "na", "nothing to solve")  # weight 30 drops out
    assert A.effective_total(A.results(store, SUP, TOM_CALL)) == round(100 * 25 / 70, 1)
    A.override(store, SUP, TOM_CALL, "abusive_language", "fail", "swore at the customer")  # a critical item
    assert A.effective_total(A.results(store, SUP, TOM_CALL)) == 0.0


def test_override_needs_a_reason_a_known_status_and_criterion(store):
    with pytest.raises(A.ReviewError) as e:
        A.override(store, SUP, TOM_CALL, "listen", "pass", "   ")
    assert e.value.key == "reason_required"
    with pytest.raises(A.ReviewError) as e:
        A.override(store, SUP, TOM_CALL, "listen", "great", "why")
    assert e.value.key == "bad_status"
    with pytest.raises(A.ReviewError) as e:
        A.override(store, SUP, TOM_CALL, "empathy", "pass", "why")
    assert e.value.key == "no_criterion"
    assert A.override_history(store, SUP, TOM_CALL) == [] and state_of(store, TOM_CALL) is None
    assert n_events(store) == 0, "a refused write leaves no trace"


def test_withdraw_an_override(store):
    A.override(store, SUP, TOM_CALL, "thank", "pass", "said thanks in another way")
    with pytest.raises(A.ReviewError) as e:
        A.withdraw(store, SUP, TOM_CALL, "thank", "")
    assert e.value.key == "reason_required"
    w = A.withdraw(store, SUP, TOM_CALL, "thank", "misheard")
    assert w.status is None and w.auto_status == "fail"
    thank = next(r for r in A.results(store, SUP, TOM_CALL) if r.criterion_id == "thank")
    assert thank.override is None and thank.status == "fail"
    assert [o.status for o in A.override_history(store, SUP, TOM_CALL)] == ["pass", None], "rows are never updated"
    with pytest.raises(A.ReviewError) as e:
        A.withdraw(store, SUP, TOM_CALL, "thank", "again")
    assert e.value.key == "no_override"
    with pytest.raises(A.ReviewError):
        A.withdraw(store, SUP, TOM_CALL, "listen", "never overridden")


def test_only_reviewers_override_and_note(store):
    for fn in (lambda: A.override(store, LAN, LAN_CALL, "listen", "fail", "I was wrong"),
               lambda: A.withdraw(store, LAN, LAN_CALL, "listen", "x"),
               lambda: add_review_note(store, LAN, LAN_CALL, "note to self"),
               lambda: A.start(store, LAN, LAN_CALL)):
        with pytest.raises(PermissionDenied):
            fn()
    assert state_of(store, LAN_CALL) is None and list_notes(store, LAN_CALL) == []


# -- the state machine --------------------------------------------------------------------------------------------
# The rules as the issue states them (independent of qa.review.assessments.TRANSITIONS): (state, action, who) -> new state.
ALLOWED = {
    (None, "start", "sup"): "draft", (None, "start", "admin"): "draft",
    ("draft", "share", "sup"): "shared", ("draft", "share", "admin"): "shared",
    ("shared", "acknowledge", "agent"): "acknowledged",
    ("shared", "dispute", "agent"): "disputed",
    ("disputed", "resolve", "sup"): "final", ("disputed", "resolve", "admin"): "final",
    ("acknowledged", "finalise", "sup"): "final", ("acknowledged", "finalise", "admin"): "final",
}
PATHS = {None: [], "draft": ["start"], "shared": ["start", "share"], "acknowledged": ["start", "share", "acknowledge"],
         "disputed": ["start", "share", "dispute"], "final": ["start", "share", "dispute", "resolve"]}
ACTORS = {"sup": SUP, "admin": ADMIN, "agent": LAN}
ACTIONS = ("start", "share", "acknowledge", "dispute", "resolve", "finalise")


def act(store, who, action, call_id=LAN_CALL, comment="because"):
    viewer = ACTORS[who] if isinstance(who, str) else who
    if action == "start":
        return A.start(store, viewer, call_id)
    return A.transition(store, viewer, call_id, action, comment)


def reach(store, state, call_id=LAN_CALL):
    for action in PATHS[state]:
        act(store, "agent" if action in ("acknowledge", "dispute") else "sup", action, call_id)
    assert state_of(store, call_id) == state


@pytest.mark.parametrize("state", list(PATHS))
def test_every_transition_allowed_or_refused(store, template, tmp_path, state):
    reach(store, state)
    for action in ACTIONS:
        for who in ACTORS:
            expected = ALLOWED.get((state, action, who))
            if expected is None:
                before = n_events(store)
                with pytest.raises((A.ReviewError, PermissionDenied)) as e:
                    act(store, who, action)
                wrong_role = (who == "agent") != (action in ("acknowledge", "dispute"))
                assert isinstance(e.value, PermissionDenied) == wrong_role, (state, action, who, e.value)
                assert state_of(store, LAN_CALL) == state and n_events(store) == before
                continue
            fresh = tmp_path / f"{action}-{who}.duckdb"
            shutil.copy(store.path, fresh)
            other = Store(str(fresh))
            act(other, who, action)
            assert state_of(other, LAN_CALL) == expected
            last = A.audit_trail(other, SUP, LAN_CALL)[-1]
            assert (last.actor, last.from_state, last.to_state) == (ACTORS[who].username, state, expected)
            assert last.action == ("create" if action == "start" else action)


def test_refusals_say_what_is_wrong(store):
    with pytest.raises(A.ReviewError) as e:
        A.share(store, SUP, LAN_CALL)
    assert e.value.key == "bad_transition" and "not started" in str(e.value)
    reach(store, "shared")
    with pytest.raises(A.ReviewError) as e:
        A.dispute(store, LAN, LAN_CALL, "  ")
    assert e.value.key == "comment_required" and state_of(store, LAN_CALL) == "shared"
    with pytest.raises(A.ReviewError) as e:
        A.finalise(store, SUP, LAN_CALL)
    assert "cannot finalise the assessment of call vi_complaint_good: it is shared, not acknowledged" in str(e.value)
    A.dispute(store, LAN, LAN_CALL, "I did apologise")
    with pytest.raises(A.ReviewError) as e:
        A.resolve(store, SUP, LAN_CALL, "")
    assert e.value.key == "comment_required"
    with pytest.raises(A.ReviewError) as e:
        A.transition(store, SUP, LAN_CALL, "reopen")
    assert e.value.key == "bad_action"


def test_results_change_only_in_a_draft_or_a_dispute(store):
    reach(store, "shared")
    with pytest.raises(A.ReviewError) as e:
        A.override(store, SUP, LAN_CALL, "listen", "fail", "late")
    assert e.value.key == "not_editable"
    A.dispute(store, LAN, LAN_CALL, "I listened")
    A.override(store, SUP, LAN_CALL, "listen", "fail", "late answer, checked again")  # resolving the dispute
    A.resolve(store, SUP, LAN_CALL, "Checked again: the listen result stands as failed.")
    with pytest.raises(A.ReviewError):
        A.withdraw(store, SUP, LAN_CALL, "listen", "changed my mind")
    add_review_note(store, SUP, LAN_CALL, "well handled otherwise")  # notes may be added in any state
    assert A.allowed_actions(store, SUP, LAN_CALL) == ["note"]


def test_allowed_actions_follow_role_and_state(store):
    assert A.allowed_actions(store, SUP, LAN_CALL) == ["start", "edit", "note"]
    assert A.allowed_actions(store, LAN, LAN_CALL) == []
    reach(store, "draft")
    assert A.allowed_actions(store, SUP, LAN_CALL) == ["share", "edit", "note"]
    assert A.allowed_actions(store, LAN, LAN_CALL) == []
    A.share(store, SUP, LAN_CALL)
    assert A.allowed_actions(store, LAN, LAN_CALL) == ["acknowledge", "dispute"]
    assert A.allowed_actions(store, SUP, LAN_CALL) == ["unshare", "note"]  # the sharer may undo it
    A.acknowledge(store, LAN, LAN_CALL)
    assert A.allowed_actions(store, SUP, LAN_CALL) == ["finalise", "note"]


# -- scope: another agent's call behaves like a missing call -------------------------------------------------------
def test_an_agent_cannot_act_on_another_agents_call(store):
    reach(store, "shared", TOM_CALL)
    add_review_note(store, SUP, TOM_CALL, "coaching for Tom")
    calls = [
        lambda c: A.acknowledge(store, LAN, c), lambda c: A.dispute(store, LAN, c, "not mine"),
        lambda c: A.results(store, LAN, c), lambda c: A.override_history(store, LAN, c),
        lambda c: A.audit_trail(store, LAN, c), lambda c: A.get_assessment(store, LAN, c),
        lambda c: visible_notes(store, LAN, c), lambda c: A.allowed_actions(store, LAN, c),
    ]
    for fn in calls:
        with pytest.raises(PermissionDenied) as other:
            fn(TOM_CALL)
        with pytest.raises(PermissionDenied) as missing:
            fn("no_such_call")
        assert str(other.value).replace(TOM_CALL, "X") == str(missing.value).replace("no_such_call", "X")
    assert state_of(store, TOM_CALL) == "shared"
    assert {c.call_id for c in reviewed_calls(store, LAN)} == {"vi_complaint_good", "vi_request"}
    assert all(n.call_id != TOM_CALL for n in coaching_notes(store, LAN))


def test_a_team_supervisor_works_only_on_their_teams_calls(store):
    A.override(store, TEAM_SUP, TOM_CALL, "listen", "pass", "fine")
    with pytest.raises(PermissionDenied) as e:
        A.override(store, TEAM_SUP, LAN_CALL, "listen", "fail", "no")
    assert "not found" in str(e.value)
    reach(store, "shared")
    A.dispute(store, LAN, LAN_CALL, "unfair")
    A.share(store, TEAM_SUP, TOM_CALL)
    A.dispute(store, TOM, TOM_CALL, "I listened")
    assert [d.call_id for d in A.open_disputes(store, TEAM_SUP)] == [TOM_CALL]
    assert [d.call_id for d in A.open_disputes(store, SUP)] == [LAN_CALL, TOM_CALL]
    d = A.open_disputes(store, SUP)[1]
    assert (d.agent_id, d.disputed_by, d.comment) == ("agent_tom", "tom", "I listened")
    with pytest.raises(PermissionDenied):
        A.open_disputes(store, LAN)
    with pytest.raises(PermissionDenied):
        A.resolve(store, TEAM_SUP, LAN_CALL, "not my team")
    assert state_of(store, LAN_CALL) == "disputed"


# -- what an agent sees ------------------------------------------------------------------------------------------
def test_coaching_and_overrides_reach_the_agent_only_once_shared(store):
    A.override(store, SUP, LAN_CALL, "listen", "fail", "interrupted the customer")
    add_review_note(store, SUP, LAN_CALL, "Let the customer finish.", turn_idx=2)
    add_review_note(store, SUP, LAN_CALL, "Lan had a hard week.", kind="private")
    # Draft: the agent sees the automatic results only, and no state, notes or trail
    assert A.get_assessment(store, LAN, LAN_CALL) is None
    assert all(r.override is None for r in A.results(store, LAN, LAN_CALL))
    assert visible_notes(store, LAN, LAN_CALL) == [] and A.audit_trail(store, LAN, LAN_CALL) == []
    assert A.override_history(store, LAN, LAN_CALL) == [] and coaching_notes(store, LAN) == []
    mine = {c.call_id: c for c in reviewed_calls(store, LAN)}[LAN_CALL]
    assert mine.state is None and mine.statuses["listen"] == "pass" and mine.reviewed_total == mine.total
    A.share(store, SUP, LAN_CALL)
    assert A.get_assessment(store, LAN, LAN_CALL).state == "shared"
    listen = next(r for r in A.results(store, LAN, LAN_CALL) if r.criterion_id == "listen")
    assert (listen.auto_status, listen.status, listen.override.reason) == ("pass", "fail", "interrupted the customer")
    notes = visible_notes(store, LAN, LAN_CALL)
    assert [(n.text, n.turn_idx, n.kind) for n in notes] == [("Let the customer finish.", 2, "coaching")]
    assert [n.text for n in coaching_notes(store, LAN)] == ["Let the customer finish."]
    mine = {c.call_id: c for c in reviewed_calls(store, LAN)}[LAN_CALL]
    assert mine.state == "shared" and mine.statuses["listen"] == "fail" and mine.reviewed_total == 75.0


def test_private_notes_never_reach_the_agent(store):
    add_review_note(store, SUP, LAN_CALL, "Lan had a hard week.", kind="private")
    add_review_note(store, SUP, LAN_CALL, "Good greeting.")
    for state in ("shared", "acknowledged", "final"):
        if state == "shared":
            A.share(store, SUP, LAN_CALL)
        elif state == "acknowledged":
            A.acknowledge(store, LAN, LAN_CALL)
        else:
            A.finalise(store, SUP, LAN_CALL)
        assert [n.text for n in visible_notes(store, LAN, LAN_CALL)] == ["Good greeting."]
        trail = A.audit_trail(store, LAN, LAN_CALL)
        assert all("hard week" not in (e.comment or "") and e.action != "private_note" for e in trail)
        assert "hard week" not in repr(coaching_notes(store, LAN))
    assert [n.kind for n in visible_notes(store, SUP, LAN_CALL)] == ["private", "coaching"]
    assert any(e.action == "private_note" for e in A.audit_trail(store, SUP, LAN_CALL))


def test_notes_on_a_turn_must_name_a_turn_of_the_call(store):
    with pytest.raises(A.ReviewError) as e:
        add_review_note(store, SUP, LAN_CALL, "text", turn_idx=999)
    assert e.value.key == "bad_turn"
    with pytest.raises(A.ReviewError) as e:
        add_review_note(store, SUP, LAN_CALL, "text", kind="secret")
    assert e.value.key == "bad_kind"
    with pytest.raises(A.ReviewError) as e:
        add_review_note(store, SUP, LAN_CALL, " ")
    assert e.value.key == "note_empty"
    assert list_notes(store, LAN_CALL) == [] and n_events(store) == 0


# -- audit trail ---------------------------------------------------------------------------------------------------
def test_audit_trail_records_every_change_with_actor_and_time(store):
    A.override(store, SUP, LAN_CALL, "listen", "fail", "interrupted")
    add_review_note(store, SUP, LAN_CALL, "Let the customer finish.", turn_idx=2)
    add_review_note(store, ADMIN, LAN_CALL, "Check with HR.", kind="private")
    A.withdraw(store, SUP, LAN_CALL, "listen", "listened again: fine")
    A.override(store, SUP, LAN_CALL, "thank", "fail", "no thanks at the end")
    A.share(store, SUP, LAN_CALL, "please read the notes")
    A.dispute(store, LAN, LAN_CALL, "I thanked the customer at 35 s")
    A.withdraw(store, ADMIN, LAN_CALL, "thank", "the agent is right")
    A.resolve(store, ADMIN, LAN_CALL, "You are right, corrected.")
    trail = A.audit_trail(store, SUP, LAN_CALL)
    assert [(e.actor, e.action, e.from_state, e.to_state) for e in trail] == [
        ("sup", "create", None, "draft"), ("sup", "override", "draft", "draft"), ("sup", "note", "draft", "draft"),
        ("admin", "private_note", "draft", "draft"), ("sup", "withdraw", "draft", "draft"),
        ("sup", "override", "draft", "draft"), ("sup", "share", "draft", "shared"),
        ("lan", "dispute", "shared", "disputed"), ("admin", "withdraw", "disputed", "disputed"),
        ("admin", "resolve", "disputed", "final")]
    comments = [e.comment for e in trail]
    assert comments[1] == "listen: pass → fail — interrupted" and comments[2] == "turn 2: Let the customer finish."
    assert comments[4] == "listen: back to pass — listened again: fine"
    assert comments[6] == "please read the notes" and comments[7] == "I thanked the customer at 35 s"
    assert comments[9] == "You are right, corrected."
    times = [e.created_at for e in trail]
    assert times == sorted(times) and all(t is not None for t in times)
    assert [e.action for e in A.audit_trail(store, LAN, LAN_CALL)] == [
        "create", "override", "note", "withdraw", "override", "share", "dispute", "withdraw", "resolve"]
    assert A.get_assessment(store, SUP, LAN_CALL).reviewer == "admin"


# -- trends ------------------------------------------------------------------------------------------------------
def test_weekly_pass_rates_leave_out_na_and_group_by_monday():
    from datetime import date

    from qa.review.overrides import Result

    def call(day, **statuses):
        return ReviewedCall("c", "a", day, None, None, None,
                            tuple(Result(k, k, False, v, None, 1.0, None) for k, v in statuses.items()))

    calls = [call(date(2026, 11, 2), listen="pass", thank="na"), call(date(2026, 11, 8), listen="fail", thank="pass"),
             call(date(2026, 11, 9), listen="pass"), call(None, listen="fail")]
    rates = weekly_pass_rates(calls)
    assert rates == [WeekRate(date(2026, 11, 2), "listen", 1, 2), WeekRate(date(2026, 11, 2), "thank", 1, 1),
                     WeekRate(date(2026, 11, 9), "listen", 1, 1)]
    assert rates[0].rate == 0.5


def test_trend_weeks_follow_the_call_date(store):
    with store.transaction() as con:
        con.execute("UPDATE calls SET call_date = DATE '2026-10-07' WHERE call_id = 'vi_request'")  # a Wednesday
    calls = reviewed_calls(store, LAN)
    days = {c.call_id: c.call_date for c in calls}
    assert str(days["vi_request"]) == "2026-10-07" and days["vi_complaint_good"] is not None
    assert str(weekly_pass_rates(calls)[0].week) == "2026-10-05"


# -- every refusal has a message in both languages ------------------------------------------------------------------
def test_every_review_error_and_action_is_translated():
    keys = set()
    for module in ("audit", "assessments", "overrides", "notes", "disputes"):
        keys |= set(re.findall(r'ReviewError\("([a-z_]+)"', (ROOT / "qa" / "review" / f"{module}.py").read_text()))
    assert {"reason_required", "comment_required", "bad_transition", "not_editable"} <= keys
    actions = set(A.TRANSITIONS) | {"start", "create", "override", "withdraw", "note", "private_note", "roles_swap"}
    for lang in ("en", "vi"):
        for k in keys:
            assert f"rev_err_{k}" in STRINGS[lang]
        for a in actions:
            assert f"rev_action_{a}" in STRINGS[lang]
        for s in (None, *A.TRANSITIONS.values()):
            assert f"rev_state_{s.to_state if s else 'none'}" in STRINGS[lang]
