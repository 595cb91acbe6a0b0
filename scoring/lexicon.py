"""Rule-based sentiment for Vietnamese and English: the fallback when no transformers model is available.

Word and phrase lists with negation ("not good", "không hài lòng") and intensifiers ("very", "rất",
"quá"). Matching follows `scoring.phrases`: with diacritics when the text has them.
"""
from __future__ import annotations

import math

from scoring.phrases import Token, find, tokenize_turn
from scoring.types import Sentiment
from transcribe.types import Turn

LEXICON_VERSION = "callqa-lexicon-1"

POSITIVE = {
    "en": ["good", "great", "excellent", "perfect", "wonderful", "amazing", "awesome", "happy", "glad", "pleased",
           "satisfied", "helpful", "thank you", "thanks", "appreciate", "love", "nice", "easy", "fast", "quick",
           "resolved", "works for me", "that works", "fantastic", "brilliant", "well done", "recommend", "polite",
           "friendly", "kind", "fine", "okay", "ok", "sure", "of course", "welcome", "fixed", "on time", "smooth"],
    "vi": ["tốt", "tốt quá", "tuyệt", "tuyệt vời", "hài lòng", "vui", "vui vẻ", "cảm ơn", "cám ơn", "nhanh",
           "nhiệt tình", "chu đáo", "dễ", "dễ dàng", "ổn", "được rồi", "vậy thì được", "ok", "thích", "hay",
           "đẹp", "xuất sắc", "tận tình", "lịch sự", "thân thiện", "yên tâm", "hài lòng", "hữu ích", "giỏi",
           "chuyên nghiệp", "tuyệt quá", "rất tốt", "đúng hẹn"],
}
NEGATIVE = {
    "en": ["bad", "terrible", "awful", "horrible", "worst", "angry", "upset", "frustrated", "frustrating",
           "annoyed", "furious", "disappointed", "disappointing", "unacceptable", "ridiculous", "rude", "useless",
           "slow", "late", "delay", "delayed", "broken", "damaged", "wrong", "problem", "issue", "complaint",
           "never", "waste", "hate", "poor", "fail", "failed", "error", "charged twice", "not arrived",
           "thanks for nothing", "unhappy", "waited", "still waiting", "on hold for", "sucks", "lost", "missing", "cancel", "refund", "stuck"],
    "vi": ["tệ", "tệ quá", "quá tệ", "kém", "bực", "bực mình", "tức", "tức giận", "thất vọng", "khó chịu",
           "chán", "chậm", "chậm trễ", "trễ", "sai", "hỏng", "lỗi", "bị lỗi", "vấn đề", "khiếu nại", "phàn nàn",
           "không chấp nhận được", "thô lỗ", "vô trách nhiệm", "lừa đảo", "mất", "hủy", "tồi", "dở", "kém cỏi",
           "không hài lòng", "chưa nhận được", "vẫn chưa", "phiền", "bất tiện", "chờ lâu", "trừ tiền hai lần"],
}
NEGATORS = {"en": ["not", "no", "never", "don't", "didn't", "isn't", "wasn't", "aren't", "won't", "can't",
                   "cannot", "hardly"],
            "vi": ["không", "chẳng", "chả", "chưa", "đừng", "không hề", "chưa hề"]}
INTENSIFIERS = {"en": ["very", "really", "so", "extremely", "totally", "completely", "absolutely", "too"],
                "vi": ["rất", "quá", "lắm", "cực kỳ", "vô cùng", "thật sự", "hết sức"]}

_ALL = {name: tuple(p for lang in ("en", "vi") for p in table[lang])
        for name, table in (("pos", POSITIVE), ("neg", NEGATIVE), ("not", NEGATORS), ("int", INTENSIFIERS))}


def _polarity_sum(tokens: list[Token], folded: bool) -> float:
    pos, neg = find(tokens, _ALL["pos"], folded), find(tokens, _ALL["neg"], folded)
    negators = {m.last for m in find(tokens, _ALL["not"], folded)}
    boosts = {m.last for m in find(tokens, _ALL["int"], folded)}
    total = 0.0
    taken: set[int] = set()
    signed = [(1.0, m) for m in pos] + [(-1.0, m) for m in neg]
    for sign, m in sorted(signed, key=lambda x: (x[1].first - x[1].last, x[1].first)):  # longest first
        span = set(range(m.first, m.last + 1))
        if span & taken:  # a longer phrase already covers these words ("không hài lòng" over "hài lòng")
            continue
        taken |= span
        value = sign
        window = range(max(0, m.first - 3), m.first)
        if any(i in negators for i in window) and not any(t in span for t in negators):
            value = -value * 0.8
        if any(i in boosts for i in window):
            value *= 1.5
        total += value
    return total


def lexicon_sentiment(turn: Turn, language: str) -> Sentiment:
    """Sentiment of one turn from the word lists. `score` is a calibrated-looking confidence, not a probability
    estimated from data; the lexicon's measured accuracy is in docs/benchmarks.md."""
    _, folded, tokens = tokenize_turn(turn)
    s = _polarity_sum(tokens, folded)
    polarity = math.tanh(s / 2.0)
    if s > 0:
        label = "positive"
    elif s < 0:
        label = "negative"
    else:
        label = "neutral"
    score = 0.6 if s == 0 else min(0.95, 0.55 + 0.2 * abs(s))
    return Sentiment(label=label, score=round(score, 3), polarity=round(polarity, 3), language=language,
                     backend=LEXICON_VERSION)
