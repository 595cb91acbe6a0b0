"""Reviews against re-scores and concurrent writers: a re-score replaces the call's rows, not its review;
two people (or two sessions) writing at once lose nothing."""
from __future__ import annotations

import threading
from importlib import resources

import pytest
from reviewhelp import (  # noqa: F401 (template and store are fixtures)
    ADMIN,
    LAN,
    LAN_CALL,
    SUP,
    store,
    template,
)

from qa.accounts.access import PermissionDenied, Viewer
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.review import assessments as A
from qa.review.notes import add_review_note, visible_notes
from qa.review.rescore import rescore
from qa.review.roles import swap_roles as swap_stored_roles
from qa.store.database import Store
from scoring.rubric_schema import load_rubric


# -- a re-score replaces the call's rows, not its review -------------------------------------------------------------
def test_review_survives_rescore_and_roles_swap(store, tmp_path):
    call = "en_complaint_good"  # agent_linda; apologize passes on "sorry"
    A.override(store, SUP, call, "apologize", "fail", "the apology was sarcastic")
    add_review_note(store, SUP, call, "Tone!", turn_idx=1)
    A.share(store, SUP, call)
    before_trail = A.audit_trail(store, SUP, call)
    last = (resources.files("rubrics") / "last.yaml").read_text(encoding="utf-8")
    start = last.index('en: [sorry, apologize,')  # the English apologies without "sorry" (its long forms too)
    edited = last[:start] + 'en: [apologize]\n' + last[last.index('      vi: ["xin lỗi", "thành thật xin lỗi"', start):]
    edited = edited.replace('version: "3.0"', 'version: "3.1-team"')
    assert edited != last
    (tmp_path / "team.yaml").write_text(edited, encoding="utf-8")
    rescore(store, load_rubric(tmp_path / "team.yaml"), [call])
    assert Store(store.path).get_call(call).to_dict()["rubric_version"] == "3.1-team"
    apologize = next(r for r in A.results(store, SUP, call) if r.criterion_id == "apologize")
    assert apologize.auto_status == "fail" and apologize.override.status == "fail" and apologize.auto_changed
    assert A.get_assessment(store, SUP, call).state == "shared"
    assert [n.text for n in visible_notes(store, SUP, call)] == ["Tone!"]
    assert A.audit_trail(store, SUP, call) == before_trail
    # the CLI's roles swap (qa.review.roles) re-scores too: the review stays
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    swap_stored_roles(store, Pipeline(settings), call, by="sup")
    assert Store(store.path).get_call(call).to_dict()["roles"]["method"] == "manual swap"
    assert next(r for r in A.results(store, SUP, call) if r.criterion_id == "apologize").override.reason == \
        "the apology was sarcastic"
    assert A.get_assessment(store, SUP, call).state == "shared" and len(visible_notes(store, SUP, call)) == 1


def test_app_roles_swap_is_a_reviewers_edit_recorded_in_the_trail(store):
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    pipeline = Pipeline(settings)
    A.override(store, SUP, "vi_request", "thank", "fail", "too quiet")
    with pytest.raises(PermissionDenied):
        A.swap_roles(store, LAN, "vi_request", pipeline)
    A.swap_roles(store, SUP, "vi_request", pipeline)
    card = Store(store.path).get_call("vi_request").to_dict()
    assert card["roles"]["method"] == "manual swap" and card["roles"]["evidence"] == ["roles swapped by sup"]
    last = A.audit_trail(store, SUP, "vi_request")[-1]
    assert last.action == "roles_swap" and last.actor == "sup" and last.comment.startswith("total 100 → ")
    assert next(r for r in A.results(store, SUP, "vi_request") if r.criterion_id == "thank").override is not None
    A.share(store, SUP, "vi_request")
    with pytest.raises(A.ReviewError) as e:
        A.swap_roles(store, SUP, "vi_request", pipeline)
    assert e.value.key == "not_editable"


# -- two people at once ------------------------------------------------------------------------------------------
def test_concurrent_writers_in_one_process_lose_nothing(store):
    """App sessions are threads of one process: two reviewers overriding at once and the agent pressing both
    buttons at once. DuckDB's write-write conflicts are retried: every override is kept, exactly one answer wins."""
    errors: list[BaseException] = []
    together = threading.Barrier(3)

    def reviewer(name, n):
        try:
            together.wait()  # the three first overrides all try to open the call's Draft at once
            for i in range(n):
                A.override(store, Viewer(name, "supervisor"), LAN_CALL, "listen", "fail" if i % 2 else "pass",
                           f"{name} {i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reviewer, args=(name, 15)) for name in ("sup", "admin", "north")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    history = A.override_history(store, SUP, LAN_CALL)
    assert sorted(o.reason for o in history) == sorted(f"{n} {i}" for n in ("sup", "admin", "north") for i in range(15))
    assert [e.action for e in A.audit_trail(store, SUP, LAN_CALL)].count("create") == 1
    A.share(store, SUP, LAN_CALL)
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def answer(action):
        barrier.wait()
        try:
            outcomes.append(A.transition(store, LAN, LAN_CALL, action, "answer").state)
        except A.ReviewError as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=answer, args=(a,)) for a in ("acknowledge", "dispute")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes)) in (["acknowledged", "bad_transition"], ["bad_transition", "disputed"])
    assert [e.action for e in A.audit_trail(store, SUP, LAN_CALL)][-2] == "share"


def test_a_draft_opened_by_another_session_meanwhile_is_retried_not_reported(store):
    """The race behind a duplicate assessment: this write read "no assessment", another session opened the Draft
    and committed, then this write inserts its own. DuckDB refuses the duplicate; the write runs again, sees the
    Draft and goes on."""
    from qa.review.audit import ensure_draft, write

    attempts = []

    def go(con):
        attempts.append(con.execute("SELECT count(*) FROM assessments").fetchone()[0])
        if len(attempts) == 1:  # another app session, meanwhile
            other = threading.Thread(target=A.start, args=(store, ADMIN, LAN_CALL))
            other.start()
            other.join()
        return ensure_draft(con, LAN_CALL, "sup")

    assert write(store, go) == "draft"
    assert attempts == [0, 1]
    trail = A.audit_trail(store, SUP, LAN_CALL)
    assert [(e.actor, e.action) for e in trail] == [("admin", "create")]


def test_app_sessions_open_the_database_at_the_same_moment(store):
    """Threads of one process opening the file at once get DuckDB's "unique file handle conflict" now and then;
    the store retries it like a lock, so it never reaches a person."""
    errors: list[BaseException] = []

    def read():
        try:
            for _ in range(150):
                with store.connect() as con:
                    con.execute("SELECT count(*) FROM calls").fetchone()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
