"""Browser tests of the reviewer-app problems 3, 4, 8 and 9 of the review issue, each driving the real app
(`streamlit run`) in headless Chromium the way a reviewer or an agent did when the problem was found, then
checking what the page shows and what the store recorded. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from apphelp import sample_store
from browser import ROOT, running_app
from playwright.sync_api import expect
from test_browser import CHROMIUM, NO_BROWSER, WAIT, browser, menu, row_marker, settle, shot, sign_in  # noqa: F401

from qa.accounts.access import Viewer
from qa.calibration import sessions as cal
from qa.review import assessments as A
from qa.review import queue
from qa.review.overrides import override_history, results
from qa.store.database import Store

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)  # (test_browser fails at import in CI)
SUP, LAN = Viewer("sup", "supervisor"), Viewer("lan", "agent", "agent_lan")


def lowest_first(db: str, **filters: object) -> list[str]:
    """The calls the supervisor's queue lists, lowest score first (the order the app must follow)."""
    got = queue.list_queue(Store(db), SUP, queue.QueueFilter(**filters), order="lowest")  # type: ignore[arg-type]
    return [r.call_id for r in got.rows]


def finalised(db: str, call_id: str) -> None:
    store = Store(db)
    A.start(store, SUP, call_id)
    A.share(store, SUP, call_id)
    agent = queue.list_queue(store, SUP, queue.QueueFilter()).rows
    A.acknowledge(store, Viewer("lan", "agent", next(r.agent_id for r in agent if r.call_id == call_id)), call_id)
    A.finalise(store, SUP, call_id)
    assert A.get_assessment(store, SUP, call_id).state == "final"  # type: ignore[union-attr]


def test_problem_3_a_row_and_the_open_control_follow_the_tables_order(tmp_path, browser):
    """Problem 3: "A call cannot be opened from its row; the separate 'Open a call' dropdown does not follow the
    table's order (Open went to an already-Final call, not the lowest-scored top row)." Now a row opens its call,
    and the Open control offers the table's top row first, in the table's current order and filters."""
    db = sample_store(tmp_path / "open.duckdb")
    newest_top = queue.list_queue(Store(db), SUP, order="newest").rows[0].call_id
    finalised(db, newest_top)  # the top row newest first is already Final, as when the problem was found
    lowest = lowest_first(db)
    assert lowest[0] != newest_top
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        sign_in(page, url, "sup")
        settle(page)
        opener = page.locator(".st-key-queue_open")
        expect(opener.locator("input")).to_have_value(newest_top, timeout=WAIT)  # newest first: its top row
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Order").click()
        page.get_by_role("option", name="lowest score first").click()
        settle(page)
        expect(opener.locator("input")).to_have_value(lowest[0], timeout=WAIT)  # follows the new order at once
        shot(page, "problem3-queue-lowest")
        page.locator(".st-key-queue_open_button button").click()
        page.get_by_text(f"Call 1 of {len(lowest)}").wait_for(timeout=WAIT)
        settle(page)
        assert f"call={lowest[0]}" in page.url and "order=lowest" in page.url, page.url

        page.get_by_role("button", name="Back to results").click()  # the same list, now filtered: Vietnamese
        page.get_by_text("Calls to review").first.wait_for(timeout=WAIT)
        settle(page)
        page.locator('[data-testid="stMultiSelect"]').filter(has_text="Languages").click()
        page.get_by_role("option", name="vi", exact=True).click()
        page.keyboard.press("Escape")
        settle(page)
        vi = lowest_first(db, languages=("vi",))
        assert vi[0] != lowest[0]
        expect(opener.locator("input")).to_have_value(vi[0], timeout=WAIT)
        page.locator(".st-key-queue_open_button button").click()
        page.get_by_text(f"Call 1 of {len(vi)}").wait_for(timeout=WAIT)
        settle(page)
        assert f"call={vi[0]}" in page.url and "lang=vi" in page.url, page.url

        page.get_by_role("button", name="Back to results").click()
        page.get_by_text("Calls to review").first.wait_for(timeout=WAIT)
        settle(page)
        row_marker(page, 0)  # the top row itself, clicked: the lowest-scored Vietnamese call
        page.get_by_text(f"Call 1 of {len(vi)}").wait_for(timeout=WAIT)
        settle(page)
        assert f"call={vi[0]}" in page.url and "pos=1" in page.url, page.url
        page.get_by_role("button", name="Next").click()
        page.get_by_text(f"Call 2 of {len(vi)}").wait_for(timeout=WAIT)
        settle(page)
        assert f"call={vi[1]}" in page.url
        shot(page, "problem3-call-from-row")


CALL = "en_complaint_good"  # every criterion passes automatically


def test_problem_4_the_override_form_saves_the_criterion_chosen(tmp_path, browser):
    """Problem 4: "The override form can save the wrong criterion (data integrity): pick Solve → Fail, save without
    a reason; the error resets the form to Listen / Pass; saving again with the reason recorded 'Listen: Pass' with
    the Solve reason, and the Solve fail was never saved." Exactly that sequence, then the store is checked."""
    db = sample_store(tmp_path / "override.duckdb")
    before = {r.criterion_id: r.status for r in results(Store(db), SUP, CALL)}
    assert before["solve"] == before["listen"] == "pass"
    reason = "The agent promised a callback but never gave the customer a fix or a date."
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        sign_in(page, url + f"/?page=call&call={CALL}", "sup")
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Criterion")
        picker.wait_for(timeout=WAIT)
        settle(page)
        # (the transcript shows a turn as said, brackets too, inside its sentiment's tint: no stray backslash)
        page.get_by_text("my name is [NAME]. How can I help you today?").first.wait_for(timeout=WAIT)
        expect(picker.locator("input")).to_have_value("Listen")
        picker.click()
        page.get_by_role("option", name="Solve", exact=True).click()
        settle(page)
        expect(picker.locator("input")).to_have_value("Solve")
        form = page.locator('[data-testid="stForm"]').filter(has_text="Reason (required)")
        form.get_by_text("Fail", exact=True).click()
        save = form.get_by_role("button", name="Save override for Solve")
        save.click()  # no reason: refused
        form.locator('[data-testid="stAlert"]').first.wait_for(timeout=WAIT)  # qa's refusal, in the form
        settle(page)
        shot(page, "problem4-refused")
        expect(picker.locator("input")).to_have_value("Solve")  # the criterion stays Solve
        assert form.get_by_role("radio", name="Fail").is_checked(), "the result stays Fail"
        assert save.count() == 1, "the button still names Solve"
        assert override_history(Store(db), SUP, CALL) == [], "nothing was saved"
        form.get_by_role("textbox").fill(reason)
        save.click()
        page.get_by_text("automatic result: Pass").first.wait_for(timeout=WAIT)
        settle(page)
        shot(page, "problem4-saved")
    history = override_history(Store(db), SUP, CALL)
    assert [(o.criterion_id, o.status, o.auto_status, o.reason) for o in history] == \
        [("solve", "fail", "pass", reason)]
    after = {r.criterion_id: r.status for r in results(Store(db), SUP, CALL)}
    assert after == {**before, "solve": "fail"}, "Solve failed, Listen (and the rest) unchanged"


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_problem_8_agents_are_told_of_shared_reviews_and_supervisors_of_disputes(tmp_path, browser):
    """Problem 8: "No notifications: an agent is not told a review was shared; supervisors see no dispute count."
    Now an agent sees how many reviews wait and a list of the new ones, which clears once read (the list page or
    the call opened); a supervisor sees the open disputes."""
    db = sample_store(tmp_path / "notify.duckdb")
    store = Store(db)
    first, second = "vi_complaint_good", "vi_request"  # agent_lan's calls
    A.override(store, SUP, first, "listen", "fail", "The agent did not restate the problem.")
    A.share(store, SUP, first)
    with running_app(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        sign_in(page, url, "lan")
        side = page.locator('[data-testid="stSidebar"]')
        side.get_by_text("1 review waiting for your answer · 1 new").wait_for(timeout=WAIT)
        notices = side.locator(".st-key-notif-list")
        notices.get_by_text(first).first.wait_for(timeout=WAIT)  # told, with the call and who shared it
        assert "sup" in notices.inner_text()
        shot(page, "problem8-agent-told")
        menu(page, "Search")  # the list page was read: nothing new any more, the count stays till answered
        side.get_by_text("1 review waiting for your answer").wait_for(timeout=WAIT)
        assert notices.count() == 0 and "new" not in sidebar_text(page), sidebar_text(page)

        A.start(store, SUP, second)
        A.share(store, SUP, second)  # shared while the agent works
        menu(page, "Call")
        side.get_by_text("2 reviews waiting for your answer").wait_for(timeout=WAIT)
        side.get_by_text("1 new").wait_for(timeout=WAIT)
        assert second in notices.inner_text() and first not in notices.inner_text()
        notices.get_by_role("button").filter(has_text=second).click()  # opens it: read
        page.get_by_text("Signed in as").wait_for(timeout=WAIT)
        settle(page)
        assert f"call={second}" in page.url
        page.get_by_role("heading", name=re.compile(f"Call {second}")).wait_for(timeout=WAIT)
        assert notices.count() == 0 and "new" not in sidebar_text(page), sidebar_text(page)
        page.get_by_role("button", name="Acknowledge").click()  # answered: one left
        side.get_by_text("1 review waiting for your answer").wait_for(timeout=WAIT)

        A.dispute(store, LAN, first, "I did restate it at 0:12.")
        boss = browser.new_page(viewport={"width": 1400, "height": 1200})
        sign_in(boss, url, "sup")
        boss_side = boss.locator('[data-testid="stSidebar"]')
        boss_side.get_by_text("1 open dispute").wait_for(timeout=WAIT)
        boss_side.locator(".st-key-notif-list").get_by_text(first).first.wait_for(timeout=WAIT)
        shot(boss, "problem8-supervisor-disputes")
        boss_side.locator(".st-key-notif_open button").click()  # the disputes page: read from now on
        boss.get_by_text("I did restate it at 0:12.").first.wait_for(timeout=WAIT)
        settle(boss)
        assert "page=disputes" in boss.url
        menu(boss, "Review queue")
        boss_side.get_by_text("1 open dispute").wait_for(timeout=WAIT)
        assert boss_side.locator(".st-key-notif-list").count() == 0 and "new" not in sidebar_text(boss)


# Records every string drawn on a canvas (the data grids draw their cells and headers there).
CANVAS_TEXT = """
window.__drawn = [];
for (const proto of [CanvasRenderingContext2D.prototype, OffscreenCanvasRenderingContext2D.prototype]) {
  for (const name of ['fillText', 'strokeText']) {
    const original = proto[name];
    proto[name] = function (text, ...rest) { window.__drawn.push(String(text)); return original.call(this, text, ...rest); };
  }
}
"""
# What a reader sees: the page's text, the data grids' DOM (their headers and cells), what inputs show (a select
# box's choice, a placeholder: shown whenever the box is empty), the charts' SVG text (axes, legends) and the text
# drawn on canvases (the data grids draw their cells there).
SHOWN = """() => [document.body.innerText,
  ...[...document.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stTable"]')].map(e => e.innerHTML),
  ...[...document.querySelectorAll('input, textarea')].flatMap(e => [e.value, e.placeholder || '']),
  ...[...document.querySelectorAll('svg text')].map(e => e.textContent),
  ...window.__drawn].join('\\n')"""
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "June", "July", "August", "September", "October", "November",
          "December")
SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
         "Oct", "Nov", "Dec")
PLACEHOLDERS = ("Choose options", "Choose an option", "Select...", "No options to select")


def english_only() -> list[str]:
    """Pieces of the English catalog that the Vietnamese one does not share: every text between placeholders and
    markup of a value that differs in vi, of at least two words (single words such as "Call" or a name such as
    "LAST" occur in call ids and English transcripts)."""
    en = {k: v for group in json.loads((ROOT / "qa/i18n/en.json").read_text("utf-8")).values() for k, v in group.items()}
    vi = {k: v for group in json.loads((ROOT / "qa/i18n/vi.json").read_text("utf-8")).values() for k, v in group.items()}
    pieces = set()
    for key, text in en.items():
        if vi.get(key) == text:
            continue
        for piece in re.split(r"\{[^}]*\}|[`*_()\[\]:;,.!?“”\"—–/|·…<>=+]|\s-\s", text):
            piece = " ".join(piece.split())
            if len(piece.split()) >= 2 and len(piece) >= 8 and piece not in vi.get(key, ""):
                pieces.add(piece)
    return sorted(pieces)


def leaks(text: str, pieces: list[str]) -> list[str]:
    words = re.compile(r"\b(" + "|".join(map(re.escape, WEEKDAYS + MONTHS + SHORT)) + r")\b")
    return sorted({p for p in pieces if p in text} | {p for p in PLACEHOLDERS if p in text}
                  | set(words.findall(text)))


def test_problem_9_the_vietnamese_ui_shows_no_english(tmp_path, browser):
    """Problem 9: "Vietnamese leaks English: scorer reasons ('no agent turn contains a qualifying phrase'),
    critical item names, service levels (also in CSV headers), 'Choose options' placeholders, weekday names on
    chart axes; the CSV has no UTF-8 byte-order mark, so Excel garbles Vietnamese." With the Vietnamese UI, the
    queue, a call, the dashboard and calibration show none of the English-only catalog text, no English
    placeholder, no English day or month names (in the page, the grids' DOM, and what is drawn on canvases), and
    the dashboard's CSV starts with the BOM and has Vietnamese headers."""
    db = sample_store(tmp_path / "vi.duckdb")
    with Store(db).transaction() as con:  # a call a day from Monday 30 November: the chart's axis names days
        ids = [r[0] for r in con.execute("SELECT call_id FROM calls ORDER BY call_id").fetchall()]
        for n, call_id in enumerate(ids):
            con.execute("UPDATE calls SET call_date = DATE '2026-11-30' + ? WHERE call_id = ?", [n, call_id])
    session = cal.create_session(Store(db), SUP, "vi_complaint_bad", "Tuần 49")  # calibration has a session to show
    cal.submit_ratings(Store(db), SUP, session, {"listen": "fail", "apologize": "pass", "solve": "fail", "thank": "na",
                                                "abusive_language": "pass"})
    pieces = english_only()
    assert "no agent turn contains a qualifying phrase" in pieces and len(pieces) > 100
    with running_app(db) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1500}, accept_downloads=True)
        context.add_init_script(CANVAS_TEXT)
        page = context.new_page()
        sign_in(page, url, "sup")
        page.locator('[data-testid="stSidebar"]').get_by_text("Tiếng Việt", exact=True).click()
        page.get_by_text("Hàng đợi đánh giá").first.wait_for(timeout=WAIT)
        settle(page)
        page.reload()  # drawn in Vietnamese from the start (the canvases kept what English drew)
        page.get_by_text("Đã đăng nhập").first.wait_for(timeout=WAIT)

        def check(name: str, ready: str) -> None:
            page.get_by_text(ready).first.wait_for(timeout=WAIT)
            settle(page)
            page.wait_for_timeout(1500)  # the grids and charts draw after the run ends
            shot(page, f"problem9-{name}")
            shown = page.evaluate(SHOWN)
            found = leaks(shown, pieces)
            assert not found, f"{name}: English in the Vietnamese UI: {found}"
            page.evaluate("window.__drawn = []")

        check("queue", "Hàng đợi đánh giá")
        page.goto(url + "/?page=call&call=vi_complaint_bad")  # fails everything: reasons and critical items shown
        check("call", "Kết quả LAST")
        menu(page, "Bảng tổng quan")
        page.get_by_text("Tải CSV").first.wait_for(timeout=WAIT)
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Chu kỳ").click()
        page.get_by_role("option", name="ngày", exact=True).click()  # by day: the axis names weekdays
        settle(page)
        page.wait_for_function("[...document.querySelectorAll('svg text')].some(e => /^Thứ [2-7] /.test(e.textContent))",
                               timeout=WAIT)
        check("dashboard", "Tải CSV")
        with page.expect_download(timeout=WAIT) as got:
            page.get_by_role("button", name="Tải CSV").first.click()
        data = Path(got.value.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark (Excel reads Vietnamese)"
        header = data[3:].decode("utf-8").splitlines()[0]
        assert not leaks(header, pieces) and "Số cuộc gọi" in header and re.search(r"Mức \d", header), header
        menu(page, "Hiệu chuẩn")
        check("calibration", "Hiệu chuẩn")
        context.close()
