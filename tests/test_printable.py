"""The printable scorecard: the results in force beside the automatic ones with the override's reason, evidence,
coaching notes (never private ones), both languages, hostile text shown as text, no script or outside resource;
the app offers it for download and `callqa show --html` writes it."""
from __future__ import annotations

import re
import subprocess
import sys

from apphelp import run_app
from reviewhelp import LAN_CALL, ROOT, SUP, store, template  # noqa: F401

from qa.review import assessments as A
from qa.review.notes import add_review_note, list_notes
from qa.review.printable import scorecard_html

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def page_for(store, lang="en"):
    return scorecard_html(store.get_call(LAN_CALL), A.results(store, SUP, LAN_CALL), list_notes(store, LAN_CALL),
                          lang, state=A.get_assessment(store, SUP, LAN_CALL).state)


def test_results_in_force_evidence_and_notes(store):
    A.override(store, SUP, LAN_CALL, "solve", "fail", "promised a call back, never gave a date")
    add_review_note(store, SUP, LAN_CALL, "restate the problem before solving it")
    add_review_note(store, SUP, LAN_CALL, "private: talk to the team lead", kind="private")
    page = page_for(store)
    assert "promised a call back, never gave a date" in page and "restate the problem before solving it" in page
    assert "private: talk to the team lead" not in page, "private notes never go on paper"
    assert "Listen" in page and "Solve" in page and "Thank" in page
    assert "agent_lan" in page and "Draft" in page
    card = store.get_call(LAN_CALL)
    quoted = next(e.text for c in card.criteria for e in c.evidence if e.text)
    assert quoted.split()[0] in page, "evidence is printed"
    assert "@page" in page and "size: A4" in page
    vi = page_for(store, "vi")
    assert "Phiếu đánh giá cuộc gọi" in vi and "Lắng nghe" in vi and "Ghi chú huấn luyện" in vi
    assert "Coaching notes" not in vi


def test_hostile_text_is_text_and_nothing_is_fetched(store):
    A.override(store, SUP, LAN_CALL, "listen", "fail", HOSTILE)
    add_review_note(store, SUP, LAN_CALL, HOSTILE)
    page = page_for(store)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page), "no outside resource"
    assert "default-src 'none'" in page


def test_the_app_offers_it_and_the_cli_writes_it(store, tmp_path):
    at = run_app(store.path, "sup", query={"page": "call", "call": LAN_CALL})
    assert not at.exception
    offered = [el.proto for el in at.get("download_button") if el.proto.id.endswith(f"print_{LAN_CALL}")]
    assert offered and offered[0].label == "Printable scorecard" and offered[0].deferred_file_id, "built on click"
    out = tmp_path / "card.html"
    done = subprocess.run([sys.executable, "-m", "qa.cli", "show", LAN_CALL, "--db", store.path, "--html", str(out),
                           "--lang", "vi"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Phiếu đánh giá cuộc gọi" in out.read_text(encoding="utf-8")
