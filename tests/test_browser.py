"""Browser test: the real app (`streamlit run`) in headless Chromium — sign in, open a call, override a
criterion, add a coaching note. Screenshots go to test-artifacts/browser/ (or $CALLQA_TEST_ARTIFACTS)."""
from __future__ import annotations

import pytest

from apphelp import PASSWORD, sample_store
from browser import ARTIFACTS, chromium_path, running_app

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found: install Debian's `chromium` "
                                                         "(apt install chromium) or set CALLQA_CHROMIUM")


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
    page.get_by_text("Signed in as").wait_for(timeout=30_000)


def test_sign_in_and_open_a_call(tmp_path, browser):
    db = sample_store(tmp_path / "browser.duckdb")
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        sign_in(page, url + "/?page=call&call=vi_complaint_bad", "sup")
        page.get_by_text("Xin lỗi, chị nói lại").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "call.png"), full_page=True)
