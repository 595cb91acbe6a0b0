"""More golden cases: the traps a supervisor checks first, in English and Vietnamese, with and without
diacritics — restatement vs bare acknowledgement, interruptions, non-apologies, refusals, holds, critical items."""
import pytest

from scoring.lexicon import lexicon_sentiment
from scoring.rubric import resolve_rubric, score_transcript
from transcribe.formats import transcript_from_dict
from transcribe.text import strip_diacritics

RUBRIC = resolve_rubric("last")


def timed(language, *turns):
    """turns: (who, start, end, text)."""
    return transcript_from_dict({"call_id": "t", "language": language, "turns": [
        {"speaker": "agent" if w == "a" else "customer", "start": s, "end": e, "text": x} for w, s, e, x in turns]})


def seq(language, *turns):
    return timed(language, *[(w, float(i), i + 0.9, x) for i, (w, x) in enumerate(turns)])


def score(t, diacritics=True):
    if not diacritics:
        for turn in t.turns:
            turn.text = strip_diacritics(turn.text)
    return score_transcript(t, [lexicon_sentiment(x, t.language) for x in t.turns], RUBRIC)


def status(card, cid):
    return next(c for c in card.criteria + card.critical if c.id == cid)


TRAPS = [
    ("en bare 'I understand' is not listening", "en",
     [("c", "My parcel arrived damaged."), ("a", "I understand."), ("a", "Okay.")], {"listen": "fail"}),
    ("en restating the customer's words is listening", "en",
     [("c", "My parcel arrived damaged."), ("a", "So I understand your parcel arrived damaged, is that right?")],
     {"listen": "pass"}),
    ("en 'is that right' without the customer's words", "en",
     [("c", "My parcel arrived damaged."), ("a", "Oh, is that right?")], {"listen": "fail"}),
    ("en 'sorry you feel that way' is a non-apology", "en",
     [("c", "This is unacceptable, I am angry."), ("a", "I'm sorry you feel that way.")], {"apologize": "fail"}),
    ("en refused apology", "en",
     [("c", "Your delay is ridiculous."), ("a", "I am not going to apologize for the weather.")],
     {"apologize": "fail"}),
    ("en 'sorry to interrupt' is not an apology for the problem", "en",
     [("c", "My card is broken."), ("a", "Sorry to interrupt, what is your card number?")],
     {"apologize": "fail", "listen": "fail"}),  # (an identity request is not listening: LAST 3.0)
    ("en apology for the inconvenience", "en",
     [("c", "My card is broken."), ("a", "I'm so sorry for the inconvenience.")], {"apologize": "pass"}),
    ("en refusal is not a solution", "en",
     [("c", "I want a refund."), ("a", "I will not refund that order.")], {"solve": "fail"}),
    ("en vague 'I'll try' is not a solution", "en",
     [("c", "My internet is not working."), ("a", "I'll try, call us back tomorrow.")], {"solve": "fail"}),
    ("en agent thanks, customer thanks ignored", "en",
     [("c", "Thank you so much."), ("a", "Bye.")], {"thank": "fail"}),
    ("vi bare 'Dạ, em hiểu' is not listening", "vi",
     [("c", "Hàng giao đến bị vỡ rồi em."), ("a", "Dạ, em hiểu."), ("a", "Vâng ạ.")], {"listen": "fail"}),
    ("vi restating is listening", "vi",
     [("c", "Hàng giao đến bị vỡ rồi em."), ("a", "Dạ em hiểu là hàng giao đến bị vỡ, đúng không ạ?")],
     {"listen": "pass"}),
    ("vi 'xin lỗi, cho em hỏi' is not an apology", "vi",
     [("c", "Chị rất bực mình, thẻ bị khóa rồi."), ("a", "Xin lỗi, cho em hỏi số thẻ của chị là gì ạ?")],
     {"apologize": "fail", "listen": "fail"}),  # (an identity request is not listening: LAST 3.0)
    ("vi refused apology", "vi",
     [("c", "Giao hàng chậm quá, tôi rất thất vọng."), ("a", "Bên em không xin lỗi được vì lỗi do bưu điện.")],
     {"apologize": "fail"}),
    ("vi regret for the problem", "vi",
     [("c", "Giao hàng chậm quá, tôi rất thất vọng."), ("a", "Em rất tiếc về sự chậm trễ này ạ.")],
     {"apologize": "pass"}),
    ("vi refusal is not a solution", "vi",
     [("c", "Tôi muốn hoàn tiền."), ("a", "Dạ, em sẽ không hoàn tiền được cho anh ạ.")], {"solve": "fail"}),
    ("vi bare transfer is not a solution", "vi",
     [("c", "Tôi muốn hoàn tiền."), ("a", "Dạ em sẽ chuyển máy cho anh ạ.")], {"solve": "fail"}),
    ("vi concrete next step with time", "vi",
     [("c", "Tôi muốn hoàn tiền."), ("a", "Dạ em sẽ hoàn tiền cho anh trong hôm nay ạ.")], {"solve": "pass"}),
    ("vi customer thanks do not count", "vi", [("a", "Alô."), ("c", "Cảm ơn em nhiều nhé.")], {"thank": "fail"}),
    ("vi no problem: apologize not applicable", "vi",
     [("c", "Chị muốn hỏi giờ mở cửa."), ("a", "Dạ, chi nhánh mở cửa từ tám giờ ạ. Em cảm ơn chị.")],
     {"apologize": "na", "thank": "pass"}),
]


@pytest.mark.parametrize("name, language, turns, expected", TRAPS, ids=[t[0] for t in TRAPS])
@pytest.mark.parametrize("diacritics", [True, False], ids=["with-diacritics", "without-diacritics"])
def test_traps(name, language, turns, expected, diacritics):
    card = score(seq(language, *turns), diacritics)
    assert {k: status(card, k).status for k in expected} == expected
    for k in expected:  # every decision explains itself
        c = status(card, k)
        assert c.reason
        if c.status == "pass":
            assert any(e.kind == "for" for e in c.evidence)


INTERRUPTING = [("a", 0.0, 2.0, "Thank you for calling, how can I help?"),
                ("c", 2.5, 9.0, "My order has not arrived and I have been waiting for two weeks now."),
                ("a", 4.0, 5.0, "Right, what is your order number?"),
                ("c", 9.5, 14.0, "It is five five one, and nobody told me anything about the delay."),
                ("a", 11.0, 13.0, "So your order has not arrived, is that right?")]


def test_interrupting_twice_fails_listen_despite_restating():
    card = score(timed("en", *INTERRUPTING))
    listen = status(card, "listen")
    assert listen.status == "fail" and "interrupts_customer" in listen.reason
    assert [e.turn for e in listen.evidence if e.kind == "against"] == [2, 4]
    assert card.metrics.agent_interruptions == 2


def test_one_interruption_is_evidence_against_but_not_a_fail():
    card = score(timed("en", *INTERRUPTING[:3], ("c", 9.5, 14.0, "It is five five one."),
                       ("a", 14.5, 16.0, "So your order has not arrived, is that right?")))
    listen = status(card, "listen")
    assert listen.status == "pass" and [e.turn for e in listen.evidence if e.kind == "against"] == [2]


def test_backchannel_overlap_is_not_an_interruption():
    card = score(timed("vi", ("c", 0.0, 6.0, "Đơn hàng của tôi giao chậm ba ngày rồi."),
                       ("a", 2.0, 2.6, "Dạ vâng."), ("a", 6.5, 9.0, "Dạ em hiểu là đơn hàng giao chậm ạ.")))
    assert card.metrics.agent_interruptions == 0 and status(card, "listen").status == "pass"


@pytest.mark.parametrize("diacritics", [True, False])
def test_long_hold_makes_apologize_applicable(diacritics):
    turns = [("a", 0.0, 3.0, "Dạ em chào chị, em có thể giúp gì cho chị ạ?"),
             ("c", 3.5, 6.0, "Chị muốn đổi địa chỉ giao hàng."),
             ("a", 6.5, 8.0, "Dạ chị chờ em một chút để em kiểm tra ạ."),
             ("a", 98.0, 102.0, "Dạ em đã cập nhật xong địa chỉ. Em cảm ơn chị.")]
    card = score(timed("vi", *turns), diacritics)
    apologize = status(card, "apologize")
    assert apologize.status == "fail" and any("hold" in e.phrase for e in apologize.evidence)
    turns[3] = ("a", 98.0, 102.0, "Dạ em xin lỗi đã để chị chờ lâu, em đã cập nhật xong. Em cảm ơn chị.")
    assert status(score(timed("vi", *turns), diacritics), "apologize").status == "pass"


@pytest.mark.parametrize("text, language", [("Shut up and listen, you idiot.", "en"),
                                            ("Chị im đi, đồ ngu.", "vi"), ("Chi im di, do ngu.", "vi")])
def test_abusive_language_fails_the_whole_call(text, language):
    card = score(seq(language, ("c", "My order is late, I am upset."), ("a", text),
                     ("a", "I am sorry, I will send it today. Thank you for calling.")))
    abuse = status(card, "abusive_language")
    assert abuse.status == "fail" and abuse.critical
    assert card.total == 0.0 and card.service_level == 1 and "critical_failure:abusive_language" in card.flags
    assert status(card, "apologize").status == "pass"  # the other criteria still show what happened


def test_no_stupid_question_is_not_abuse():
    card = score(seq("en", ("c", "Sorry, this may be a stupid question."),
                     ("a", "There is no stupid question. I will explain it now. Thank you for asking.")))
    assert status(card, "abusive_language").status == "pass" and not any("critical" in f for f in card.flags)


def test_escalation_flags_and_service_level():
    card = score(seq("en", ("c", "This is ridiculous, I want to speak to a manager."),
                     ("a", "I'm sorry. I will escalate this to my supervisor today. Thank you for calling.")))
    assert "escalation:requested" in card.flags and "escalation:performed" in card.flags
    assert card.total is not None and card.service_level == RUBRIC.level_for(card.total).level


def test_customer_end_sentiment_is_shown_on_solve():
    card = score(seq("en", ("c", "My card is broken."), ("a", "I have sent a new card today."),
                     ("c", "Great, thank you so much, that is perfect.")))
    solve = status(card, "solve")
    assert solve.status == "pass"
    assert any(e.kind == "context" and "customer ends positive" in e.phrase for e in solve.evidence)
