"""LAST 3.0 signals: each with cases that must pass and look-alikes that must not, in English and Vietnamese.

The conversations are written for these tests (none comes from an evaluation set)."""
import unicodedata

import pytest

from scoring.lexicon import lexicon_sentiment
from scoring.rubric import resolve_rubric, score_transcript
from transcribe.formats import transcript_from_dict
from transcribe.text import strip_diacritics

RUBRIC = resolve_rubric("last")


def call(language, *turns, gaps=None):
    """turns: ("a"|"c", text); one second per turn unless `gaps` {turn index: seconds of silence before it}."""
    out, t = [], 0.0
    for i, (who, text) in enumerate(turns):
        t += (gaps or {}).get(i, 0.1)
        out.append({"speaker": "agent" if who == "a" else "customer", "start": t, "end": t + 0.9, "text": text})
        t += 0.9
    return transcript_from_dict({"call_id": "s", "language": language, "turns": out})


def card(t):
    return score_transcript(t, [lexicon_sentiment(x, t.language) for x in t.turns], RUBRIC)


def result(t, criterion):
    return next(c for c in card(t).criteria if c.id == criterion)


def status(criterion, language, *turns, **kw):
    return result(call(language, *turns, **kw), criterion).status


# ---------------------------------------------------------------- Solve

def test_solve_answer_with_the_requested_information_passes():
    assert status("solve", "en", ("a", "Hello, thank you for calling."), ("c", "What time does the branch open on Saturday?"),
                  ("a", "On Saturday we open at 9 am and close at 1 pm."), ("c", "Perfect, that's all I needed.")) == "pass"
    assert status("solve", "vi", ("a", "Dạ ngân hàng xin nghe."), ("c", "Cho chị hỏi số dư tài khoản."),
                  ("a", "Dạ số dư hiện tại của chị là 4 triệu 200 nghìn đồng ạ."), ("c", "Ok cảm ơn em.")) == "pass"


def test_solve_completion_by_tense_not_by_verb_list():
    # verbs that appear in no phrase list: the perfect/passive shape carries them
    assert status("solve", "en", ("c", "My card was stolen."), ("a", "I have frozen the card and a new one has been "
                                                                   "dispatched to your home address.")) == "pass"
    assert status("solve", "en", ("c", "Can you move my appointment?"), ("a", "Sure. Your appointment is confirmed "
                                                                         "for Tuesday.")) == "pass"
    assert status("solve", "vi", ("c", "Em ơi chị quên mật khẩu."), ("a", "Dạ em đã gửi mật khẩu tạm qua tin nhắn "
                                                                      "cho chị rồi ạ.")) == "pass"


def test_solve_negated_or_questioned_completion_is_not_an_outcome():
    assert status("solve", "en", ("c", "My parcel never arrived."), ("a", "Has it been delivered to a neighbour?"),
                  ("c", "No."), ("a", "Is there anything else?")) == "fail"
    assert status("solve", "vi", ("c", "Đơn của chị chưa tới."), ("a", "Dạ bên em chưa xử lý xong đơn của chị ạ.")) \
        == "fail"


def test_solve_deflections_stay_fails_even_when_warmly_worded():
    assert status("solve", "en", ("c", "I was charged twice for my order."),
                  ("a", "So sorry about that! Please DM us your order number and we will take a look.")) == "fail"
    assert status("solve", "en", ("c", "My fridge is broken."), ("a", "I'm sorry, you will need to contact the store "
                                                                      "where you bought it.")) == "fail"
    assert status("solve", "vi", ("c", "Máy giặt nhà chị bị hỏng."), ("a", "Dạ chị vui lòng liên hệ cửa hàng nơi "
                                                                        "mua máy giúp em ạ.")) == "fail"


def test_solve_details_collected_then_anything_else_is_a_fail():
    assert status("solve", "en", ("c", "My internet is down."), ("a", "May I have your account number?"),
                  ("c", "It is 12345."), ("a", "Thank you. Is there anything else I can help with?")) == "fail"


def test_solve_a_thank_you_for_contacting_us_is_no_deflection():
    assert status("solve", "vi", ("c", "Cho anh đổi địa chỉ giao hàng."), ("a", "Dạ em đã cập nhật địa chỉ mới cho "
                                                                             "anh rồi ạ."),
                  ("c", "Cảm ơn em."), ("a", "Dạ em cảm ơn anh đã liên hệ ạ.")) == "pass"


def test_solve_the_matter_raised_again_without_an_outcome_fails():
    assert status("solve", "vi", ("c", "Đơn của chị hẹn giao hôm qua mà không thấy."),
                  ("a", "Dạ em sẽ báo lại bộ phận liên quan ạ."), ("c", "Vậy chừng nào giao em?"),
                  ("a", "Dạ cái này em không nắm được, chị chờ thông báo giúp em.")) == "fail"


def test_solve_owned_commitment_passes_and_a_hedge_does_not():
    assert status("solve", "en", ("c", "The refund is missing."), ("a", "I will send the refund to your card today, "
                                                                        "you will see it within two days.")) == "pass"
    assert status("solve", "en", ("c", "The refund is missing."), ("a", "We will be happy to help, let us know.")) \
        == "fail"


# ---------------------------------------------------------------- Listen

def test_listen_read_back_of_the_customers_details_without_a_cue():
    r = result(call("en", ("a", "Hi, how can I help?"), ("c", "I want to change my delivery address to 12 Oak Street."),
                    ("a", "Change the delivery address to 12 Oak Street, right?"), ("c", "Yes.")), "listen")
    assert r.status == "pass" and {e.turn for e in r.evidence if e.kind == "for"} == {2}
    assert status("listen", "vi", ("c", "Chị bị trừ phí thường niên hai lần."),
                  ("a", "Dạ chị bị trừ phí thường niên hai lần đúng hông chị?")) == "pass"


def test_listen_clarifying_question_about_the_customers_matter():
    assert status("listen", "en", ("c", "My laptop screen keeps flickering."),
                  ("a", "Does the screen flicker on battery or only when the laptop is plugged in?")) == "pass"


def test_listen_greetings_generic_questions_and_identity_requests_are_not_listening():
    assert status("listen", "en", ("a", "Hello, how can I help you today?"), ("c", "My card is blocked."),
                  ("a", "Can you repeat the reason for your call?"), ("c", "My card is blocked."),
                  ("a", "May I have your full name?")) == "fail"
    assert status("listen", "vi", ("a", "Dạ em có thể giúp gì cho chị?"), ("c", "Thẻ của chị bị khóa."),
                  ("a", "Dạ chị cho em xin số điện thoại ạ.")) == "fail"


def test_listen_never_credited_before_the_customer_spoke():
    r = result(call("en", ("a", "Your order 55123 for the blue lamp, is that right?"), ("c", "Hello?")), "listen")
    assert r.status == "fail"


def test_listen_prefers_the_restatement_over_an_identity_request_as_evidence():
    r = result(call("vi", ("c", "Chị muốn đổi số điện thoại đăng ký sang số mới."),
                    ("a", "Dạ chị cho em xin số căn cước."), ("c", "079 123 456."),
                    ("a", "Dạ chị muốn đổi số điện thoại đăng ký sang số mới đúng không ạ?")), "listen")
    assert r.status == "pass" and {e.turn for e in r.evidence if e.kind == "for"} == {3}


def test_listen_contractions_match_however_they_are_written():
    for text in ("Just to confirm, what's the order number?", "just to confirm what s the order number",
                 "Just to confirm, whats the order number?"):
        t = call("en", ("c", "My order is late."), ("a", text))
        assert result(t, "listen").status == "pass", text


# ---------------------------------------------------------------- Apologize

def test_apologize_no_thank_you_is_not_a_complaint():
    assert status("apologize", "en", ("c", "What are your opening hours?"), ("a", "We open at nine."),
                  ("c", "No, thank you.")) == "na"


def test_apologize_problems_found_without_sentiment():
    # a lost card, a forgotten password, a wrong charge: no angry words, still a problem
    assert status("apologize", "en", ("c", "I lost my card this morning."), ("a", "I have blocked it.")) == "fail"
    assert status("apologize", "vi", ("c", "Anh quên mật khẩu rồi."), ("a", "Dạ em gửi mật khẩu tạm ạ.")) == "fail"
    assert status("apologize", "vi", ("c", "Chị bị trừ tiền hai lần."), ("a", "Dạ em kiểm tra ạ.")) == "fail"


def test_apologize_a_genuine_apology_shows_a_problem_existed():
    assert status("apologize", "en", ("c", "Can I check my balance?"), ("a", "I'm sorry for the long wait, your "
                                                                         "balance is 300 dollars.")) == "pass"


def test_apologize_repeat_requests_are_not_apologies():
    assert status("apologize", "vi", ("c", "Thẻ của chị bị nuốt ở cây ATM."),
                  ("a", "Xin lỗi, chị đọc lại số thẻ giúp em.")) == "fail"
    assert status("apologize", "vi", ("c", "Thẻ của chị bị nuốt ở cây ATM."),
                  ("a", "Xin lỗi chị, em nghe không rõ.")) == "fail"
    assert status("apologize", "en", ("c", "My card was declined."), ("a", "Sorry, I didn't get that.")) == "fail"


def test_apologize_long_wait_across_a_bridging_turn_counts_in_true_time():
    t = call("en", ("c", "I need my balance."), ("a", "One second please."), ("a", "Still checking."),
             ("a", "Your balance is 20 dollars."), gaps={2: 40.0, 3: 40.0})
    assert result(t, "apologize").status == "fail"  # 80 s on hold, bridged by "still checking": an apology was due


def test_apologize_folded_vietnamese_call_still_sees_the_problem():
    t = call("vi", ("c", "Chị bị mất ví, trong đó có thẻ."), ("a", "Dạ em khóa thẻ ngay cho chị."))
    for turn in t.turns:
        turn.text = strip_diacritics(turn.text)
    assert result(t, "apologize").status == "fail"


# ---------------------------------------------------------------- Thank

@pytest.mark.parametrize("text", ["Thank you for calling.", "uh thank um you for calling", "Thanks a lot!",
                                  "Em cảm ơn chị.", "ờ em cảm ơn chị", "Em cam on chi."])
def test_thank_survives_fillers_and_lost_diacritics(text):
    assert status("thank", "vi" if "ch" in text else "en", ("c", "Hi."), ("a", text)) == "pass"


@pytest.mark.parametrize("turns", [
    [("c", "Thank you so much."), ("a", "You're welcome.")],
    [("c", "Thanks."), ("a", "No problem.")],
    [("c", "Thanks for nothing."), ("a", "Okay.")],
    [("c", "Hi."), ("a", "Thanks for nothing, we are closed.")],
])
def test_thank_customer_thanks_and_look_alikes_never_count(turns):
    assert status("thank", "en", *turns) == "fail"


# ---------------------------------------------------------------- matching

def test_old_and_new_tone_placement_and_decomposed_unicode_match_alike():
    texts = ["Dạ em đã khóa thẻ cho chị rồi ạ.", "Dạ em đã khoá thẻ cho chị rồi ạ.",
             unicodedata.normalize("NFD", "Dạ em đã khóa thẻ cho chị rồi ạ.")]
    reasons = {result(call("vi", ("c", "Chị bị mất thẻ."), ("a", x)), "solve").status for x in texts}
    assert reasons == {"pass"}


def test_evidence_keeps_the_original_words():
    r = result(call("vi", ("c", "Chị bị mất thẻ."), ("a", "Dạ em thành thật, ờ, xin lỗi chị ạ.")), "apologize")
    assert r.status == "pass"
    r = result(call("en", ("c", "My card is broken."), ("a", "I uh understand your total frustration.")), "apologize")
    assert r.status == "pass" and any("total frustration" in e.text for e in r.evidence if e.kind == "for")


def test_phrase_split_across_two_turns_of_one_speaker():
    t = call("en", ("c", "My order is late."), ("a", "I am so"), ("a", "sorry about the delay."))
    assert result(t, "apologize").status == "pass"


def test_exclusions_are_never_matched_tolerantly():
    # "không? Em xin lỗi" is one word away from the exclusion "không cần xin lỗi": the apology still counts
    assert status("apologize", "vi", ("c", "Tôi rất bực mình."), ("a", "Chị nói lại được không? Em xin lỗi chị.")) \
        == "pass"


def test_a_commitment_before_a_tag_question_is_an_outcome():
    assert status("solve", "vi", ("c", "Tôi bị trừ tiền hai lần."),
                  ("a", "Dạ em sẽ hoàn tiền trong hôm nay, anh bị trừ hai lần đúng không ạ?")) == "pass"


def test_a_hope_or_a_condition_is_no_outcome():
    assert status("solve", "en", ("c", "My account is locked."), ("a", "I hope everything is sorted soon!")) == "fail"
    assert status("solve", "en", ("c", "My account is locked."), ("a", "If it has been locked, reset it online.")) \
        == "fail"
    assert status("solve", "en", ("c", "My account is locked."), ("a", "I have unlocked your account.")) == "pass"


# ---------------------------------------------------------------- Listen: details given when asked

def test_listen_outcome_repeating_details_given_when_asked_is_a_read_back():
    # the payee was given four turns earlier, in answer to the agent's question: repeating it confirms it
    r = result(call("en", ("a", "how can i help you today"), ("c", "i would like to pay a bill"),
                    ("a", "what is the company name"), ("c", "northwind water"), ("a", "what is the amount"),
                    ("c", "forty dollars"), ("a", "and the account"), ("c", "my checking account"),
                    ("a", "we will send your payment to northwind water"), ("c", "thanks")), "listen")
    assert r.status == "pass" and [e.turn for e in r.evidence if e.kind == "for"][-1] == 8


def test_listen_outcome_repeating_only_the_request_is_not_a_read_back():
    # "reset … password" is what the customer asked for (answering "how can I help"), not a detail they gave
    assert status("listen", "en", ("a", "how can i help you today"), ("c", "hi i'd like to reset my password"),
                  ("a", "your password reset link has been sent to your phone"), ("c", "ok")) == "fail"


def test_listen_echo_of_the_customer_detail_and_read_back_before_anything_else():
    r = result(call("en", ("a", "where should the money go"), ("c", "savings please"), ("a", "savings"),
                    ("c", "yes")), "listen")
    assert r.status == "pass" and [e.turn for e in r.evidence if e.kind == "for"] == [2]
    # "anything else" after a read-back leaves the read-back standing, also with a filler and its comma
    assert status("listen", "en", ("a", "hello how can i help"), ("c", "move two hundred dollars to my savings"),
                  ("a", "okay two hundred dollars has been moved to your savings uh, is there anything else")) == "pass"


def test_listen_generic_question_alone_is_not_listening():
    assert status("listen", "en", ("c", "hi i need help with my account"),
                  ("a", "sure how can i help you with your account today"), ("c", "it is locked")) == "fail"


# ---------------------------------------------------------------- robust matching under recognition errors

def test_dropped_words_keep_long_phrases_and_completions():
    assert status("thank", "en", ("c", "that's all"), ("a", "you for calling have a great day")) == "pass"
    assert status("thank", "vi", ("c", "vậy thôi em"), ("a", "dạ khả ơn anh đã gọi ạ")) == "pass"
    assert status("thank", "vi", ("c", "anh làm ơn kiểm tra giúp"), ("a", "dạ anh làm ơn chờ em chút")) == "fail"
    assert status("solve", "en", ("c", "please move fifty dollars to checking"),
                  ("a", "fifty dollars been transferred to your checking")) == "pass"
    assert status("apologize", "vi", ("c", "sao giao hàng chậm thế"),
                  ("a", "dạ em lỗi anh vì đã để anh chờ lâu ạ")) == "pass"


def test_repeat_requests_of_any_verb_are_not_apologies_but_sorry_to_hear_is():
    problem = ("c", "my card was charged twice and i am upset")
    assert status("apologize", "en", problem, ("a", "sorry, can you spell your last name for me")) == "fail"
    assert status("apologize", "en", problem, ("a", "sorry, you're breaking up a little")) == "fail"
    assert status("apologize", "en", problem, ("a", "i'm sorry to hear you were charged twice")) == "pass"
    vi_problem = ("c", "chị bị trừ tiền hai lần, chị rất bực")
    assert status("apologize", "vi", vi_problem, ("a", "xin lỗi chị đọc lại số thẻ giúp em được không")) == "fail"
    assert status("apologize", "vi", vi_problem, ("a", "xin lỗi, chị đánh vần tên giúp em")) == "fail"
    assert status("apologize", "vi", vi_problem, ("a", "dạ em xin lỗi chị vì sự bất tiện này")) == "pass"


# ---------------------------------------------------------------- written calls by a second author: general shapes

def test_a_follow_up_question_that_gets_an_answer_leaves_the_outcome_standing():
    assert status("solve", "en", ("c", "my order is late"), ("a", "it's due thursday by 8 pm, tracking is 1Z 555 2210"),
                  ("c", "can they leave it with the neighbour?"),
                  ("a", "you can set that on the carrier page with that tracking number")) == "pass"
    # a follow-up that gets nothing back still leaves the matter open
    assert status("solve", "en", ("c", "my order is late"), ("a", "it's due thursday by 8 pm, tracking is 1Z 555 2210"),
                  ("c", "why is it so late? this is ridiculous"), ("a", "okay")) == "fail"


def test_an_outcome_clause_stands_beside_a_next_step_elsewhere():
    assert status("solve", "vi", ("c", "thẻ của chị bị máy ATM nuốt rồi"),
                  ("a", "em đã khóa tạm thẻ để an toàn, chị mang căn cước ra chi nhánh để nhận lại thẻ ạ")) == "pass"
    assert status("solve", "vi", ("c", "hóa đơn nước tăng gấp bốn lần"),
                  ("a", "cái đó anh ra văn phòng chi nhánh làm đơn khiếu nại")) == "fail"


def test_a_farewell_after_the_customer_gives_up_is_no_answer():
    assert status("solve", "vi", ("c", "app báo lỗi hoài không check-in được"),
                  ("a", "dạ anh thử lại sau xem sao ạ"), ("c", "thôi được"),
                  ("a", "dạ em cảm ơn anh đã liên hệ, chúc anh chuyến bay vui vẻ")) == "fail"


def test_answers_and_refusals_in_the_customers_words_are_not_read_backs():
    assert status("listen", "vi", ("c", "cho anh hỏi chiều thứ bảy có làm việc không em"),
                  ("a", "dạ chiều thứ bảy với chủ nhật thì nghỉ ạ")) == "fail"
    assert status("listen", "vi", ("c", "giấy chứng nhận bảo hiểm thì anh để ở nhà rồi"),
                  ("a", "dạ không có giấy chứng nhận bảo hiểm thì em không tra được ạ")) == "fail"


def test_spelled_codes_and_alternatives_are_listening():
    assert status("listen", "en", ("c", "it's q as in queen, 7, t, r, 4, x"), ("a", "q7tr4x, okay, i see the booking")) \
        == "pass"
    assert status("listen", "vi", ("c", "anh check-in online mà nó cứ báo error hoài"),
                  ("a", "dạ lỗi hiện ra ở bước chọn ghế hay ở bước upload passport vậy anh?")) == "pass"
    assert status("listen", "en", ("c", "i want to check on the status of my refund"),
                  ("a", "sure, would you give me your full name or account id?")) == "fail"


def test_spellings_and_wordings_a_phrase_list_would_miss():
    late = ("c", "i paid on time and still got a late fee")
    assert status("apologize", "en", late, ("a", "we don't apologise for policy, the fee stays")) == "fail"
    assert status("apologize", "en", late, ("a", "i do apologise, that should not have happened")) == "pass"
    assert status("thank", "en", ("c", "ok"), ("a", "appreciate you hanging on, you're booked on the 6:05")) == "pass"
    assert status("solve", "en", ("c", "i need my proof of insurance"), ("a", "i've just emailed it over to you")) \
        == "pass"
    assert status("listen", "en", ("c", "email is j dot morales at mailbox dot com"),
                  ("a", "let me read that back to you")) == "pass"


def test_without_diacritics_or_punctuation_shapes_still_hold():
    # "Sài Gòn" without diacritics is not "sai" (wrong); "mật khẩu" is not "mất" (lost)
    assert status("apologize", "vi", ("c", "chi muon dat ve sai gon di ha noi"), ("a", "da em dat ve cho chi roi a")) \
        == "na"
    assert status("apologize", "vi", ("c", "anh muon doi mat khau ung dung"), ("a", "da em gui ma doi mat khau roi a")) \
        == "na"
    # an "X hay Y" choice without the question mark is still a clarifying question
    assert status("listen", "vi", ("c", "mạng nhà chị mấy bữa nay chậm lắm coi phim cứ quay hoài"),
                  ("a", "dạ chị bị chậm khi cắm dây mạng hay chỉ chậm khi dùng wifi thôi ạ")) == "pass"
