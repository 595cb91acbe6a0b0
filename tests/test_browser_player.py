"""Browser test of the call page's player (issue 15, problem 5), in the real app in headless Chromium: ▶ seeks
to the exact evidence time (sub-second) and plays, again on every click of the same ▶; the waveform shows; the
turn being played is outlined; the player stays in view while the page scrolls; keys play and pause; a call
without a recording turns ▶ on evidence into "show the turn", which scrolls to it and outlines it."""
from __future__ import annotations

import re

import pytest
from apphelp import sample_store
from browser import running_app
from playwright.sync_api import expect
from test_browser import CHROMIUM, NO_BROWSER, WAIT, browser, settle, sign_in  # noqa: F401

from qa.store.database import Store

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)  # (test_browser fails at import in CI)
CALL = "en_complaint_bad"


def audio_time(page) -> float:
    return page.evaluate("document.querySelector('.st-key-callqa-player audio').currentTime")


def test_player_seeks_exactly_replays_outlines_and_stays_in_view(tmp_path, browser):
    db = sample_store(tmp_path / "player.duckdb")
    card = Store(db).get_call(CALL)
    turn = next(t for t in card.turns if t.index >= 3 and not float(t.start).is_integer())
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        sign_in(page, url + f"/?page=call&call={CALL}", "sup")
        page.locator('[data-testid="callqa-waveform"]').wait_for(timeout=WAIT)
        page.locator('.st-key-callqa-player audio').wait_for(state="attached", timeout=WAIT)
        page.evaluate("document.querySelector('.st-key-callqa-player audio').muted = true")
        button = page.locator(f".st-key-turn-{CALL}-{turn.index} button").first
        button.click()
        settle(page)
        page.wait_for_function(f"Math.abs(document.querySelector('.st-key-callqa-player audio').currentTime - {turn.start}) < 0.6",
                               timeout=WAIT)
        assert abs(audio_time(page) - turn.start) < 0.6, "seeks to the turn's exact start"
        page.wait_for_selector(f".st-key-callqa-turn-{turn.index}.callqa-playing", timeout=WAIT)
        # the same ▶ again, after the recording has moved on: it seeks back and plays again
        page.evaluate(f"document.querySelector('.st-key-callqa-player audio').currentTime = {turn.start + 2.5}")
        button.click()
        settle(page)
        page.wait_for_function(f"document.querySelector('.st-key-callqa-player audio').currentTime < {turn.start + 1.5}",
                               timeout=WAIT)
        assert not page.evaluate("document.querySelector('.st-key-callqa-player audio').paused"), "playing"
        page.keyboard.press("k")
        page.wait_for_function("document.querySelector('.st-key-callqa-player audio').paused", timeout=WAIT)
        status = page.locator('[data-testid="callqa-player-status"]')
        assert re.fullmatch(r"At \d+\.\d sec( · Turn \d+)?", status.inner_text().strip()), status.inner_text()
        # the clock in the reader's locale: Vietnamese writes a decimal comma and "giây"
        page.locator('[data-testid="stSidebar"]').get_by_text("Tiếng Việt", exact=True).click()
        settle(page)
        page.locator('.st-key-callqa-player audio').wait_for(state="attached", timeout=WAIT)
        page.evaluate(f"document.querySelector('.st-key-callqa-player audio').currentTime = {turn.start}")
        expect(status).to_have_text(re.compile(r"Tại \d+,\d giây · Lượt \d+"), timeout=WAIT)
        # sticky: after scrolling the main area down, the player is still at the top of the viewport
        page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop = 2500; "
                      "document.querySelectorAll('section').forEach(s => s.scrollTop = 2500)")
        page.wait_for_timeout(500)
        top = page.evaluate("document.querySelector('.st-key-callqa-player').getBoundingClientRect().top")
        assert 0 <= top < 200, f"the player stays in view (top at {top} px)"


def test_without_a_recording_evidence_scrolls_to_its_turn(tmp_path, browser):
    db = sample_store(tmp_path / "norec.duckdb")
    with Store(db).transaction() as con:
        con.execute("UPDATE calls SET media = NULL WHERE call_id = ?", [CALL])
    card = Store(db).get_call(CALL)
    crit, k, ev = next((c, k, e) for c in card.criteria for k, e in enumerate(c.evidence) if e.turn and e.turn >= 4)
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        sign_in(page, url + f"/?page=call&call={CALL}", "sup")
        page.get_by_text("No recording is linked").first.wait_for(timeout=WAIT)
        settle(page)
        target = page.locator(f".st-key-ev-{CALL}-{crit.id}-{k} button").first
        expander = page.locator('[data-testid="stExpander"]').filter(has=target).first
        is_open = "el => (el.matches('details') ? el : el.querySelector('details')).open"
        if not expander.evaluate(is_open):  # its criterion's expander is closed (a pass)
            expander.locator("summary").first.click()
        target.wait_for(state="visible", timeout=WAIT)
        target.click()
        settle(page)
        page.wait_for_selector(f".st-key-callqa-turn-{ev.turn}.callqa-playing", timeout=WAIT)
        top = f"document.querySelector('.st-key-callqa-turn-{ev.turn}').getBoundingClientRect().top"
        page.wait_for_function(f"{top} >= 0 && {top} < 900", timeout=WAIT)  # (a smooth scroll: it takes a moment)
        box = page.evaluate(f"document.querySelector('.st-key-callqa-turn-{ev.turn}').getBoundingClientRect().top")
        assert 0 <= box < 900, "the turn was scrolled into view"

