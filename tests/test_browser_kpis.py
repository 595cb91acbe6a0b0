"""Browser test of the dashboard's customer KPI section in the real app (headless Chromium), with surveys imported
for five sample calls: the KPI table and the correlation grid render, "too few calls" is said instead of a
correlation on 7 calls, and the section's screenshot is the one docs/kpis.md shows (docs/app-kpis.png)."""
from __future__ import annotations

import pytest
from apphelp import sample_store
from browser import ARTIFACTS, publish, running_app
from test_browser import CHROMIUM, NO_BROWSER, WAIT, browser, settle, sign_in  # noqa: F401

from qa.review.kpi_import import import_surveys
from qa.store.database import Store

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)
SURVEYS = "call_id,csat,nps,ces\nen_complaint_bad,1,2,6\nvi_complaint_bad,2,5,\nen_complaint_good,5,10,2\n" \
          "vi_complaint_good,4,9,1\nmixed_complaint_good,5,,\n"


def test_dashboard_shows_the_customer_kpis(tmp_path, browser):
    db = sample_store(tmp_path / "kpis.duckdb")
    (tmp_path / "surveys.csv").write_text(SURVEYS, encoding="utf-8")
    assert import_surveys(Store(db), str(tmp_path / "surveys.csv")).stored == 5
    errors: list[str] = []
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1300})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, url + "/?page=dashboard", "sup")
        title = page.get_by_role("heading", name="Customer KPIs")
        title.wait_for(timeout=WAIT)
        settle(page)
        title.scroll_into_view_if_needed()
        page.get_by_text("CSAT (mean 1–5)").first.wait_for(state="attached", timeout=WAIT)  # (a data grid)
        page.get_by_text("too few calls").first.wait_for(state="attached", timeout=WAIT)
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
        title.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "kpis.png"))
        publish("kpis")
    assert not errors, errors
