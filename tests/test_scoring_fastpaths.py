"""The fast paths of scoring give exactly what the plain ones give: token keys computed in bulk
(`key_sequence`) equal those of `tokenize_turn`, positions computed on demand equal its tokens, and one pass
over a rubric's whole phrase set (`PhraseSet.scan`) equals `find` list by list — on seeded random text with
diacritics, decomposed marks, odd punctuation, underscores, digits and non-Latin letters."""
import random
import unicodedata

import pytest

from scoring.phrase_index import PhraseSet, rubric_lists, rubric_phrase_sets
from scoring.phrases import TurnTokens, find, find_in_turn, key_sequence, tokenize_turn
from scoring.rubric import resolve_rubric
from transcribe.text import strip_diacritics
from transcribe.types import Turn, Word

RUBRICS = [resolve_rubric("last"), resolve_rubric("service")]
ODD = ["_", "__x", "a_b", "İstanbul", "ß", "…", "“quoted”", "–", "\u00a0", "\u0301", "\u200b", "\x85", "٣", "²",
       "Ⅻ", "ǅ", "日本", "e\u0301", "ĐƯỢC", "đ", "I'LL", "won't", "12_34", "3pm", "@#!", "\t", "  ", "ﬁ", "Ω"]


def _vocab():
    words = set(ODD)
    for r in RUBRICS:
        for phrases in rubric_lists(r):
            for p in phrases:
                words.update(p.replace("*", " ").split())
    return sorted(words)


def random_texts(n, seed=11):
    rng, vocab = random.Random(seed), _vocab()
    for _ in range(n):
        words = [rng.choice(vocab) for _ in range(rng.randint(0, 16))]
        text = "".join(w + rng.choice([" ", " ", " ", ", ", ". ", "? ", "!", "-", "\n", "..."]) for w in words)
        roll = rng.random()
        if roll < 0.2:
            text = strip_diacritics(text)
        elif roll < 0.3:
            text = unicodedata.normalize("NFD", text)
        elif roll < 0.4:
            text = text.upper()
        yield text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_key_sequence_and_positions_equal_tokenize_turn(seed):
    for text in random_texts(400, seed):
        plain = Turn("agent", 0.0, 1.0, text)
        parts = text.split(" ")
        worded = Turn("agent", 0.0, 1.0, text, words=[Word(k * 0.1, k * 0.1 + 0.1, w) for k, w in enumerate(parts)])
        for turn in (plain, worded):
            ref_text, ref_folded, ref_tokens = tokenize_turn(turn)
            tt = TurnTokens(turn)
            assert (tt.text, tt.folded) == (ref_text, ref_folded), text
            assert tt.key_seq == tuple(t.key for t in ref_tokens), text
            assert tt.tokens == tuple(ref_tokens), text
            assert key_sequence(ref_text) == (ref_folded, tt.key_seq)
            lazy = TurnTokens(turn)  # positions found as far as asked, in any order
            order = list(range(len(ref_tokens)))
            random.Random(len(text)).shuffle(order)
            for k in order:
                assert lazy.span(k) == (ref_tokens[k].start_char, ref_tokens[k].end_char), (text, k)
                assert lazy.word_index(k) == ref_tokens[k].word_index
            assert lazy.tokens == tuple(ref_tokens)


@pytest.mark.parametrize("rubric", RUBRICS, ids=lambda r: r.id)
@pytest.mark.parametrize("customer", [True, False], ids=["customer-set", "other-set"])
def test_one_pass_scan_equals_find_per_list(rubric, customer):
    phrase_set = rubric_phrase_sets(rubric)[0 if customer else 1]
    assert len(phrase_set) == len({id(p) for p in rubric_lists(rubric, customer) if p})
    lists = [p for p in rubric_lists(rubric) if p]  # lists of the other set too: matched alone
    matched = 0
    for text in random_texts(600, seed=len(lists)):
        turn = Turn("agent", 0.0, 1.0, text)
        tt, alone = TurnTokens(turn, phrase_set), TurnTokens(turn)
        for phrases in lists:
            expected = find(tokenize_turn(turn)[2], phrases, tt.folded)
            assert tt.matches(phrases) == expected, (text, phrases[:3])
            matched += bool(expected)
            assert find_in_turn(turn, phrases, lists[0], [], tt=tt) == find_in_turn(turn, phrases, lists[0], [], alone)
    assert matched > 200  # the random text does reach the phrases


def test_lists_outside_the_set_and_gaps():
    phrase_set = PhraseSet([("sorry * repeat", "sorry", "sorry could you"), ("could you",)])
    turn = Turn("agent", 0.0, 1.0, "Sorry, sorry could you please repeat that? Could you?")
    tt = TurnTokens(turn, phrase_set)
    for phrases in [("sorry * repeat", "sorry", "sorry could you"), ("could you",), ("please * that", "you")]:
        assert tt.matches(phrases) == find(tokenize_turn(turn)[2], phrases), phrases
    other = tuple(["could", "you"])[:0] + tuple(["could you"])  # noqa: C409  (equal to a list of the set, not the same object)
    assert phrase_set.slot(other) is None and tt.matches(other) == tt.matches(phrase_set._lists[1])


def test_a_rubrics_two_sets_never_share_a_slot():
    for rubric in RUBRICS:
        heard, said = rubric_phrase_sets(rubric)
        slots = [heard.slot(p) for p in rubric_lists(rubric, True) if p]
        slots += [said.slot(p) for p in rubric_lists(rubric, False) if p]
        assert None not in slots and len(set(slots)) == len(heard) + len(said)


def test_fast_evidence_equals_the_dataclass():
    from dataclasses import FrozenInstanceError, asdict

    from scoring.types import Evidence, evidence

    for args in [(3, 1.5, 2.0, "Sorry", "sorry", "for"), (0, 0.0, 0.0, "", "", "context"), (7, 1.0, 2.0, "x")]:
        fast, plain = evidence(*args), Evidence(*args)
        assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
        assert asdict(fast) == asdict(plain) and type(fast) is Evidence
        with pytest.raises(FrozenInstanceError):
            fast.kind = "against"
