"""Browser test: the real app (`streamlit run`) in headless Chromium. A supervisor signs in, works the queue,
opens a call, overrides a criterion with a reason and adds a coaching note; the dashboard and calibration
pages render; the agent signs in and sees only their own scorecards. A reload, a new tab and Back keep the
sign-in (an HttpOnly cookie) and the filtered view (the URL); a row opens its call, next / previous follow the
queue; sign-out ends the session for every tab. Screenshots of each page go to
test-artifacts/browser/ (or $CALLQA_TEST_ARTIFACTS)."""
from __future__ import annotations

import os

import pytest
from apphelp import PASSWORD, sample_store
from browser import ARTIFACTS, chromium_path, publish, running_app

from qa.accounts.access import Viewer
from qa.review.notes import visible_notes
from qa.review.overrides import override_history
from qa.store.database import Store

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = chromium_path()
NO_BROWSER = "no Chromium found: install Debian's `chromium` (apt install chromium) or set CALLQA_CHROMIUM"
if CHROMIUM is None and os.environ.get("CI"):  # in CI a skipped browser test would hide a missing install step
    raise RuntimeError(NO_BROWSER + " — ./scripts/test.sh installs it when run as root")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)
WAIT = 30_000  # ms


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        yield b
        b.close()


def sign_in(page, url: str, user: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=WAIT)


def settle(page) -> None:
    """Wait until Streamlit has finished the current run (no 'Running...' status widget)."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=WAIT)


def shot(page, name: str) -> None:
    """Screenshot of the page from its top (Streamlit scrolls inside its main block, not the window); the docs'
    pictures are taken from these (`browser.publish`, CALLQA_UPDATE_SCREENSHOTS=1)."""
    settle(page)
    page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    publish(name)


def menu(page, label: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).click()
    settle(page)


def test_supervisor_reviews_a_call_and_the_agent_reads_it(tmp_path, browser):
    db = sample_store(tmp_path / "browser.duckdb")
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1500})
        sign_in(page, url, "sup")
        page.get_by_text("Review queue").first.wait_for(timeout=WAIT)
        shot(page, "queue")

        page.goto(url + "/?page=call&call=en_complaint_bad")  # a new app session: the cookie keeps the sign-in
        page.get_by_text("Signed in as").wait_for(timeout=WAIT)
        page.get_by_text("could you repeat that").first.wait_for(timeout=WAIT)
        form = page.locator('[data-testid="stForm"]').filter(has_text="Reason (required)")
        form.get_by_role("textbox").fill("The agent did apologise for the delay at 0:21; the rubric missed it.")
        form.get_by_role("button", name="Save override").click()
        page.get_by_text("automatic result: Fail").first.wait_for(timeout=WAIT)
        page.get_by_role("tab", name="Notes").click()  # notes, metrics and charts sit in tabs under the call
        note = page.locator('[data-testid="stForm"]').filter(has_text="Add note")
        note.get_by_role("textbox").fill("Good recovery after the apology; offer the refund earlier.")
        note.get_by_role("button", name="Add note").click()
        page.get_by_text("offer the refund earlier").first.wait_for(timeout=WAIT)
        shot(page, "call")

        menu(page, "Dashboard")
        shot(page, "dashboard")
        menu(page, "Calibration")
        shot(page, "calibration")

    store, sup = Store(db), Viewer("sup", "supervisor")
    history = override_history(store, sup, "en_complaint_bad")
    assert [(o.author, o.auto_status) for o in history] == [("sup", "fail")]
    assert "apologise for the delay" in history[0].reason
    assert any("offer the refund earlier" in n.text for n in visible_notes(store, sup, "en_complaint_bad"))


def test_agent_sees_only_their_scorecards(tmp_path, browser):
    db = sample_store(tmp_path / "agent.duckdb")
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1500})
        sign_in(page, url, "lan")
        page.get_by_text("My scorecards").first.wait_for(timeout=WAIT)
        shot(page, "my-scorecards")
        html = page.content()  # table cells are in the DOM even where the grid draws them on a canvas
        assert "vi_complaint_good" in html
        assert "en_complaint_bad" not in html and "agent_tom" not in html
        page.goto(url + "/?page=call&call=en_complaint_bad")  # another agent's call by URL, still signed in
        page.get_by_text("Signed in as").wait_for(timeout=WAIT)
        page.get_by_text("not found").first.wait_for(timeout=WAIT)
        assert "could you repeat" not in page.locator("body").inner_text()


def test_call_view_in_vietnamese(tmp_path, browser):
    db = sample_store(tmp_path / "vi.duckdb")
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1500})
        sign_in(page, url + "/?page=call&call=vi_complaint_good", "sup")
        page.locator('[data-testid="stSidebar"]').get_by_text("Tiếng Việt", exact=True).click()
        page.get_by_text("Kết quả LAST").first.wait_for(timeout=WAIT)
        page.get_by_text("Nội dung cuộc gọi").first.wait_for(timeout=WAIT)
        criterion = page.get_by_role("combobox", name="Tiêu chí")  # picked in English, now named in Vietnamese
        playwright.expect(criterion).to_have_value("Lắng nghe", timeout=WAIT)
        shot(page, "call-vi")
        page.goto(url + "/?page=queue")  # the user's language is theirs now: the queue in Vietnamese
        page.get_by_text("Cuộc gọi cần đánh giá").first.wait_for(timeout=WAIT)
        page.get_by_text("Bộ lọc").first.wait_for(timeout=WAIT)
        shot(page, "queue-vi")


def row_marker(page, row: int) -> None:
    """Click the selection box of the table's `row` (0-based; the grid is drawn on a canvas)."""
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)


def test_reload_keeps_the_sign_in_and_the_filtered_view(tmp_path, browser):
    db = sample_store(tmp_path / "reload.duckdb")
    with running_app(db) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1500})
        page = context.new_page()
        sign_in(page, url, "sup")
        settle(page)
        cookie = next(c for c in context.cookies() if c["name"] == "callqa_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and len(cookie["value"]) >= 40
        assert "callqa_session" not in page.evaluate("document.cookie")  # out of the page's scripts' reach
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Order").click()
        page.get_by_role("option", name="lowest score first").click()
        settle(page)
        assert "order=lowest" in page.url

        page.reload()  # signed in still, on the same filtered view
        page.get_by_text("Signed in as").wait_for(timeout=WAIT)
        settle(page)
        assert "order=lowest" in page.url and page.get_by_role("textbox", name="Password").count() == 0
        shot(page, "queue-reloaded")

        row_marker(page, 1)  # the second call lowest score first (newest first it would be vi_complaint_good)
        page.get_by_text("Call 2 of 7").wait_for(timeout=WAIT)
        assert "call=vi_complaint_bad" in page.url and "pos=2" in page.url and "order=lowest" in page.url
        page.get_by_role("button", name="Next").click()
        page.get_by_text("Call 3 of 7").wait_for(timeout=WAIT)
        settle(page)
        assert "call=en_complaint_good" in page.url
        page.reload()
        page.get_by_text("Call 3 of 7").wait_for(timeout=WAIT)
        settle(page)
        page.wait_for_function("window.__callqaNavKeys === true", timeout=WAIT)
        page.keyboard.press("[")  # the previous call, by key
        page.get_by_text("Call 2 of 7").wait_for(timeout=WAIT)
        settle(page)
        page.go_back()
        page.get_by_text("Call 3 of 7").wait_for(timeout=WAIT)
        settle(page)
        page.get_by_role("button", name="Back to results").click()
        page.get_by_text("Calls to review").first.wait_for(timeout=WAIT)
        settle(page)
        assert "page=queue" in page.url and "order=lowest" in page.url and "call=" not in page.url
        page.go_back()  # Back from the results to the call page
        page.get_by_text("Call 3 of 7").wait_for(timeout=WAIT)
        settle(page)
        assert "call=en_complaint_good" in page.url

        other = context.new_page()  # a new tab of the same browser: signed in too
        other.goto(url + "/?page=queue&order=lowest")
        other.get_by_text("Signed in as").wait_for(timeout=WAIT)
        other.get_by_role("button", name="Sign out").click()
        other.get_by_role("textbox", name="Password").wait_for(timeout=WAIT)
        page.reload()  # the session was revoked: signed out here too
        page.get_by_role("textbox", name="Password").wait_for(timeout=WAIT)
        assert page.get_by_text("Signed in as").count() == 0
        context.close()
