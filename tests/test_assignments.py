"""Assignments and weekly goals: a supervisor assigns calls to a reviewer for a week and sets goals; each reviewer
has their own list; progress counts the reviews shared; scope rules hold for assigner and reviewer."""
from __future__ import annotations

from datetime import date

import pytest
from apphelp import PASSWORD, run_app
from reviewhelp import ADMIN, LAN, LAN_CALL, SUP, TOM_CALL, store, template  # noqa: F401

from qa.accounts.access import PermissionDenied, Viewer
from qa.accounts.users import create_user
from qa.review import assessments as A
from qa.review.assignments import assign, assigned_to, progress, set_goal, unassign, week_of
from qa.review.audit import ReviewError

WEEK = date(2026, 11, 25)  # a Wednesday: the week of Monday 2026-11-23
NORTH = Viewer("north", "supervisor", teams=("north",))


def test_assign_list_progress_and_goals(store):
    create_user(store, "mai", PASSWORD, "supervisor")
    assert assign(store, SUP, [LAN_CALL, TOM_CALL], "mai", WEEK) == 2
    assert assign(store, SUP, [LAN_CALL], "mai", date(2026, 11, 29)) == 0, "same week again: nothing new"
    mai = Viewer("mai", "supervisor")
    mine = assigned_to(store, mai, WEEK)
    assert [a.call_id for a in mine] and {a.call_id for a in mine} == {LAN_CALL, TOM_CALL}
    assert {a.week for a in mine} == {week_of(WEEK)} == {date(2026, 11, 23)}
    assert not any(a.done for a in mine) and mine[0].assigned_by == "sup"
    set_goal(store, SUP, "mai", 10)
    assert progress(store, SUP, WEEK)[0] == progress(store, SUP, WEEK)[0]
    (p,) = [p for p in progress(store, SUP, WEEK) if p.reviewer == "mai"]
    assert (p.assigned, p.done, p.goal) == (2, 0, 10)
    A.start(store, mai, LAN_CALL)
    A.share(store, mai, LAN_CALL)
    (p,) = [p for p in progress(store, SUP, WEEK) if p.reviewer == "mai"]
    assert (p.assigned, p.done) == (2, 1) and p.share == pytest.approx(0.1)
    assert [a.call_id for a in assigned_to(store, mai, WEEK)][-1] == LAN_CALL, "done ones last"
    assert assigned_to(store, mai, date(2026, 11, 30)) == [], "another week"
    assert unassign(store, SUP, TOM_CALL, "mai", WEEK) and not unassign(store, SUP, TOM_CALL, "mai", WEEK)
    set_goal(store, ADMIN, "mai", None)
    (p,) = [p for p in progress(store, SUP, WEEK) if p.reviewer == "mai"]
    assert p.goal is None and p.share == 1.0


def test_rules(store):
    with pytest.raises(PermissionDenied):
        assign(store, LAN, [LAN_CALL], "sup", WEEK)  # agents do not assign
    with pytest.raises(ReviewError) as exc:
        assign(store, SUP, [LAN_CALL], "lan", WEEK)  # an agent is not a reviewer
    assert exc.value.i18n_key == "rev_err_not_a_reviewer"
    with pytest.raises(ReviewError):
        assign(store, SUP, [LAN_CALL], "nobody", WEEK)
    create_user(store, "north", PASSWORD, "supervisor", teams=("north",))  # sees agent_tom's calls only
    with pytest.raises(ReviewError) as exc:
        assign(store, SUP, [LAN_CALL], "north", WEEK)
    assert exc.value.i18n_key == "rev_err_reviewer_cannot_see"
    with pytest.raises(PermissionDenied):
        assign(store, NORTH, [LAN_CALL], "sup", WEEK)  # outside the assigner's scope
    assert assign(store, NORTH, [TOM_CALL], "north", WEEK) == 1
    with pytest.raises(ReviewError):
        set_goal(store, SUP, "sup", 0)
    with pytest.raises(ReviewError):
        assign(store, SUP, [f"c{i}" for i in range(5000)], "sup", WEEK)
    with pytest.raises(PermissionDenied):
        assign(store, SUP, ["no-such-call"], "sup", WEEK)


def test_assignments_page(store):
    today = date.today()
    assign(store, ADMIN, [LAN_CALL], "sup", today)
    set_goal(store, ADMIN, "sup", 5)
    at = run_app(store.path, "sup", query={"page": "assignments"})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert LAN_CALL.replace("_", "\\_") in text and "0 of 5 reviews done" in text
    assert any(b.key == f"asg_open_{LAN_CALL}" for b in at.button)
    at = run_app(store.path, "lan", query={"page": "assignments"})
    assert not at.exception and not any(b.key == f"asg_open_{LAN_CALL}" for b in at.button), "agents have no page"


def test_assigning_a_sample_and_a_goal_from_the_page(store):
    at = run_app(store.path, "sup", query={"page": "assignments"})
    at.selectbox(key="asg_reviewer").set_value("admin")
    at.number_input(key="asg_per").set_value(1)
    at.button(key="FormSubmitter:asg_assign-Assign the sample").click()
    at = run_app(store.path, at=at)
    assert not at.exception
    done = [s.value for s in at.success]
    assert done and "assigned to admin" in done[0]
    listed = assigned_to(store, ADMIN, date.today())
    per_agent = {}
    for a in listed:
        per_agent[a.agent_id] = per_agent.get(a.agent_id, 0) + 1
    assert listed and max(per_agent.values()) == 1, "one call per agent per week, as asked"
    at.selectbox(key="asg_goal_reviewer").set_value("admin")
    at.number_input(key="asg_goal_n").set_value(12)
    at.button(key="FormSubmitter:asg_goal-Save goal").click()
    at = run_app(store.path, at=at)
    assert not at.exception
    (p,) = [p for p in progress(store, SUP, date.today()) if p.reviewer == "admin"]
    assert p.goal == 12 and p.assigned == len(listed)


def test_the_queue_keeps_the_calls_assigned_to_me(store):
    from qa.app.queue_url import parse, to_params
    from qa.review.queue import QueueFilter, filter_options, list_queue

    create_user(store, "mai", PASSWORD, "supervisor")
    assign(store, SUP, [LAN_CALL], "sup", WEEK)
    assign(store, SUP, [TOM_CALL], "mai", WEEK)
    everything = list_queue(store, SUP, QueueFilter(), limit=None)
    assert everything.total > 2
    mine = list_queue(store, SUP, QueueFilter(assigned_to="sup"), limit=None)
    assert [r.call_id for r in mine.rows] == [LAN_CALL], "only mine, not mai's"
    opts = filter_options(store, SUP)
    view = parse({"mine": ["1"]}, opts, "sup")
    assert view.filt.assigned_to == "sup" and to_params(view, opts) == {"mine": ["1"]}
    assert parse({"mine": ["mai"]}, opts, "sup").filt.assigned_to == "", "a URL never names whose assignments"
    assert parse({"mine": ["1"]}, opts).filt.assigned_to == "", "nobody signed in: no assignments"
    at = run_app(store.path, "sup", query={"page": "queue", "mine": "1"})  # a reload or a shared link
    assert not at.exception
    assert at.checkbox(key="queue_mine").value is True
    assert list(at.dataframe[0].value["Call"]) == [LAN_CALL], at.dataframe[0].value
    at.checkbox(key="queue_mine").uncheck()
    at = run_app(store.path, at=at)
    assert len(at.dataframe[0].value) == min(everything.total, 100)
