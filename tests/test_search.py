"""Search by spoken words: whole words, case- and diacritic-insensitive (NFC or NFD), within the viewer's calls;
the search form is stored with every turn and filled in for turns stored before (migration 16); the Search page
keeps the words in the URL and shows them highlighted as plain text."""
from __future__ import annotations

import unicodedata

from apphelp import run_app
from reviewhelp import LAN, SUP, TEAM_SUP, TOM, store, template  # noqa: F401

from qa.review.search import calls_saying, highlight_span, search_turns
from qa.store.database import Store
from qa.store.search_text import fold, fold_query


def test_fold_is_case_diacritic_and_normal_form_blind():
    vi = "Em hiểu là anh đang rất bực vì đơn hàng giao chậm 3 ngày, đúng không ạ?"
    assert fold(vi) == " em hieu la anh dang rat buc vi don hang giao cham 3 ngay dung khong a "
    assert fold(unicodedata.normalize("NFD", vi)) == fold(vi)
    assert fold("KHOÁ thẻ") == fold("khóa THẺ") == " khoa the "
    assert fold_query("  ") is None and fold_query("Giao CHẬM!") == " giao cham "
    assert fold(None) == " "


def test_whole_words_in_the_viewers_calls(store):
    with_marks = search_turns(store, SUP, "xin lỗi")
    without = search_turns(store, SUP, "XIN LOI")
    assert with_marks.calls >= 2 and [h.call_id for h in with_marks.hits] == [h.call_id for h in without.hits]
    assert all("lỗi" in h.text.lower() for h in with_marks.hits)
    hit = with_marks.hits[0]
    assert hit.span and fold(hit.text[hit.span[0]:hit.span[1]]) == " xin loi "
    assert search_turns(store, SUP, "refun").turns == 0, "whole words only"
    lan = search_turns(store, LAN, "cảm ơn")
    assert lan.hits and {h.agent_id for h in lan.hits} == {"agent_lan"}, "an agent finds only their own calls"
    north = search_turns(store, TEAM_SUP, "sorry")
    assert north.hits and {h.agent_id for h in north.hits} == {"agent_tom"}
    customers = search_turns(store, SUP, "refund", speaker="customer")
    assert customers.hits and {h.speaker for h in customers.hits} == {"customer"}
    assert search_turns(store, TOM, "xin lỗi").turns == 0


def test_paging_and_hostile_queries(store):
    everything = search_turns(store, SUP, "anh", limit=200)
    first, second = search_turns(store, SUP, "anh", limit=2), search_turns(store, SUP, "anh", limit=2, offset=2)
    assert [h.turn for h in first.hits + second.hits] == [h.turn for h in everything.hits[:4]]
    assert first.turns == everything.turns
    for q in ("' OR 1=1 --", "%", "_", "\\", "a" * 5000, "💥"):
        got = search_turns(store, SUP, q)
        assert got.turns == 0, q
    cond = calls_saying("giao chậm")
    assert cond is not None and cond[1] == [" giao cham "] and calls_saying("!!") is None


def test_highlight_lines_up_with_the_original_text():
    text = "Dạ, em XIN LỖI anh vì sự bất tiện!"
    a, b = highlight_span(text, "xin loi")
    assert text[a:b] == "XIN LỖI"
    assert highlight_span(text, "cảm ơn") is None


def test_turns_stored_before_are_filled_in(store):
    with store.transaction() as con:
        con.execute("UPDATE turns SET search_text = NULL")
        con.execute("DELETE FROM schema_migrations WHERE version = 16")
        con.execute("ALTER TABLE turns DROP COLUMN search_text")
    assert search_turns(Store(store.path), SUP, "xin lỗi").turns >= 2  # Store() applies migration 16 again
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM turns WHERE search_text IS NULL").fetchone()[0] == 0


def test_search_page_keeps_the_words_in_the_url_and_shows_plain_text(store):
    at = run_app(store.path, "sup", query={"page": "search", "q": "xin lỗi"})
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "**xin lỗi**" in shown.lower() or "**xin lỗi**" in shown
    assert at.text_input(key="search_q").value == "xin lỗi"
    assert any(b.key.startswith("search_open_") for b in at.button)
    at = run_app(store.path, "lan", query={"page": "search", "q": "sorry"})
    assert not at.exception and not any(b.key.startswith("search_open_") for b in at.button), \
        "agent_lan's calls never say sorry; other agents' calls are not searched"
