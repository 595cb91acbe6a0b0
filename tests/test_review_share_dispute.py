"""Undoing a share and resolving a dispute per criterion (qa.review.assessments.undo_share, qa.review.disputes) on a
real DuckDB file with the sample calls: who may, in which state, the audit trail, what the agent sees and is
notified of, and which results in force change."""
from __future__ import annotations

import pytest
from reviewhelp import (  # noqa: F401 (template and store are fixtures)
    ADMIN,
    LAN,
    LAN_CALL,
    SUP,
    TEAM_SUP,
    TOM,
    TOM_CALL,
    n_events,
    state_of,
    store,
    template,
)

from qa.accounts.access import PermissionDenied, Viewer
from qa.i18n import STRINGS
from qa.review import assessments as A
from qa.review.disputes import (
    CriterionOutcome,
    Decision,
    dispute,
    dispute_outcome,
    plan_resolution,
    resolve_dispute,
)
from qa.review.notes import add_review_note, coaching_notes, visible_notes
from qa.review.notifications import notifications
from qa.review.results import reviewed_calls

OTHER_SUP = Viewer("other", "supervisor")


def in_force(store, viewer, call_id):
    return {r.criterion_id: r.status for r in A.results(store, viewer, call_id)}


def stored_summary(store, call_id):
    with store.connect() as con:
        return con.execute("SELECT passed, failed, reviewed_total FROM scorecards WHERE call_id = ?",
                           [call_id]).fetchone()


# -- undo a share ----------------------------------------------------------------------------------------------------
def test_undo_share_goes_back_to_the_draft_and_the_agent_no_longer_sees_it(store):
    A.override(store, SUP, LAN_CALL, "listen", "fail", "interrupted the customer")
    add_review_note(store, SUP, LAN_CALL, "Let the customer finish.")
    A.share(store, SUP, LAN_CALL)
    assert notifications(store, LAN).count == 1 and A.get_assessment(store, LAN, LAN_CALL).state == "shared"
    assert "unshare" in A.allowed_actions(store, SUP, LAN_CALL)
    assert A.undo_share(store, SUP, LAN_CALL).state == "draft"
    assert state_of(store, LAN_CALL) == "draft"
    # the agent: no state, no override, no coaching note, no trail, no notification
    assert A.get_assessment(store, LAN, LAN_CALL) is None
    assert in_force(store, LAN, LAN_CALL)["listen"] == "pass"
    assert visible_notes(store, LAN, LAN_CALL) == [] and coaching_notes(store, LAN) == []
    assert A.audit_trail(store, LAN, LAN_CALL) == [] and A.override_history(store, LAN, LAN_CALL) == []
    got = notifications(store, LAN)
    assert (got.count, got.items) == (0, ())
    assert {c.call_id: c.state for c in reviewed_calls(store, LAN)}[LAN_CALL] is None
    # the review itself is kept: the Draft may be edited and shared again
    assert in_force(store, SUP, LAN_CALL)["listen"] == "fail"
    assert A.allowed_actions(store, SUP, LAN_CALL) == ["share", "edit", "note"]
    A.override(store, SUP, LAN_CALL, "thank", "fail", "no thanks at the end")
    A.share(store, SUP, LAN_CALL)
    assert notifications(store, LAN).count == 1 and in_force(store, LAN, LAN_CALL)["thank"] == "fail"


def test_undo_share_is_in_the_audit_trail_with_who_and_when(store):
    A.start(store, SUP, LAN_CALL)
    A.share(store, SUP, LAN_CALL)
    A.undo_share(store, SUP, LAN_CALL, "  forgot a coaching note  ")
    trail = A.audit_trail(store, SUP, LAN_CALL)
    last = trail[-1]
    assert (last.actor, last.action, last.from_state, last.to_state, last.comment) == (
        "sup", "unshare", "shared", "draft", "forgot a coaching note")
    assert last.created_at >= trail[-2].created_at
    A.share(store, SUP, LAN_CALL)
    assert [e.action for e in A.audit_trail(store, LAN, LAN_CALL)] == ["create", "share", "unshare", "share"]


def test_only_the_sharer_or_an_admin_may_undo(store):
    A.start(store, SUP, LAN_CALL)
    A.share(store, SUP, LAN_CALL)
    before = n_events(store)
    for who, key in ((OTHER_SUP, "not_sharer"), (LAN, "role_needed"), (TEAM_SUP, "call_not_found")):
        with pytest.raises(PermissionDenied) as e:
            A.undo_share(store, who, LAN_CALL)
        assert e.value.key == key  # TEAM_SUP: not their team, as if the call did not exist
        if who is not TEAM_SUP:
            assert "unshare" not in A.allowed_actions(store, who, LAN_CALL)
    with pytest.raises(PermissionDenied) as e:
        A.undo_share(store, OTHER_SUP, LAN_CALL)
    assert e.value.params["user"] == "sup" and "only sup, who shared" in str(e.value)
    assert state_of(store, LAN_CALL) == "shared" and n_events(store) == before
    assert "unshare" in A.allowed_actions(store, ADMIN, LAN_CALL)
    A.undo_share(store, ADMIN, LAN_CALL)
    assert state_of(store, LAN_CALL) == "draft"
    # shared by the admin: the admin (or another admin) undoes it, the supervisor may not
    A.share(store, ADMIN, LAN_CALL)
    with pytest.raises(PermissionDenied):
        A.undo_share(store, SUP, LAN_CALL)
    A.undo_share(store, Viewer("root", "admin"), LAN_CALL)


@pytest.mark.parametrize("answer", ["acknowledge", "dispute"])
def test_no_undo_once_the_agent_answered(store, answer):
    A.start(store, SUP, LAN_CALL)
    A.share(store, SUP, LAN_CALL)
    A.transition(store, LAN, LAN_CALL, answer, "I did apologise")
    assert "unshare" not in A.allowed_actions(store, SUP, LAN_CALL)
    with pytest.raises(A.ReviewError) as e:
        A.undo_share(store, SUP, LAN_CALL)
    assert e.value.key == "bad_transition" and e.value.params["state"] == answer + "d"
    assert state_of(store, LAN_CALL) == answer + "d"


def test_undo_needs_a_shared_review(store):
    with pytest.raises(A.ReviewError) as e:
        A.undo_share(store, SUP, LAN_CALL)
    assert e.value.key == "bad_transition" and state_of(store, LAN_CALL) is None
    A.start(store, SUP, LAN_CALL)
    with pytest.raises(A.ReviewError):
        A.undo_share(store, SUP, LAN_CALL)
    assert n_events(store) == 1


# -- disputes per criterion -------------------------------------------------------------------------------------------
def disputed_tom_call(store, criteria=("listen", "thank")):
    """en_complaint_bad (agent_tom): every LAST criterion fails automatically; shared, disputed naming `criteria`."""
    A.override(store, SUP, TOM_CALL, "solve", "pass", "the refund was offered")
    A.share(store, SUP, TOM_CALL)
    dispute(store, TOM, TOM_CALL, "I listened and I thanked him", criteria)
    assert state_of(store, TOM_CALL) == "disputed"


def test_the_agent_names_the_criteria_they_dispute(store):
    disputed_tom_call(store, ["thank", " listen ", "thank"])
    outcome = dispute_outcome(store, TOM, TOM_CALL)
    assert (outcome.disputed_by, outcome.comment, outcome.criteria) == ("tom", "I listened and I thanked him",
                                                                        ("listen", "thank"))
    assert outcome.resolved_by is None and outcome.decisions == ()
    assert dispute_outcome(store, SUP, TOM_CALL) == outcome
    assert [d.call_id for d in A.open_disputes(store, SUP)] == [TOM_CALL]


def test_a_dispute_names_only_the_calls_criteria(store):
    A.start(store, SUP, TOM_CALL)
    A.share(store, SUP, TOM_CALL)
    before = n_events(store)
    with pytest.raises(A.ReviewError) as e:
        dispute(store, TOM, TOM_CALL, "unfair", ["listen", "empathy"])
    assert e.value.key == "no_criterion" and e.value.params["criterion"] == "empathy"
    with pytest.raises(PermissionDenied):
        dispute(store, LAN, TOM_CALL, "not mine", ["listen"])
    with pytest.raises(A.ReviewError) as e:
        dispute(store, TOM, TOM_CALL, "   ", ["listen"])
    assert e.value.key == "comment_required"
    assert state_of(store, TOM_CALL) == "shared" and n_events(store) == before


def test_resolve_accepting_one_criterion_and_rejecting_another(store):
    disputed_tom_call(store)
    before = in_force(store, SUP, TOM_CALL)
    assert (before["listen"], before["thank"], before["solve"]) == ("fail", "fail", "pass")
    outcome = resolve_dispute(store, SUP, TOM_CALL, {
        "listen": Decision.accept("pass", "  he asked for the order number twice  "),
        "thank": Decision.reject("no thanks in the recording")}, "Listen corrected; thank stays.")
    assert state_of(store, TOM_CALL) == "final"
    after = in_force(store, SUP, TOM_CALL)
    assert after == {**before, "listen": "pass"}, "only the accepted criterion changes"
    assert stored_summary(store, TOM_CALL) == (["listen", "solve"], ["apologize", "thank"], 55.0)
    assert outcome.accepted == ("listen",) and outcome.rejected == ("thank",)
    assert (outcome.resolved_by, outcome.answer) == ("sup", "Listen corrected; thank stays.")
    listen, thank = outcome.decisions
    assert listen == CriterionOutcome("listen", "accept", "fail", "fail", "pass", "he asked for the order number "
                                      "twice", listen.override_id)
    assert thank == CriterionOutcome("thank", "reject", "fail", "fail", "fail", "no thanks in the recording", None)
    # the acceptance is an override like any other: in the history and the audit trail
    history = A.override_history(store, SUP, TOM_CALL)
    assert (history[-1].override_id, history[-1].criterion_id, history[-1].status, history[-1].author) == (
        listen.override_id, "listen", "pass", "sup")
    trail = A.audit_trail(store, SUP, TOM_CALL)
    assert [(e.action, e.from_state, e.to_state) for e in trail[-3:]] == [
        ("dispute", "shared", "disputed"), ("override", "disputed", "disputed"), ("resolve", "disputed", "final")]
    assert trail[-2].comment == "listen: fail → pass — he asked for the order number twice"
    assert trail[-1].comment == "Listen corrected; thank stays."
    # the agent sees the outcome per criterion and the results in force
    assert dispute_outcome(store, TOM, TOM_CALL) == outcome
    assert in_force(store, TOM, TOM_CALL)["listen"] == "pass"
    assert notifications(store, SUP).count == 0


def test_the_reviewer_may_decide_criteria_the_agent_did_not_name(store):
    disputed_tom_call(store, ())  # no criterion named: the reviewer picks
    with pytest.raises(A.ReviewError) as e:
        resolve_dispute(store, SUP, TOM_CALL, {}, "nothing to change")
    assert e.value.key == "no_decision"
    outcome = resolve_dispute(store, ADMIN, TOM_CALL, {"abusive_language": Decision.reject(),
                                                       "apologize": Decision.accept("na", "no fault to apologise for")},
                              "Apologize does not apply here.")
    assert [(d.criterion_id, d.verdict, d.before, d.after) for d in outcome.decisions] == [
        ("apologize", "accept", "fail", "na"), ("abusive_language", "reject", "pass", "pass", )]
    assert in_force(store, SUP, TOM_CALL)["apologize"] == "na"


@pytest.mark.parametrize(("decisions", "key"), [
    ({"listen": Decision.accept("pass", "   "), "thank": Decision.reject()}, "decision_reason"),
    ({"listen": Decision.accept("pass", "fine")}, "decision_missing"),
    ({"listen": Decision.accept("fail", "same"), "thank": Decision.reject()}, "no_change"),
    ({"listen": Decision.accept("great", "why"), "thank": Decision.reject()}, "bad_status"),
    ({"listen": Decision("maybe"), "thank": Decision.reject()}, "bad_decision"),
    ({"listen": Decision.reject(), "thank": Decision.reject(), "empathy": Decision.reject()}, "no_criterion"),
    ({"listen": Decision.reject("x" * 2001), "thank": Decision.reject()}, "text_too_long"),
])
def test_a_refused_resolution_changes_nothing(store, decisions, key):
    disputed_tom_call(store)
    before, events = in_force(store, SUP, TOM_CALL), n_events(store)
    with pytest.raises(A.ReviewError) as e:
        resolve_dispute(store, SUP, TOM_CALL, decisions, "answer")
    assert e.value.key == key
    assert state_of(store, TOM_CALL) == "disputed" and in_force(store, SUP, TOM_CALL) == before
    assert n_events(store) == events and dispute_outcome(store, SUP, TOM_CALL).decisions == ()


def test_resolve_needs_an_answer_a_dispute_and_a_reviewer_of_the_call(store):
    decisions = {"listen": Decision.accept("pass", "fine"), "thank": Decision.reject()}
    A.start(store, SUP, TOM_CALL)
    A.share(store, SUP, TOM_CALL)
    with pytest.raises(A.ReviewError) as e:
        resolve_dispute(store, SUP, TOM_CALL, decisions, "answer")
    assert e.value.key == "bad_transition"
    dispute(store, TOM, TOM_CALL, "unfair", ["listen", "thank"])
    with pytest.raises(A.ReviewError) as e:
        resolve_dispute(store, SUP, TOM_CALL, decisions, "  ")
    assert e.value.key == "comment_required"
    with pytest.raises(PermissionDenied):
        resolve_dispute(store, TOM, TOM_CALL, decisions, "I resolve my own dispute")
    with pytest.raises(PermissionDenied) as e:
        resolve_dispute(store, Viewer("south", "supervisor", teams=("south",)), TOM_CALL, decisions, "not my team")
    assert e.value.key == "call_not_found"
    assert state_of(store, TOM_CALL) == "disputed" and in_force(store, SUP, TOM_CALL)["listen"] == "fail"
    resolve_dispute(store, TEAM_SUP, TOM_CALL, decisions, "checked")  # tom's team
    assert state_of(store, TOM_CALL) == "final"


def test_a_dispute_naming_criteria_is_not_resolved_without_deciding_them(store):
    disputed_tom_call(store)
    with pytest.raises(A.ReviewError) as e:
        A.resolve(store, SUP, TOM_CALL, "all fine")
    assert e.value.key == "decisions_required" and state_of(store, TOM_CALL) == "disputed"
    A.start(store, SUP, LAN_CALL)  # a dispute naming no criterion may still be answered with a comment only
    A.share(store, SUP, LAN_CALL)
    dispute(store, LAN, LAN_CALL, "unfair")
    assert A.resolve(store, SUP, LAN_CALL, "Checked: it stands.").state == "final"


def test_plan_resolution_is_pure_and_keeps_the_criterion_order(store):
    items = A.results(store, SUP, TOM_CALL)
    plan = plan_resolution(items, ["thank"], {"thank": Decision.accept("pass", "said thank you"),
                                              "listen": Decision.reject("")})
    assert [(o.criterion_id, o.verdict, o.before, o.after, o.reason) for o in plan] == [
        ("listen", "reject", "fail", "fail", None), ("thank", "accept", "fail", "pass", "said thank you")]


def test_the_new_errors_and_actions_are_translated():
    for lang in ("en", "vi"):
        for key in ("no_decision", "decision_missing", "decision_reason", "no_change", "bad_decision",
                    "text_too_long", "decisions_required"):
            assert f"rev_err_{key}" in STRINGS[lang], (lang, key)
        assert "err_not_sharer" in STRINGS[lang] and "rev_action_unshare" in STRINGS[lang]
