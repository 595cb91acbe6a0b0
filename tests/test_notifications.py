"""Notifications: an agent is told of the reviews shared with them until they answer; reviewers see the open
disputes of their scope until they resolve them; the app shows the counts in the sidebar on every page."""
from __future__ import annotations

from datetime import datetime, timedelta

from apphelp import ROOT, copy_database, run_app, token_for
from reviewhelp import LAN, LAN_CALL, SUP, TEAM_SUP, TOM, TOM_CALL, store, template  # noqa: F401
from streamlit.testing.v1 import AppTest

from qa.review import assessments as A
from qa.review.notifications import mark_read, notifications, reads, unread
from qa.store.database import Store


def test_agent_is_told_of_a_shared_review_until_answering(store):
    assert notifications(store, LAN).count == 0
    A.override(store, SUP, LAN_CALL, "listen", "fail", "no restatement of the problem")
    assert notifications(store, LAN).count == 0, "a Draft is not the agent's yet"
    before = datetime.now() - timedelta(seconds=1)
    A.share(store, SUP, LAN_CALL)
    got = notifications(store, LAN)
    assert (got.kind, got.count, got.new) == ("shared", 1, 1)
    assert got.items[0].call_id == LAN_CALL and got.items[0].actor == "sup"
    assert notifications(store, LAN, since=datetime.now() + timedelta(seconds=1)).new == 0
    assert notifications(store, LAN, since=before).new == 1
    assert notifications(store, TOM).count == 0, "another agent's review is not theirs"
    A.acknowledge(store, LAN, LAN_CALL)
    assert notifications(store, LAN).count == 0


def test_reviewers_see_open_disputes_of_their_scope_until_resolved(store):
    for call_id, agent in ((LAN_CALL, LAN), (TOM_CALL, TOM)):
        A.start(store, SUP, call_id)
        A.share(store, SUP, call_id)
        A.dispute(store, agent, call_id, f"I did apologise ({call_id})")
    everyone = notifications(store, SUP)
    assert (everyone.kind, everyone.count) == ("dispute", 2)
    assert {n.comment for n in everyone.items} == {f"I did apologise ({LAN_CALL})", f"I did apologise ({TOM_CALL})"}
    north = notifications(store, TEAM_SUP)  # the north team supervisor sees agent_tom's calls only
    assert north.count == 1 and north.items[0].call_id == TOM_CALL
    assert notifications(store, LAN).count == 0, "the agent's own dispute is not a notice to them"
    A.resolve(store, SUP, TOM_CALL, "checked: the apology was there")
    assert notifications(store, SUP).count == 1 and notifications(store, TEAM_SUP).count == 0


def test_counts_cover_everything_while_the_list_is_bounded(store):
    for call_id, agent in ((LAN_CALL, LAN), (TOM_CALL, TOM)):
        A.start(store, SUP, call_id)
        A.share(store, SUP, call_id)
        A.dispute(store, agent, call_id, "no")
    got = notifications(store, SUP, limit=1)
    assert got.count == 2 and len(got.items) == 1


def test_the_sidebar_shows_the_counts(template, tmp_path):
    db = str(tmp_path / "app.duckdb")
    copy_database(template, db)
    s = Store(db)
    A.start(s, SUP, LAN_CALL)
    A.share(s, SUP, LAN_CALL)
    at = run_app(db, "lan")
    assert not at.exception
    text = " ".join(m.value for m in at.sidebar.markdown) + " ".join(b.label for b in at.sidebar.button)
    assert "1 review waiting for your answer" in text
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["callqa_token"] = token_for(db, "lan")
    at.session_state["ui_lang"] = "vi"
    at = run_app(db, at=at)
    text = " ".join(m.value for m in at.sidebar.markdown) + " ".join(b.label for b in at.sidebar.button)
    assert "1 đánh giá đang chờ bạn trả lời" in text
    A.dispute(s, LAN, LAN_CALL, "I did apologise")
    at = run_app(db, "sup")
    text = " ".join(m.value for m in at.sidebar.markdown) + " ".join(b.label for b in at.sidebar.button)
    assert "1 open dispute" in text


def test_a_notice_is_unread_until_its_call_or_its_list_is_seen(store):
    for call_id in (LAN_CALL, "vi_request"):
        A.start(store, SUP, call_id)
        A.share(store, SUP, call_id)
    items = notifications(store, LAN).items
    assert {n.call_id for n in unread(items, None, {})} == {LAN_CALL, "vi_request"}, "nothing read yet"
    later = max(n.at for n in items) + timedelta(seconds=1)
    assert [n.call_id for n in unread(items, None, {LAN_CALL: later})] == ["vi_request"], "its call was opened"
    assert unread(items, later, {}) == (), "the list page was shown after they arrived"
    earlier = min(n.at for n in items) - timedelta(seconds=1)
    assert len(unread(items, earlier, {LAN_CALL: earlier})) == 2, "seen before they arrived: still new"


def test_what_was_read_is_kept_per_person_in_the_store(store):
    for call_id in (LAN_CALL, "vi_request"):
        A.start(store, SUP, call_id)
        A.share(store, SUP, call_id)
    waiting = [n.call_id for n in notifications(store, LAN).items]
    assert reads(store, LAN) == (None, {}), "nothing read yet"
    at = mark_read(store, LAN, LAN_CALL, waiting)
    assert reads(store, LAN) == (None, {LAN_CALL: at})
    assert reads(store, TOM) == (None, {}), "one person's reads are not another's"
    items = notifications(store, LAN).items
    assert [n.call_id for n in unread(items, *reads(store, LAN))] == ["vi_request"]
    seen = mark_read(store, LAN, None, waiting)  # the list page shown
    assert reads(store, LAN) == (seen, {LAN_CALL: at}) and unread(items, *reads(store, LAN)) == ()
    A.acknowledge(store, LAN, LAN_CALL)  # no longer waiting: its read is dropped at the next write
    mark_read(store, LAN, "vi_request", [n.call_id for n in notifications(store, LAN).items])
    assert set(reads(store, LAN)[1]) == {"vi_request"}


def test_a_notice_read_in_one_session_is_not_new_in_the_next(template, tmp_path):
    db = str(tmp_path / "app.duckdb")
    copy_database(template, db)
    s = Store(db)
    for call_id in (LAN_CALL, "vi_request"):
        A.start(s, SUP, call_id)
        A.share(s, SUP, call_id)

    def sidebar_text(at) -> str:
        return " ".join(m.value for m in at.sidebar.markdown)

    on_call = {"page": "call", "call": LAN_CALL}  # (not the agent's first page: that one lists them all)
    at = run_app(db, "lan", query=on_call)  # opening one of the calls reads it
    assert not at.exception
    assert "2 reviews waiting for your answer · 1 new" in sidebar_text(at), sidebar_text(at)
    at = run_app(db, "lan", query=on_call)  # a new session (a reload): that call stays read, the other new
    assert "2 reviews waiting for your answer · 1 new" in sidebar_text(at), sidebar_text(at)
    run_app(db, "lan", query={"page": "my"})  # the page listing them all
    at = run_app(db, "lan", query=on_call)
    assert "2 reviews waiting for your answer" in sidebar_text(at) and "new" not in sidebar_text(at)
    assert set(reads(s, LAN)[1]) == {LAN_CALL} and reads(s, LAN)[0] is not None
