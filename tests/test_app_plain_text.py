"""What people and files write is shown as they wrote it: notes, disputes, override reasons and transcript turns
never become Markdown (a remote image would be a tracking beacon in the supervisor's browser), HTML, links or
colour directives; dashboard CSV cells that look like formulas are defused; the database path is shown to admins
only."""
from __future__ import annotations

import csv
import io
import shutil

import markdown_it
import pytest
from apphelp import run_app, sample_store

from qa.accounts.access import Viewer
from qa.app.common import plain
from qa.review import assessments as A
from qa.review.dashboard import csv_cell, to_csv
from qa.review.disputes import Decision, dispute, resolve_dispute
from qa.review.notes import add_review_note
from qa.store.database import Store

SUP = Viewer("sup", "supervisor")
LAN = Viewer("lan", "agent", "agent_lan")
BEACON = "![seen](http://tracker.example/beacon.png)"
HOSTILE = [BEACON, "**bold** _it_ `code`", "<img src=x onerror=alert(1)>", ":red[red] [link](http://x.example)",
           "# heading\n- list\n1. item\n> quote", "a | b ~~c~~ $x$", "Let the customer finish."]
MD = markdown_it.MarkdownIt("commonmark").enable("strikethrough").enable("table")


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_renders_as_the_same_words_and_no_markup(text):
    html = MD.render(plain(text))
    assert "<img" not in html and "<a " not in html and "<strong>" not in html and "<em>" not in html
    assert "<code>" not in html and "<h1>" not in html and "<li>" not in html and "<blockquote>" not in html
    assert "<del>" not in html and "<s>" not in html
    visible = html.replace("<p>", "").replace("</p>", "").replace("<br />", "").replace("&lt;", "<") \
        .replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"').strip()
    assert visible.split() == text.split()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("plain") / "template.duckdb")


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "app.duckdb"
    shutil.copy(template, path)
    return str(path)


def markdown_bodies(at) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def test_a_note_and_an_override_reason_with_markdown_show_escaped_on_the_call_page(db):
    store = Store(db)
    add_review_note(store, SUP, "vi_complaint_good", f"coaching {BEACON}")
    A.override(store, SUP, "vi_complaint_good", "listen", "fail", f"reason {BEACON}")
    at = run_app(db, "sup", query={"page": "call", "call": "vi_complaint_good"})
    assert not at.exception
    bodies = [b for b in markdown_bodies(at) if "tracker.example" in b]
    assert len(bodies) >= 2, "the note and the reason are shown"
    assert all("![" not in b and "](" not in b.replace("\\]", "") for b in bodies), bodies


def test_an_agents_dispute_with_an_image_does_not_reach_the_supervisors_browser(db):
    store = Store(db)
    A.override(store, SUP, "vi_complaint_good", "listen", "fail", "interrupted twice")
    A.share(store, SUP, "vi_complaint_good")
    A.dispute(store, LAN, "vi_complaint_good", f"I did listen {BEACON}")
    at = run_app(db, "sup", query={"page": "disputes"})
    assert not at.exception
    shown = [b for b in markdown_bodies(at) if "tracker.example" in b]
    assert shown and all(MD.render(b).count("<img") == 0 for b in shown), shown


def test_a_resolved_dispute_shows_its_reasons_and_answer_as_typed(db):
    store = Store(db)
    A.override(store, SUP, "vi_complaint_good", "listen", "fail", "interrupted twice")
    A.share(store, SUP, "vi_complaint_good")
    dispute(store, LAN, "vi_complaint_good", f"I did listen {BEACON}", ["listen"])
    resolve_dispute(store, SUP, "vi_complaint_good", {"listen": Decision.accept("pass", f"fair {BEACON}"),
                                                       "thank": Decision.reject(f"kept {BEACON}")}, f"ok {BEACON}")
    at = run_app(db, "lan", query={"page": "call", "call": "vi_complaint_good"})
    assert not at.exception
    shown = [b for b in markdown_bodies(at) if "tracker.example" in b]
    assert shown and all(MD.render(b).count("<img") == 0 for b in shown), shown
    assert sum(b.count("tracker.example") for b in shown) >= 4, "comment, two reasons and the answer are shown"


def test_the_database_path_is_shown_to_admins_only(db, tmp_path):
    from qa.accounts.users import create_user

    create_user(Store(db), "boss", "correct horse battery", "admin")
    for user, shown in (("lan", False), ("sup", False), ("boss", True)):
        at = run_app(db, user)
        assert not at.exception
        assert any(db in c.value for c in at.sidebar.caption) is shown, user


def test_csv_cells_that_look_like_formulas_are_defused():
    assert csv_cell('=HYPERLINK("http://x","click")') == '\'=HYPERLINK("http://x","click")'
    assert [csv_cell(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "agent_lan", None, -3.5, 7)] == \
        ["'+1", "'-2", "'@SUM(A1)", "'\tx", "agent_lan", "", -3.5, 7]
    text = to_csv([{"agent": '=HYPERLINK("http://evil","x")', "total": -12.5}], {"agent": "@agent"})
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["'@agent", "total"], ['\'=HYPERLINK("http://evil","x")', "-12.5"]]
