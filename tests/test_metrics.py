"""Conversation metrics from exact turn times."""
import pytest

from scoring.metrics import MetricsOptions, conversation_metrics
from scoring.types import Sentiment
from transcribe.formats import transcript_from_dict


def transcript(turns, duration=None):
    d = {"call_id": "m", "language": "en", "turns": [
        {"speaker": "agent" if w == "a" else "customer", "start": s, "end": e, "text": x} for w, s, e, x in turns]}
    t = transcript_from_dict(d)
    if duration is not None:
        t.duration = duration
    return t


def sent(label, polarity):
    return Sentiment(label, 0.9, polarity, "en", "test")


TURNS = [("a", 1.0, 4.0, "Thank you for calling, this is Anna."),           # 3 s agent
         ("c", 5.0, 11.0, "My order is late and I am upset about it."),     # 6 s customer
         ("a", 10.0, 12.0, "So your order is late?"),                        # interrupts: 1 s overlap
         ("c", 12.5, 13.0, "Yes."),
         ("a", 13.5, 15.0, "Please hold while I check."),
         ("a", 45.0, 48.0, "Thank you for waiting, I will send it today."),  # 30 s hold before
         ("c", 48.5, 50.0, "Great, thank you.")]


def test_metrics_from_exact_times():
    sents = [sent("neutral", 0), sent("negative", -0.8), sent("neutral", 0), sent("neutral", 0),
             sent("neutral", 0), sent("positive", 0.5), sent("positive", 0.9)]
    m = conversation_metrics(transcript(TURNS, duration=52.0), sents, MetricsOptions(hold_min_seconds=20))
    assert m.handling_time == 52.0
    assert m.agent_talk == pytest.approx(3 + 2 + 1.5 + 3)
    assert m.customer_talk == pytest.approx(6 + 0.5 + 1.5)
    assert m.overlap == pytest.approx(1.0)
    speech = 3 + 7 + 0.5 + 1.5 + 3 + 1.5  # union: 1-4, 5-12, 12.5-13, 13.5-15, 45-48, 48.5-50
    assert m.silence_share == pytest.approx((52 - speech) / 52, abs=1e-4)
    assert m.longest_silence == pytest.approx(30.0)
    assert (m.holds, m.hold_time, m.longest_hold) == (1, 30.0, 30.0)
    assert m.hold_spans[0].after_turn == 4
    assert (m.agent_interruptions, m.interruption_turns, m.customer_interruptions) == (1, [2], 0)
    assert m.first_response_latency == 1.0
    assert m.mean_response_latency == pytest.approx((0.0 + 0.5) / 2)
    assert m.talk_ratio == pytest.approx(9.5 / 17.5, abs=1e-4)
    assert m.agent_speech_rate == pytest.approx(60 * (7 + 5 + 5 + 9) / 9.5, abs=0.1)
    assert (m.customer_label_start, m.customer_label_end, m.turned_around) == ("negative", "positive", True)
    assert (m.customer_sentiment_start, m.customer_sentiment_end) == (-0.8, 0.9)


def test_short_overlap_and_backchannels_are_not_interruptions():
    m = conversation_metrics(transcript([("c", 0.0, 5.0, "I need a new card please."),
                                         ("a", 4.8, 6.0, "Of course, right away."),
                                         ("a", 2.0, 3.0, "Uh-huh.")]), [])
    assert m.agent_interruptions == 0
    assert m.customer_label_start is None and m.turned_around is None


def test_empty_and_single_party_calls():
    m = conversation_metrics(transcript([("c", 0.0, 2.0, "Hello?")]), [])
    assert m.talk_ratio == 0.0 and m.first_response_latency is None and m.agent_speech_rate is None
