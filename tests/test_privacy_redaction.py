"""PII redaction (issue 16): phone numbers, citizen IDs, cards, accounts, emails, SSNs, addresses and names are
replaced by a placeholder of their kind in both languages, spoken digits included, before a call is stored; word
times are kept; `privacy.redact: false` keeps the words as said; scores of the sample calls do not change."""
from __future__ import annotations

import glob
import json
from pathlib import Path

import pytest

from qa.config.settings import Settings, settings_from_dict
from qa.pipeline.call import Pipeline
from qa.pipeline.redaction import redact_transcript
from qa.privacy import find_entities, phone_numbers, redact_text, redact_turns
from qa.privacy.recognisers import classify, luhn
from qa.privacy.spoken import digit_runs
from qa.store.database import Store
from transcribe.types import Transcript, Turn, Word

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_calls"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(e.kind, e.value) for e in find_entities(text)]


@pytest.mark.parametrize("text,expected", [
    ("Số căn cước của em là 079 203 001 234 ạ.", [("CCCD", "079 203 001 234")]),
    ("Số điện thoại của chị là không chín một hai ba bốn năm sáu bảy tám.",
     [("PHONE", "không chín một hai ba bốn năm sáu bảy tám")]),
    ("số tài khoản của em là một chín không ba sáu sáu bảy bảy tám tám chín chín",
     [("ACCOUNT", "một chín không ba sáu sáu bảy bảy tám tám chín chín")]),
    ("Thẻ của chị số 4111 1111 1111 1111 ạ", [("CARD", "4111 1111 1111 1111")]),
    ("email của em là nguyen.hoa@gmail.com", [("EMAIL", "nguyen.hoa@gmail.com")]),
    ("email là hoa chấm nguyen a còng gmail chấm com", [("EMAIL", "hoa chấm nguyen a còng gmail chấm com")]),
    ("Chị tên là Nguyễn Thị Hoa ạ", [("NAME", "Nguyễn Thị Hoa")]),
    ("em ở số 12 đường Lê Lợi, phường Bến Nghé, quận 1 ạ", [("ADDRESS", "số 12 đường Lê Lợi, phường Bến Nghé, quận 1")]),
    ("my number is zero nine one, two three four, double five six seven",
     [("PHONE", "zero nine one, two three four, double five six seven")]),
    ("you can reach me at 212 555 0134", [("PHONE", "212 555 0134")]),
    ("my social security number is 123-45-6789", [("SSN", "123-45-6789")]),
    ("my social is one two three four five six seven eight nine", [("SSN", "one two three four five six seven eight nine")]),
    ("the card number is 5500 0000 0000 0004, expiry next year", [("CARD", "5500 0000 0000 0004")]),
    ("my account number is 00123456789", [("ACCOUNT", "00123456789")]),
    ("it's john dot smith at gmail dot com", [("EMAIL", "john dot smith at gmail dot com")]),
    ("My name is John Smith and I live at 12 Oak Street, Springfield.",
     [("NAME", "John Smith"), ("ADDRESS", "12 Oak Street, Springfield")]),
])
def test_entities_of_both_languages_spoken_and_written(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    "Đơn hàng giao chậm 3 ngày, phí là 2.000.000 đồng ạ.",
    "I was charged 1,500,000 dollars? No, 150 dollars twice on the 12th.",
    "Em là nhân viên tổng đài, một hai ngày nữa chị sẽ nhận được ạ.",
    "order placed on 2024-05-12, three items, two of them broken",
    "Dạ vâng, em xác nhận lại, đúng không ạ?",
])
def test_no_entity_in_ordinary_speech(text):
    assert kinds(text) == []


@pytest.mark.parametrize("text,expected", [
    ("card 4111 1111 1111 1111 12 27", [("CARD", "4111 1111 1111 1111")]),  # the expiry after it is not the card
    ("số 0912345678 0987654321 nhé", [("PHONE", "0912345678"), ("PHONE", "0987654321")]),
    ("số không chín một hai ba bốn năm sáu bảy tám không chín tám bảy sáu năm bốn ba hai một",
     [("PHONE", "không chín một hai ba bốn năm sáu bảy tám"), ("PHONE", "không chín tám bảy sáu năm bốn ba hai một")]),
])
def test_numbers_said_one_after_the_other_are_told_apart(text, expected):
    assert kinds(text) == expected


def test_card_numbers_are_checked_with_luhn():
    assert luhn("4111111111111111") and not luhn("4111111111111112")
    assert classify("4111111111111111") == "CARD"
    assert classify("4111111111111112", frozenset({"CARD"})) != "CARD"  # fails the checksum: not called a card
    assert [e.kind for e in find_entities("card 4111 1111 1111 1112")] != ["CARD"]


def test_spoken_digits_and_groups_are_one_number():
    [run] = digit_runs("số là không chín một, hai ba bốn, năm sáu bảy tám nhé")
    assert run.digits == "0912345678"
    [run] = digit_runs("zero nine one double two three four five six seven")
    assert run.digits == "0912234567"
    assert [r.digits for r in digit_runs("079 203 001 234")] == ["079203001234"]
    assert digit_runs("0912 345 678, không phải số cũ")[0].digits == "0912345678"  # "không" here means "not"
    assert digit_runs("phí 2.000.000 đồng, 3 ngày") == []


def _words(text: str, start: float = 10.0, step: float = 0.5) -> list[Word]:
    return [Word(round(start + k * step, 3), round(start + k * step + 0.4, 3), (" " if k else "") + w, 0.9)
            for k, w in enumerate(text.split())]


def test_word_times_are_kept():
    text = "Dạ số của em là không chín một hai ba bốn năm sáu bảy tám, cảm ơn."
    turn = Turn("customer", 10.0, 20.0, text, _words(text))
    [out], red = redact_turns([turn])
    assert out.text == "Dạ số của em là [PHONE], cảm ơn."
    assert (out.start, out.end) == (10.0, 20.0)
    texts = [w.text.strip() for w in out.words]
    assert texts == ["Dạ", "số", "của", "em", "là", "[PHONE],", "cảm", "ơn."]
    placeholder = out.words[5]
    assert (placeholder.start, placeholder.end) == (12.5, 17.4)  # from "không" to "tám"
    assert out.words[6].start == turn.words[15].start  # the words after it keep theirs
    assert red.counts == {"PHONE": 1} and red.turns == 1
    assert turn.text == text  # the input is not changed


def test_words_that_are_not_the_texts_own_are_redacted_on_their_own():
    turn = Turn("customer", 0.0, 5.0, "my card is [inaudible]", _words("my card is 4111 1111 1111 1111", 0.0))
    [out], _ = redact_turns([turn])
    assert " ".join(w.text.strip() for w in out.words) == "my card is [CARD]"
    assert out.words[-1].end == turn.words[-1].end


def test_phone_numbers_read_before_redaction():
    turns = [Turn("agent", 0, 1, "Anh cho em xin số điện thoại ạ"),
             Turn("customer", 1, 2, "số anh là không chín một hai ba bốn năm sáu bảy tám"),
             Turn("customer", 2, 3, "or call 212 555 0134")]
    assert phone_numbers(turns) == ["+84912345678", "+12125550134"]
    assert phone_numbers(turns, speaker="agent") == []


def _call(text_turns: list[tuple[str, str]], language: str = "vi") -> Transcript:
    turns = [Turn(s, 2.0 * k, 2.0 * k + 1.5, t) for k, (s, t) in enumerate(text_turns)]
    return Transcript(call_id="pii1", language=language, turns=turns, duration=2.0 * len(turns), source="transcript")


PII_TURNS = [
    ("agent", "Cảm ơn chị đã gọi, em có thể giúp gì cho chị ạ?"),
    ("customer", "Chị muốn khoá thẻ, số thẻ là 4111 1111 1111 1111, căn cước 079 203 001 234."),
    ("agent", "Dạ, số điện thoại của chị là không chín một hai ba bốn năm sáu bảy tám đúng không ạ?"),
    ("customer", "Đúng rồi, tài khoản 19036677889900, email hoa.nguyen@example.com, SSN 123-45-6789."),
]


def test_raw_database_file_holds_no_card_number_after_scoring(tmp_path):
    path = tmp_path / "pii.json"
    path.write_text(json.dumps({"call_id": "pii1", "language": "vi", "agent_id": "a1",
                                "turns": [{"speaker": s, "start": 2.0 * k, "end": 2.0 * k + 1.5, "text": t}
                                          for k, (s, t) in enumerate(PII_TURNS)]}, ensure_ascii=False))
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    assert settings.privacy.redact  # on by default
    db = tmp_path / "callqa.duckdb"
    store = Store(str(db))
    store.ingest(Pipeline(settings).process(str(path)))
    raw = db.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("callqa.duckdb*") if p != db)
    for secret in ("4111 1111 1111 1111", "4111111111111111", "079 203 001 234", "19036677889900",
                   "hoa.nguyen@example.com", "123-45-6789", "không chín một hai ba bốn năm sáu bảy tám"):
        assert secret.encode() not in raw, secret
    with store.connect() as con:
        texts = [r[0] for r in con.execute("SELECT text FROM turns WHERE call_id = 'pii1' ORDER BY idx").fetchall()]
        extra = json.loads(con.execute("SELECT extra FROM calls WHERE call_id = 'pii1'").fetchone()[0])
    assert "[CARD]" in texts[1] and "[CCCD]" in texts[1] and "[PHONE]" in texts[2]
    assert extra["privacy"]["entities"]["CARD"] == 1


def test_setting_off_keeps_the_words_as_said():
    off = settings_from_dict({"privacy": {"redact": False}})
    t = _call(PII_TURNS)
    assert redact_transcript(t, off.privacy) is t
    on = redact_transcript(t, Settings().privacy)
    assert "[CARD]" in on.turns[1].text and "4111" in t.turns[1].text
    assert on.extra["privacy"]["entities"] == {"ACCOUNT": 1, "CARD": 1, "CCCD": 1, "EMAIL": 1, "PHONE": 1, "SSN": 1}
    only_cards = settings_from_dict({"privacy": {"entities": ["CARD"]}})
    some = redact_transcript(t, only_cards.privacy)
    assert "[CARD]" in some.turns[1].text and "079 203 001 234" in some.turns[1].text


def test_the_raw_transcript_is_seen_before_redaction():
    seen: list[str] = []
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    pipeline = Pipeline(settings, before_redaction=lambda t: seen.extend(phone_numbers(t.turns)))
    result = pipeline.process(str(SAMPLES / "transcripts" / "vi_request.json"))
    assert seen == ["+84912345678"]
    assert all("0912" not in turn.text for turn in result.transcript.turns)
    assert "0912" not in json.dumps(result.scorecard.to_dict(), ensure_ascii=False)  # evidence quotes redacted text


def test_redaction_keeps_the_sample_calls_scores():
    """Placeholders stand where the numbers and names were: every criterion's status and score and the total are
    those of the words as said, and every piece of evidence points at a turn and time the unredacted call cites
    (a read-back of a redacted address is no longer cited as such: the other evidence still earns the criterion)."""
    for rubric in ("last", "service"):
        cards = {}
        for redact in (False, True):
            settings = settings_from_dict({"sentiment": {"backend": "lexicon"}, "rubric": rubric,
                                           "privacy": {"redact": redact},
                                           "audio": {"allowed_roots": [str(SAMPLES)]}})
            pipeline = Pipeline(settings)
            cards[redact] = {p: pipeline.process(p).scorecard for p in sorted(glob.glob(str(SAMPLES / "transcripts" / "*.json")))}
        for path, plain in cards[False].items():
            red = cards[True][path]
            assert red.total == plain.total, path
            assert [(c.id, c.status, c.score) for c in red.criteria + red.critical] == \
                   [(c.id, c.status, c.score) for c in plain.criteria + plain.critical], path
            for a, b in zip(red.criteria, plain.criteria):
                assert {(e.turn, e.start, e.end, e.kind) for e in a.evidence} <= \
                       {(e.turn, e.start, e.end, e.kind) for e in b.evidence}, (path, a.id)
                assert bool(a.evidence) == bool(b.evidence), (path, a.id)
        unchanged = [p for p in cards[False] if "request" not in p]  # no personal data in the others
        for path in unchanged:
            assert cards[True][path].to_dict() == cards[False][path].to_dict(), path


def test_redact_text_returns_the_spans_of_the_original():
    text, ents = redact_text("call me on 0912 345 678 or at hoa@example.com")
    assert text == "call me on [PHONE] or at [EMAIL]"
    assert [(e.start, e.end) for e in ents] == [(11, 23), (30, 45)]


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_the_pii_test_set_is_well_formed(split):
    rows = [json.loads(line) for line in (ROOT / "eval" / "pii" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["lang"] for r in rows} == {"vi", "en"} and len({r["id"] for r in rows}) == len(rows)
    assert any(not r["entities"] for r in rows)  # utterances with no personal data, for precision
    for r in rows:
        for e in r["entities"]:
            assert r["text"][e["start"]:e["end"]] == e["value"], r["id"]
            assert e["kind"] in ("PHONE", "CCCD", "CARD", "ACCOUNT", "EMAIL", "SSN", "ADDRESS", "NAME")
    styles = {r["style"] for r in rows}
    assert {"words", "word_groups", "groups", "mix"} <= styles  # numbers as speech recognition writes them
