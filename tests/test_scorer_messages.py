"""Scorer reasons, service levels, critical items, flags and CSV files in the reader's language: every reason the
scorer writes is made from a template (scoring.messages) that the app reads back and shows in Vietnamese."""
import csv
import io

import pytest
from scorecard_snapshot import _score, random_calls, sample_cards, trap_calls

from qa.app.queue import flag_label
from qa.i18n import STRINGS, criterion_name, evidence_text, level_name, reason_text
from qa.review.dashboard import csv_file
from scoring import messages
from scoring.rubric import resolve_rubric

ENGLISH_WORDS = ("agent said", "qualifying phrase", "the customer", "does not count", "the rubric", "turn ")


def _all_reasons():
    """(criterion id, reason) of every result of the sample calls (through the pipeline), the trap calls and
    random calls, under both built-in rubrics."""
    cards = list(sample_cards().values())
    for rubric_name in ("last", "service"):
        cards += [_score(t, rubric_name).to_dict() for t in trap_calls() + random_calls(60)]
    assert len(cards) > 100
    for card in cards:
        for result in card["criteria"] + card.get("critical", []):
            yield result["id"], result["reason"]


def test_every_reason_the_scorer_writes_is_a_template_the_app_can_translate():
    seen = set()
    for cid, reason in _all_reasons():
        parsed = messages.parse(reason)
        assert parsed is not None, f"{cid}: {reason!r} is not made by scoring.messages"
        assert messages.reason(parsed.code, **parsed.values) == reason  # read back exactly
        vi = reason_text(reason, "vi")
        assert not any(w in vi for w in ENGLISH_WORDS), (reason, vi)
        assert reason_text(reason, "en") == reason
        seen.add(parsed.code)
    # the sample and trap calls reach most of the templates: passes, fails and n/a
    assert {"agent_said", "no_phrase", "na_no_problem", "critical_not_found"} <= seen
    assert len(seen) >= 7, seen


@pytest.mark.parametrize("code", sorted(messages.TEMPLATES))
def test_each_template_reads_back_and_has_both_languages(code):
    values = {"text": "it's \"done\"", "phrase": "xin lỗi", "turn": 3, "rule": "interrupts_customer", "n": 2,
              "turns": "3, 5", "fail_at": 2}
    fields = {f for f, _ in messages._FIELD.findall(messages.TEMPLATES[code])}
    text = messages.reason(code, **{k: v for k, v in values.items() if k in fields})
    parsed = messages.parse(text)
    assert parsed is not None and parsed.code == code
    assert parsed.values == {k: str(v) for k, v in values.items() if k in fields}
    for lang in ("en", "vi"):
        assert f"reason_{code}" in STRINGS[lang]
        shown = STRINGS[lang][f"reason_{code}"].format(**parsed.values)
        assert set(fields) <= set(values) and "{" not in shown


def test_a_reason_of_a_teams_own_wording_shows_as_stored():
    assert messages.parse("see the coaching note") is None
    assert reason_text("see the coaching note", "vi") == "see the coaching note"
    assert messages.parse("x" * 6000) is None  # bounded


def test_vietnamese_reasons_read_as_vietnamese():
    assert reason_text("no agent turn contains a qualifying phrase", "vi") == \
        "không lượt nói nào của nhân viên có cụm từ đạt yêu cầu"
    shown = reason_text("agent said 'dạ em xin lỗi anh' (turn 4)", "vi")
    assert shown == "nhân viên nói “dạ em xin lỗi anh” (lượt 4)"
    rule = "interrupts_customer: talked over — 2 time(s) (turns 3, 4); the rubric fails this criterion at 2"
    assert reason_text(rule, "vi").startswith("ngắt lời khách: talked over — 2 lần (các lượt 3, 4)")


def test_service_levels_and_critical_items_in_vietnamese():
    for rubric_name in ("last", "service"):
        rubric = resolve_rubric(rubric_name)
        for level in rubric.service_levels:
            vi = level_name(level.level, level.name, "vi")
            assert vi and vi != level.name, (rubric_name, level)
            assert level_name(level.level, level.name, "en") == level.name
        for c in list(rubric.criteria) + list(rubric.critical):
            assert criterion_name(c.id, c.name["en"], "vi") == c.name["vi"], c.id
    assert level_name(4, "Solid work", "vi") == "Solid work"  # a rubric's own level name stays
    assert level_name(None, None, "vi") is None


def test_flags_read_as_words_in_both_languages():
    assert flag_label("critical_failure", "en") == "Critical item failed"
    assert flag_label("low_confidence_turns:3", "vi") != "low_confidence_turns:3"
    assert flag_label("something_new:1", "vi") == "something_new:1"


def test_csv_file_has_a_byte_order_mark_and_keeps_vietnamese():
    data = csv_file([{"group": "Nhóm Hà Nội", "mean_total": 81.5}], {"group": "Nhóm", "mean_total": "Điểm TB"})
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Nhóm", "Điểm TB"], ["Nhóm Hà Nội", "81.5"]]


@pytest.mark.parametrize("code", sorted(messages.EVIDENCE))
def test_each_evidence_template_reads_back_and_has_both_languages(code):
    values = {"cue": "em hiểu", "words": "đơn hàng, giao", "seconds": "12", "label": "positive", "score": "0.91",
              "missing": "a greeting", "part": "says why", "db": "+7.5", "percent": "+30",
              "measured": "sentiment and voice", "items": "0912, 345", "found": "has been sent", "n": "4",
              "turn": "6", "phrase": "please DM us"}
    fields = {f for f, _ in messages._FIELD.findall(messages.EVIDENCE[code])}
    text = messages.EVIDENCE[code].format(**{k: values[k] for k in fields})
    parsed = messages.parse(text, "evidence")
    assert parsed is not None and parsed.code == code, text
    assert parsed.values == {k: values[k] for k in fields}
    vi = evidence_text(text, "vi")
    assert vi != text and "{" not in vi
    assert evidence_text(text, "en") == text


def test_the_calls_own_words_are_not_translated():
    assert messages.parse("dạ em xin lỗi", "evidence") is None
    assert evidence_text("dạ em xin lỗi", "vi") == "dạ em xin lỗi"
    shown = reason_text("reads back the customer's numbers: 0912 (turn 3)", "vi")
    assert shown == "đọc lại các số của khách: 0912 (lượt 3)"
