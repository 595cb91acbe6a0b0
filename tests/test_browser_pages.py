"""Browser tests of the reviewer-app problems 6, 7 and 10 of the review (issue 15) and of the printable scorecard,
in the real app (`streamlit run`) in headless Chromium: each test quotes the problem it reproduced and checks the
page as a reader sees it (layout boxes, text, what a click does), not the Python objects behind it."""
from __future__ import annotations

import re
from datetime import date

import pytest
from apphelp import PASSWORD, sample_store
from browser import ARTIFACTS, running_app
from pagecheck import (
    AGENTS,
    chart_texts,
    clipped,
    empty_buttons,
    grid_bottom,
    open_list,
    overflow,
    pdf_pages,
    pick,
    scale_store,
)
from test_browser import CHROMIUM, NO_BROWSER, WAIT, browser, settle, shot, sign_in  # noqa: F401

from qa.accounts.access import Viewer
from qa.accounts.auth import add_user
from qa.i18n import FLAG_SEVERITY, flag_text
from qa.review.assignments import assigned_to, week_of
from qa.review.saved_views import list_views
from qa.store.database import Store

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)
expect = pytest.importorskip("playwright.sync_api").expect
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # an internal name: critical_failure, low_confidence_turns


def test_call_page_scorecard_beside_transcript_readable_tiles_and_chips(tmp_path, browser):
    """Problem 6: "The call page is long and cramped: 4,000–4,800 px tall, two turns above the fold at 1920×1080,
    headline tiles cut off ('agent_t…', '1 · disa…'), a technical flag banner on every call, empty ▶ buttons at
    800 px width." At 1440×900 the scorecard and the transcript are side by side above the fold; metrics and
    charts sit in tabs; flags are readable chips with their explanation; tiles show their whole text; at 800 px
    every button says what it does and the page does not overflow sideways."""
    db = sample_store(tmp_path / "call.duckdb")
    errors: list[str] = []
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, url + "/?page=call&call=mixed_complaint_good", "sup")  # a call with a flag (an escalation)
        scorecard = page.get_by_role("heading", name="LAST results")
        transcript = page.get_by_role("heading", name="Transcript")
        scorecard.wait_for(timeout=WAIT)
        transcript.wait_for(timeout=WAIT)
        settle(page)
        page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
        page.wait_for_timeout(300)
        s, tr = scorecard.bounding_box(), transcript.bounding_box()
        assert s and tr
        assert s["y"] < 900 and tr["y"] < 900, (s, tr)  # both above the fold
        assert tr["x"] + tr["width"] <= s["x"] or s["x"] + s["width"] <= tr["x"], (s, tr)  # side by side
        assert abs(s["y"] - tr["y"]) < 60, (s, tr)  # on the same line, not one under the other
        first_turn = page.locator("[class*='st-key-callqa-turn-']").first.bounding_box()
        first_criterion = page.locator('[data-testid="stExpander"]').filter(has_text="Listen").first.bounding_box()
        assert first_turn["y"] + 60 < 900, f"the first turn's words are above the fold ({first_turn})"
        assert first_criterion["y"] + first_criterion["height"] < 900, f"so is a criterion ({first_criterion})"

        for tab in ("Conversation metrics", "Customer sentiment", "Notes"):  # metrics and charts are tabs
            assert page.get_by_role("tab", name=tab).count() == 1, tab

        chip_text, chip_help = flag_text("escalation:performed", "en")
        chips = page.locator(".st-key-callqa-flags")
        chips.get_by_text(chip_text).first.wait_for(timeout=WAIT)
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert not [k for k in FLAG_SEVERITY if k in body], "no internal flag names"
        assert "escalation:performed" not in body
        assert page.locator('[data-testid="stAlert"]').filter(has_text=re.compile("flag|escalation", re.I)).count() == 0
        assert clipped(page, ".st-key-callqa-flags") == []  # each chip whole
        assert "[NAME]," in page.locator("[class*='st-key-callqa-turn-']").first.inner_text()  # no stray "\\"
        chips.get_by_text(chip_text).first.hover()  # the chip explains itself
        page.get_by_text(chip_help[:40]).first.wait_for(timeout=WAIT)

        values = page.locator('[data-testid="stMetricValue"]')
        assert values.count() >= 4
        tiles = " ".join(values.all_inner_texts())
        assert "agent_mai" in tiles and "…" not in tiles
        assert clipped(page, '[data-testid="stMetricValue"]') == []  # no value cut off
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        assert height < 4000, f"the call page is {height} px tall"  # it was 4,000–4,800 px
        shot(page, "call-fold")

        page.set_viewport_size({"width": 800, "height": 900})
        page.wait_for_timeout(1000)
        settle(page)
        assert empty_buttons(page) == []
        assert overflow(page) == {}
        assert clipped(page, '[data-testid="stMetric"]') == []  # the metrics tab's tiles too
        shot(page, "call-800")

        page.locator('[data-testid="stSidebar"]').get_by_text("Tiếng Việt", exact=True).click()  # longer words
        page.get_by_role("heading", name="Kết quả LAST").wait_for(timeout=WAIT)
        settle(page)
        vi_chip = flag_text("escalation:performed", "vi")[0]
        page.locator(".st-key-callqa-flags").get_by_text(vi_chip).first.wait_for(timeout=WAIT)
        assert clipped(page, '[data-testid="stMetric"]') == [] and clipped(page, ".st-key-callqa-flags") == []
        assert empty_buttons(page) == [] and overflow(page) == {}
        shot(page, "call-800-vi")
    assert not errors, errors


def test_search_saved_views_date_presets_assignments_and_readable_flags(tmp_path, browser):
    """Problem 7: "Missing tools: no search by spoken words, no saved views or date presets, no assignment /
    personal queue / reviewer goals, samples not saved, the flags filter lists raw internal names." Search finds
    spoken words in context (Vietnamese without diacritics too) and the queue filters by them; the filters are saved
    as a named view and reopened; a date preset fills the dates; a supervisor assigns a sample to a reviewer, who
    sees it in their list with their weekly goal; the flags filter reads as words."""
    db = sample_store(tmp_path / "tools.duckdb")
    add_user(Store(db), "mai", PASSWORD, "supervisor")  # a second reviewer
    with running_app(db) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1300})
        page = context.new_page()
        sign_in(page, url + "/?page=search", "sup")
        words = page.get_by_role("textbox", name="Words said in the call")
        words.fill("xin loi")  # no diacritics: finds "xin lỗi"
        words.press("Enter")
        page.get_by_text(re.compile(r"turn\(s\) in \d+ call\(s\)")).wait_for(timeout=WAIT)
        settle(page)
        hits = page.locator('[data-testid="stMarkdownContainer"] strong').all_inner_texts()
        assert any(h.lower() == "xin lỗi" for h in hits), hits  # the words found, in bold, in their turn
        assert "q=xin+loi" in page.url or "q=xin%20loi" in page.url
        shot(page, "search")
        page.set_viewport_size({"width": 800, "height": 1300})  # narrow: every button and choice still reads whole
        page.wait_for_timeout(1000)
        assert empty_buttons(page) == [] and overflow(page) == {}
        assert clipped(page, '[data-testid="stSelectbox"]') == []
        page.set_viewport_size({"width": 1440, "height": 1300})
        page.get_by_role("button", name="Open the call").first.click()
        page.get_by_role("heading", name="LAST results").wait_for(timeout=WAIT)
        assert "page=call" in page.url and "call=vi_" in page.url

        page.goto(url + "/?page=queue")  # the queue keeps the calls whose turns say the words
        says = page.get_by_role("textbox", name="Words said in the call")
        says.wait_for(timeout=WAIT)
        says.fill("xin loi")
        says.press("Enter")
        page.wait_for_function("location.search.includes('says=xin')", timeout=WAIT)
        page.get_by_text("Calls 1–3 of 3").wait_for(timeout=WAIT)  # the three calls with an apology in Vietnamese
        settle(page)
        html = page.content()
        assert all(c in html for c in ("vi_complaint_bad", "vi_complaint_good", "mixed_complaint_good"))
        assert "en_complaint_bad" not in html and "vi_request" not in html

        open_list(page, "Flags (any of)")  # readable flag names
        page.get_by_role("option").first.wait_for(timeout=WAIT)
        options = page.get_by_role("option").all_inner_texts()
        assert options and all(":" not in o and not SNAKE.search(o) for o in options), options
        assert "Escalation performed by the agent" in options
        page.keyboard.press("Escape")

        page.get_by_text("Saved views (0)").click()  # save the current filters under a name
        settle(page)
        page.get_by_role("textbox", name="Save this view as").fill("Apologies")
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text("Saved the view “Apologies”.").wait_for(timeout=WAIT)
        assert [v.name for v in list_views(Store(db), Viewer("sup", "supervisor"))] == ["Apologies"]
        page.goto(url + "/?page=queue")  # the filters gone; open the view again
        page.get_by_text("Saved views (1)").click()
        settle(page)
        open_list(page, "Your saved views")
        page.get_by_role("option", name="Apologies").click()
        settle(page)
        page.locator(".st-key-views_open button").click()
        settle(page)
        page.wait_for_function("location.search.includes('says=xin')", timeout=WAIT)
        page.get_by_text("Calls 1–3 of 3").wait_for(timeout=WAIT)
        settle(page)
        expect(page.get_by_role("textbox", name="Words said in the call")).to_have_value("xin loi", timeout=WAIT)
        assert "en_complaint_bad" not in page.content()

        open_list(page, "Date presets")
        page.get_by_role("option", name="Last 7 days").click()
        settle(page)
        week_ago = date.fromordinal(date.today().toordinal() - 6).isoformat()
        page.wait_for_function(f"location.search.includes('from={week_ago}')", timeout=WAIT)
        shot(page, "queue-tools")

        page.goto(url + "/?page=assignments")  # the supervisor assigns this week's sample to mai, with a goal
        page.get_by_text("Assign a review sample").click()
        form = page.locator('[data-testid="stForm"]').filter(has_text="Assign the sample")
        settle(page)
        pick(page, form, "Reviewer", "mai")
        form.get_by_role("button", name="Assign the sample").click()
        page.get_by_text(re.compile(r"call\(s\) of the sample assigned to mai")).wait_for(timeout=WAIT)
        settle(page)
        page.get_by_text("Set a weekly goal").click()
        goal = page.locator('[data-testid="stForm"]').filter(has_text="Save goal")
        settle(page)
        pick(page, goal, "Reviewer", "mai")
        goal.get_by_role("spinbutton").fill("12")
        goal.get_by_role("button", name="Save goal").click()
        page.get_by_text("Weekly goal saved for mai").wait_for(timeout=WAIT)
        context.close()

    assigned = assigned_to(Store(db), Viewer("mai", "supervisor"), week_of(date.today()))
    assert assigned, "the sample was saved as mai's assignments"
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1100})
        sign_in(page, url + "/?page=assignments", "mai")  # mai sees them in her list, with her goal
        page.get_by_text("My assigned calls").wait_for(timeout=WAIT)
        page.get_by_text("0 of 12 reviews done this week").wait_for(timeout=WAIT)
        settle(page)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert all(a.call_id in main for a in assigned), main
        shot(page, "assignments")
        page.set_viewport_size({"width": 800, "height": 1100})
        page.wait_for_timeout(1000)
        assert empty_buttons(page) == [] and overflow(page) == {}
        page.get_by_role("button", name="Open the call").first.click()
        page.get_by_role("heading", name="LAST results").wait_for(timeout=WAIT)
        assert f"call={assigned[0].call_id}" in page.url


def test_dashboard_with_40_agents_is_readable(tmp_path, browser):
    """Problem 10: "The dashboard does not scale: 40 agents tangle in one chart with the legend cut to ~11 names;
    teams with one week of data vanish from the line chart; N/A shows as 'None'." With 40 agents the charts show
    the lowest few, each name readable in full; all 40 are in the table; a team with one week of data still shows;
    figures that do not apply read n/a, never None."""
    db = scale_store(tmp_path / "scale.duckdb")
    errors: list[str] = []
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1300})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, url + "/?page=dashboard", "sup")
        page.get_by_text("The charts show 10 of 40").first.wait_for(timeout=WAIT)
        page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for(timeout=WAIT)
        settle(page)
        page.wait_for_timeout(1500)  # Vega draws after the data arrive
        over_time, heat_map = chart_texts(page, 0), chart_texts(page, 1)
        lowest = [a for a in AGENTS if a in over_time]
        assert len(lowest) == 10 and "agent_39" not in lowest, over_time  # the lowest 10 (agent_39 is the best)
        assert [a for a in AGENTS if a in heat_map] == lowest  # one row per agent, the same ten
        assert "02 Nov" in over_time and "09 Nov" in over_time, over_time  # a tick per week, not the hours
        assert not [t for t in over_time if re.search(r"\d (AM|PM)$", t)], over_time
        for k in range(page.locator('[data-testid="stVegaLiteChart"]').count()):
            cut = [t for t in chart_texts(page, k) if "…" in t]
            assert not cut, cut  # every name whole in every chart
        assert "None" not in page.locator('[data-testid="stMain"]').inner_text()
        shot(page, "dashboard-40")
        rows = grid_bottom(page)  # the table has every agent: agent_39 is its last row
        assert rows[0][:6] == ["Period from", "Agent or team", "Calls", "Mean total", "Listen passed (%)",
                               "Apologize passed (%)"], rows[0]
        assert rows[-1][1:6] == ["agent_39", "1", "100", "100", ""], rows[-1]  # Apologize: the grid's "n/a"
        assert not [r for r in rows if "None" in r], rows

        page.get_by_text("All 40", exact=True).click()  # every agent: the legend names all 40, none cut off
        page.get_by_text("The charts show 10 of 40").first.wait_for(state="detached", timeout=WAIT)
        settle(page)
        page.wait_for_timeout(1500)
        over_time, heat_map = chart_texts(page, 0), chart_texts(page, 1)
        assert [a for a in AGENTS if a in over_time] == AGENTS, over_time
        assert [a for a in AGENTS if a in heat_map] == AGENTS, heat_map
        assert not [t for t in over_time + heat_map if "…" in t]
        page.locator('[data-testid="stMain"]').evaluate("m => m.scrollTop = 0")
        shot(page, "dashboard-all-40")

        page.locator('[data-testid="stRadio"]').filter(has_text="Per").get_by_text("team", exact=True).click()
        page.get_by_text("Team A").first.wait_for(state="attached", timeout=WAIT)
        settle(page)
        page.wait_for_timeout(1500)
        over_time = chart_texts(page, 0)
        assert {"Solo", "Team A", "Team B", "Team C"} <= set(over_time), over_time  # one week of data shows too
        assert "None" not in page.locator('[data-testid="stMain"]').inner_text()
        shot(page, "dashboard-teams")
    assert not errors, errors


def test_printable_scorecard_downloads_and_prints_on_one_or_two_pages(tmp_path, browser):
    """The call page offers the printable scorecard: downloaded, it is a page of its own with print CSS (A4, no
    sidebar, no form) that Chromium prints to a PDF of one or two pages."""
    db = sample_store(tmp_path / "print.duckdb")
    with running_app(db) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1100}, accept_downloads=True)
        page = context.new_page()
        sign_in(page, url + "/?page=call&call=en_complaint_bad", "sup")
        button = page.get_by_role("button", name="Printable scorecard")
        button.wait_for(timeout=WAIT)
        settle(page)
        with page.expect_download(timeout=WAIT) as info:
            button.click()
        download = info.value
        assert download.suggested_filename == "scorecard-en_complaint_bad.html"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        html = saved.read_text(encoding="utf-8")
        assert "@page" in html and "<form" not in html.lower() and "<script" not in html.lower()

        paper = context.new_page()
        paper.goto(saved.as_uri())
        paper.get_by_text("agent_tom").first.wait_for(timeout=WAIT)
        assert paper.locator("form, input, textarea, button, [data-testid='stSidebar'], nav").count() == 0
        assert "Listen" in paper.inner_text("body") and "Solve" in paper.inner_text("body")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        paper.screenshot(path=str(ARTIFACTS / "printable.png"), full_page=True)
        pdf = paper.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        (ARTIFACTS / "printable.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")
        assert 1 <= pdf_pages(pdf) <= 2, pdf_pages(pdf)
        context.close()
