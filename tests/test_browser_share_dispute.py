"""Browser test of sharing with confirmation and undo, and of a dispute resolved per criterion, in the real app
(headless Chromium): a supervisor shares a call (confirmed first), undoes the share (a Draft again) and shares it
again; the agent signs in, sees it and disputes two criteria; the supervisor accepts one and rejects the other on
the Disputes page. The stored results are checked through the library afterwards."""
from __future__ import annotations

import pytest
from apphelp import sample_store
from browser import ARTIFACTS, running_app
from test_browser import CHROMIUM, NO_BROWSER, WAIT, browser, settle, shot, sign_in  # noqa: F401

from qa.accounts.access import Viewer
from qa.review import assessments as A
from qa.review.disputes import dispute_outcome
from qa.review.notifications import notifications
from qa.store.database import Store

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)
CALL = "en_complaint_bad"  # agent_tom (user "tom"): every LAST criterion fails automatically
SUP, TOM = Viewer("sup", "supervisor"), Viewer("tom", "agent", "agent_tom")


def state(db: str) -> str | None:
    a = A.get_assessment(Store(db), SUP, CALL)
    return a.state if a else None


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()


def share(page) -> None:
    click(page, "Share with the agent")
    page.get_by_text("will see the scorecard").first.wait_for(timeout=WAIT)
    settle(page)


def test_share_confirm_undo_and_a_dispute_resolved_per_criterion(tmp_path, browser):
    db = sample_store(tmp_path / "share.duckdb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with running_app(db) as url:
        sup = browser.new_page(viewport={"width": 1400, "height": 1500})
        sup.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(sup, url + f"/?page=call&call={CALL}", "sup")
        sup.get_by_text("could you repeat that").first.wait_for(timeout=WAIT)
        click(sup, "Start a draft review")
        sup.get_by_text("Draft review started.").wait_for(timeout=WAIT)
        settle(sup)

        # Share asks first; Cancel shares nothing
        share(sup)
        shot(sup, "share-confirm")
        assert state(db) == "draft"
        click(sup, "Cancel")
        sup.get_by_text("will see the scorecard").wait_for(state="detached", timeout=WAIT)
        assert state(db) == "draft"
        share(sup)
        click(sup, "Yes, share")
        sup.get_by_text("Shared with the agent.").wait_for(timeout=WAIT)
        assert state(db) == "shared" and notifications(Store(db), TOM).count == 1

        # Undo share: a Draft again, and the agent is no longer told about it
        click(sup, "Undo share")
        sup.get_by_text("Share undone").first.wait_for(timeout=WAIT)
        settle(sup)
        assert state(db) == "draft" and notifications(Store(db), TOM).count == 0
        assert [e.action for e in A.audit_trail(Store(db), SUP, CALL)][-2:] == ["share", "unshare"]
        share(sup)
        click(sup, "Yes, share")
        sup.get_by_text("Shared with the agent.").wait_for(timeout=WAIT)
        assert state(db) == "shared"

        # the agent sees it and disputes two criteria
        tom = browser.new_page(viewport={"width": 1400, "height": 1500})
        tom.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(tom, url + f"/?page=call&call={CALL}", "tom")
        tom.get_by_text("Shared", exact=True).first.wait_for(timeout=WAIT)
        form = tom.locator('[data-testid="stForm"]').filter(has_text="Which criteria do you dispute?")
        picker = form.locator('[data-testid="stMultiSelect"]')
        for name in ("Listen", "Thank"):
            picker.click()
            tom.get_by_role("option", name=name, exact=True).click()
            settle(tom)
        tom.keyboard.press("Escape")
        form.get_by_label("What is wrong in this review? (required)").fill(
            "I asked for the order number twice and I thanked him at the end.")
        form.get_by_role("button", name="Dispute", exact=True).click()
        tom.get_by_text("Dispute sent to your supervisor.").wait_for(timeout=WAIT)
        assert state(db) == "disputed"
        assert dispute_outcome(Store(db), SUP, CALL).criteria == ("listen", "thank")

        # the supervisor accepts Listen and rejects Thank on the Disputes page
        sup.goto(url + "/?page=disputes")
        sup.get_by_text("Criteria disputed: Listen, Thank").first.wait_for(timeout=WAIT)
        settle(sup)
        form = sup.locator('[data-testid="stForm"]').filter(has_text="Resolve the dispute, criterion by criterion")
        form.locator('[data-testid="stRadio"]').filter(has_text="Decision on Listen").get_by_text(
            "Accept (change to Pass)").click()
        form.locator('[data-testid="stRadio"]').filter(has_text="Decision on Thank").get_by_text(
            "Reject (keep Fail)").click()
        form.get_by_label("Reason for Listen (required when accepting)").fill("He asked for the number twice.")
        form.get_by_label("Your answer to the agent (required)").fill("Listen corrected; no thanks in the call.")
        shot(sup, "dispute-resolve")
        form.get_by_role("button", name="Resolve the dispute", exact=True).click()
        sup.get_by_text("1 accepted, 1 rejected").first.wait_for(timeout=WAIT)

        # the agent reads the outcome per criterion on the call
        tom.goto(url + f"/?page=call&call={CALL}")
        tom.get_by_text("accepted — Fail → Pass").first.wait_for(timeout=WAIT)
        tom.get_by_text("rejected — stays Fail").first.wait_for(timeout=WAIT)
        shot(tom, "dispute-outcome")

    store = Store(db)
    assert state(db) == "final"
    results = {r.criterion_id: r for r in A.results(store, TOM, CALL)}
    assert (results["listen"].auto_status, results["listen"].status) == ("fail", "pass")
    assert results["listen"].override.reason == "He asked for the number twice."
    assert results["thank"].status == "fail" and results["thank"].override is None
    outcome = dispute_outcome(store, TOM, CALL)
    assert (outcome.accepted, outcome.rejected, outcome.resolved_by) == (("listen",), ("thank",), "sup")
    assert outcome.answer == "Listen corrected; no thanks in the call."
    trail = [(e.actor, e.action) for e in A.audit_trail(store, SUP, CALL)]
    assert trail == [("sup", "create"), ("sup", "share"), ("sup", "unshare"), ("sup", "share"), ("tom", "dispute"),
                     ("sup", "override"), ("sup", "resolve")]
    assert not errors, errors
