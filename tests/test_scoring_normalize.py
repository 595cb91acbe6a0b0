"""The word normaliser (scoring.normalize) and tolerant matching (scoring.tolerant)."""
import random
import unicodedata

import pytest

from scoring.normalize import normalize_keys, retone, word_key
from scoring.phrase_index import PhraseSet
from scoring.phrases import TurnTokens, compile_phrase, find, tokenize_turn
from scoring.tolerant import TOLERANT_MIN_WORDS, near_match
from transcribe.types import Turn


def keys(text):
    return TurnTokens(Turn("agent", 0, 1, text)).key_seq


@pytest.mark.parametrize("old, new", [("khoá", "khóa"), ("hoà", "hòa"), ("thuỷ", "thủy"), ("xoè", "xòe"),
                                      ("toả", "tỏa"), ("hoạ", "họa")])
def test_tone_placement_old_and_new_give_one_key(old, new):
    assert retone(old) == retone(new) == new


@pytest.mark.parametrize("word", ["quý", "hoàn", "toán", "khuya", "thuyền", "hello"])
def test_retone_leaves_other_syllables_alone(word):
    assert retone(word) == word


def test_nfd_text_gives_the_same_keys_as_nfc():
    text = "Em đã khóa thẻ của chị rồi ạ"
    assert keys(unicodedata.normalize("NFD", text)) == keys(text)
    assert word_key(unicodedata.normalize("NFD", "Khóa")) == "khóa"


@pytest.mark.parametrize("text, expected", [
    ("what's your name", ("what", "is", "your", "name")),
    ("what s your name", ("what", "is", "your", "name")),
    ("whats your name", ("what", "is", "your", "name")),
    ("I've reset it", ("i", "have", "reset", "it")),
    ("I don't know", ("i", "do", "not", "know")),
    ("we can't, we cannot", ("we", "can", "not", "we", "can", "not")),
    ("you'll get it", ("you", "will", "get", "it")),
    ("the customer's card", ("the", "customer", "s", "card")),  # a possessive is not "is"
])
def test_contractions_expanded(text, expected):
    assert keys(text) == expected


def test_fillers_dropped_in_text_and_phrases_alike():
    assert keys("uh thank um you") == ("thank", "you")
    assert keys("ờ em cảm ơn chị à") == ("em", "cảm", "ơn", "chị")
    assert compile_phrase("uh thank you") == ("thank", "you")


def test_keys_map_back_to_the_original_words():
    tt = TurnTokens(Turn("agent", 0, 1, "Uh, I've checked: don't worry."))
    assert tt.key_seq == ("i", "have", "checked", "do", "not", "worry")
    assert [tt.text[slice(*tt.span(i))] for i in range(len(tt.key_seq))] == ["I", "ve", "checked", "don", "t", "worry"]
    assert [t.key for t in tokenize_turn(tt.turn)[2]] == list(tt.key_seq)


def test_normalize_keys_reports_no_change_cheaply():
    assert normalize_keys(("plain", "words")) == (("plain", "words"), None)


# ---------------------------------------------------------------- tolerant matching

PHRASES = ("i understand your frustration", "thank you", "sorry")


@pytest.mark.parametrize("text, hit", [
    ("I understand your frustration", (0, 3)),
    ("I really understand your frustration", (0, 4)),       # one word inserted inside
    ("I understood your frustration", (0, 3)),              # one word misrecognised
    ("eye understand your frustration", (0, 3)),            # the first word misrecognised
    ("so i understand your deep frustration today", (1, 5)),
    ("i understand frustration", (0, 2)),                  # one word dropped
    ("understand your frustration", (0, 2)),               # the first word dropped
])
def test_long_phrase_matches_with_one_word_inserted_or_substituted(text, hit):
    tt = TurnTokens(Turn("agent", 0, 1, text), PhraseSet([PHRASES]))
    found = tt.found[0]
    assert (found[0].phrase, found[0].first, found[0].last) == ("i understand your frustration",) + hit


@pytest.mark.parametrize("text", ["you understood our frustrations", "i understand your", "i frustration",
                                  "thank for", "than you"])
def test_two_errors_or_short_phrases_do_not_match(text):
    tt = TurnTokens(Turn("agent", 0, 1, text), PhraseSet([PHRASES]))
    assert not tt.found


def test_near_match_rules():
    p = ("a1", "b2", "c3", "d4")
    assert TOLERANT_MIN_WORDS == 4
    assert near_match(("a1", "b2", "c3", "d4"), 0, p) == 3
    assert near_match(("a1", "xx", "c3", "d4"), 0, p) == 3
    assert near_match(("a1", "b2", "xx", "c3", "d4"), 0, p) == 4
    assert near_match(("xx", "a1", "b2", "c3", "d4"), 0, p) is None  # not before the first word
    assert near_match(("a1", "xx", "yy", "d4"), 0, p) is None


def test_one_pass_scan_with_tolerance_equals_find_per_list():
    rng = random.Random(7)
    lists = [("i understand your frustration", "so sorry about the delay"), ("thank you for your patience",),
             ("let me check that for you", "one moment please")]
    vocab = sorted({w for ps in lists for p in ps for w in p.split()} | {"uh", "really", "the", "my", "x"})
    ps = PhraseSet(lists)
    for _ in range(400):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(3, 14)))
        tt = TurnTokens(Turn("agent", 0, 1, text), ps)
        for phrases in lists:
            assert tt.matches(phrases) == find(tokenize_turn(tt.turn)[2], phrases, True), (text, phrases)
