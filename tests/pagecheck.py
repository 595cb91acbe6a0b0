"""Checks of a page as a reader sees it, for the browser tests of the reviewer app (tests/test_browser_pages.py):
text cut off, buttons that show nothing, sideways overflow, what a chart shows inside its drawing, the end of a
table, a PDF's pages; picking in a select box; and a store of 40 agents in 4 teams."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from apphelp import PASSWORD
from browser import ARTIFACTS
from test_browser import WAIT, settle

from qa.accounts.auth import add_user
from qa.accounts.users import set_agent
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.store.database import Store

expect = pytest.importorskip("playwright.sync_api").expect
ROOT = Path(__file__).resolve().parent.parent


def clipped(page, selector: str) -> list[str]:
    """The texts of the elements under `selector` (and their descendants) that are cut off (wider than shown)."""
    return page.evaluate("""sel => {
        const out = [];
        document.querySelectorAll(sel).forEach(top => [top, ...top.querySelectorAll('*')].forEach(e => {
            if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) out.push(top.innerText);
        }));
        return out;
    }""", selector)


def empty_buttons(page) -> list[str]:
    """The visible buttons that show no text and have no aria-label, or whose text is cut off (a ▶ squeezed to
    an empty box in a narrow column): their text and outer HTML, shortened."""
    return page.evaluate("""() => [...document.querySelectorAll('button')].filter(b => {
        if (!b.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;  // (a closed expander)
        const r = b.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return false;
        const text = (b.innerText || '').trim();
        const cut = [b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1);
        return (!text && !(b.getAttribute('aria-label') || '').trim()) || cut;
    }).map(b => (b.innerText || '').trim() + ' ' + b.outerHTML.slice(0, 120))""")


def overflow(page) -> dict[str, list[int]]:
    """Elements of the page wider than the window: the document and Streamlit's scrolling main block."""
    return page.evaluate("""() => {
        const out = {};
        for (const [name, e] of [['document', document.documentElement],
                                 ['main', document.querySelector('[data-testid="stMain"]')]]) {
            if (e && e.scrollWidth > e.clientWidth + 1) out[name] = [e.scrollWidth, e.clientWidth];
        }
        return out;
    }""")


def pick(page, scope, label: str, value: str) -> None:
    """Pick `value` in the select box labelled `label` inside `scope`, by typing it (the list filters to it)."""
    box = scope.get_by_role("combobox", name=label)
    box.click()
    box.fill(value)
    page.get_by_role("option", name=value, exact=True).first.wait_for(timeout=WAIT)
    box.press("Enter")
    settle(page)
    expect(box).to_have_value(value, timeout=WAIT)


def open_list(scope, label: str):
    """Open the drop-down list of the select box labelled `label` (inside `scope`: a page or a form)."""
    scope.get_by_role("combobox", name=label).click()


N_AGENTS = 40


def chart_texts(page, nth: int) -> list[str]:
    """The texts chart `nth` of the page shows (axis labels, legend names: Vega draws them as SVG text), those
    inside the drawing only: a legend taller than the chart is cut off at its edge."""
    return page.locator('[data-testid="stVegaLiteChart"]').nth(nth).evaluate("""c => {
        const svg = c.querySelector('svg');
        if (!svg) return [];
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].filter(t => {
            const r = t.getBoundingClientRect();
            return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.left >= box.left - 1 && r.right <= box.right + 1;
        }).map(t => t.textContent);
    }""")


def grid_bottom(page) -> list[list[str]]:
    """The header and the last rows of the page's first table, scrolled to its end (the grid draws on a canvas and
    keeps the shown rows' cells in the DOM; an empty cell is drawn with the table's placeholder, "n/a")."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 5000)
    page.wait_for_timeout(800)
    grid.screenshot(path=str(ARTIFACTS / "dashboard-table-end.png"))
    return grid.evaluate("g => [...g.querySelectorAll('tr')].map(r => [...r.querySelectorAll('th, td')]"
                         ".map(c => c.textContent))")


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF: its page objects ('/Type /Page', not the '/Pages' tree), checked against the tree's
    /Count."""
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    counts = [int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf)]
    assert counts and max(counts) == pages, (pages, counts)
    return pages


def scale_store(path: Path) -> str:
    """40 agents (agent_00 … agent_39) in 4 teams, two calls each in two weeks (bad, then good), except agent_39,
    alone in team "Solo" with one call in one week: a plain request, where Apologize does not apply."""
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    settings.privacy.redact = False
    pipeline, store = Pipeline(settings), Store(str(path))
    good, bad, request = (pipeline.import_transcript(str(ROOT / "sample_calls" / "transcripts" / f"{n}.json"))
                          for n in ("en_complaint_good", "en_complaint_bad", "en_request"))
    last = N_AGENTS - 1
    for k in range(N_AGENTS):
        agent = f"agent_{k:02d}"
        set_agent(store, agent, team="Solo" if k == last else f"Team {'ABC'[k % 3]}")
        calls = [(request, "2026-11-10")] if k == last else [(bad, "2026-11-03"), (good, "2026-11-10")]
        for n, (template, day) in enumerate(calls):
            t = copy.deepcopy(template)
            t.call_id, t.agent_id = f"{agent}_{n}", agent
            t.extra["path_meta"] = {"agent_id": agent, "date": day}
            store.save(pipeline.score(t))
    add_user(store, "sup", PASSWORD, "supervisor")
    return store.path


AGENTS = [f"agent_{k:02d}" for k in range(N_AGENTS)]
