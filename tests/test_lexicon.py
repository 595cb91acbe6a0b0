"""Lexicon sentiment (the offline fallback) and label normalisation."""
import pytest

from scoring.lexicon import lexicon_sentiment
from scoring.sentiment import SentimentScorer, SentimentSettings, normalize_label
from transcribe.types import Turn


@pytest.mark.parametrize("text, label", [
    ("I am really angry, this is unacceptable.", "negative"),
    ("Great, thank you so much for your help!", "positive"),
    ("It is four five seven two one.", "neutral"),
    ("This is not good.", "negative"),
    ("Not bad at all.", "positive"),
    ("Tốt quá, cảm ơn em nhiều.", "positive"),
    ("Tôi rất bực mình, dịch vụ quá tệ.", "negative"),
    ("Chị không hài lòng.", "negative"),
    ("Toi khong hai long.", "negative"),          # without diacritics
    ("Mã đơn hàng là bốn năm bảy.", "neutral"),
    ("I waited on hold for an hour.", "negative"),  # 'on' must not match Vietnamese 'ổn'
])
def test_lexicon_labels(text, label):
    s = lexicon_sentiment(Turn("customer", 0, 1, text), "en")
    assert s.label == label
    assert -1 <= s.polarity <= 1 and 0 < s.score <= 1


@pytest.mark.parametrize("raw, n, expected", [("NEG", 3, "negative"), ("Positive", 3, "positive"),
                                              ("neutral", 3, "neutral"), ("LABEL_0", 3, "negative"),
                                              ("LABEL_1", 2, "positive"), ("4 stars", 5, "positive"),
                                              ("1 star", 5, "negative")])
def test_normalize_label(raw, n, expected):
    assert normalize_label(raw, None, n) == expected


def test_unknown_label_is_an_error():
    with pytest.raises(ValueError, match="cannot map"):
        normalize_label("sarcasm")


def test_lexicon_backend_is_recorded():
    scorer = SentimentScorer(SentimentSettings(backend="lexicon"))
    out = scorer.score([Turn("customer", 0, 1, "terrible"), Turn("customer", 1, 2, "Dịch vụ tệ quá")], "en")
    assert [s.language for s in out] == ["en", "vi"]
    assert scorer.describe()["en"]["backend"].startswith("callqa-lexicon")
    assert "sentiment.backend is lexicon" in scorer.describe()["vi"]["reason"]
