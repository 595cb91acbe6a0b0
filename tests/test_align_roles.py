"""Pure functions: words to turns, word-to-speaker assignment, agent detection."""
from transcribe.align import LabeledWord, assign_speakers, words_to_turns
from transcribe.roles import decide_agent
from transcribe.types import Word


def lw(speaker, start, end, text, p=0.9, ch=None):
    return LabeledWord(speaker, Word(start, end, text, p), ch)


def test_words_group_into_turns_in_time_order():
    words = [lw("customer", 3.0, 3.4, "hi"), lw("agent", 0.0, 0.5, "hello"), lw("agent", 0.6, 1.0, "there"),
             lw("customer", 3.5, 3.9, "again"), lw("agent", 5.0, 5.5, "ok")]
    turns = words_to_turns(words, max_gap=1.5)
    assert [(t.speaker, t.text) for t in turns] == [("agent", "hello there"), ("customer", "hi again"),
                                                   ("agent", "ok")]
    assert [t.start for t in turns] == sorted(t.start for t in turns)
    assert all(t.start <= t.end for t in turns)


def test_long_pause_splits_a_turn_only_if_other_party_spoke():
    words = [lw("agent", 0.0, 0.5, "one"), lw("agent", 5.0, 5.5, "two")]
    assert len(words_to_turns(words, max_gap=1.0)) == 1  # same speaker, nothing between: one turn
    words.insert(1, lw("customer", 2.0, 2.5, "yes"))
    assert [t.speaker for t in words_to_turns(words, max_gap=1.0)] == ["agent", "customer", "agent"]


def test_backchannel_overlap_keeps_both_turns():
    words = [lw("agent", 0.0, 0.5, "let"), lw("agent", 0.6, 1.0, "me"), lw("agent", 1.1, 1.5, "check"),
             lw("customer", 0.7, 0.9, "uh-huh")]
    turns = words_to_turns(words)
    assert [t.speaker for t in turns] == ["agent", "customer"]
    assert turns[0].text == "let me check" and turns[1].start < turns[0].end


def test_low_confidence_turns_are_flagged():
    turns = words_to_turns([lw("agent", 0, 1, "mumble", p=0.2)], low_confidence=0.5)
    assert turns[0].low_confidence and turns[0].confidence == 0.2


def test_assign_speakers_by_overlap_then_nearest():
    words = [Word(0.1, 0.4, "a"), Word(1.2, 1.6, "b"), Word(2.55, 2.6, "c"), Word(9.0, 9.2, "d")]
    segs = [(0.0, 1.0, "S0"), (1.0, 2.5, "S1"), (2.7, 4.0, "S0")]
    assert assign_speakers(words, segs) == ["S0", "S1", "S1", "S0"]
    assert assign_speakers(words, []) == [None] * 4


def test_agent_found_from_greeting_cues_in_both_languages():
    d = decide_agent({"A": ["chào em", "đơn hàng bị trễ"],
                      "B": ["Cảm ơn anh đã gọi đến tổng đài", "em có thể giúp gì cho anh ạ"]}, first_speaker="A")
    assert d.agent == "B" and d.confidence > 0.8
    d = decide_agent({"S0": ["thank you for calling, my name is Linda, how can I help"], "S1": ["my order"]},
                     first_speaker="S0")
    assert d.agent == "S0" and any("thank you for calling" in e for e in d.evidence)


def test_no_cues_falls_back_to_who_opened_with_low_confidence():
    d = decide_agent({"X": ["hello"], "Y": ["hi"]}, first_speaker="Y")
    assert d.agent == "Y" and d.confidence < 0.75
