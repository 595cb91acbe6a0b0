"""Content words: which words of a turn carry its matter (the customer's problem, the agent's read-back), in
both languages. Function words and single letters have no content key; the rest are folded and crudely stemmed.
Shared by `scoring.signals` (what a sentence is about) and `scoring.rules` (restatements)."""
from __future__ import annotations

import re
from functools import lru_cache

from scoring.phrases import WordMemo
from transcribe.text import fold

# Function words that do not make a restatement. Text with diacritics is checked against the words as
# written ("số" is content, English "so" is not); text without them against the folded forms.
_STOP_EN = ["a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "from", "by", "is", "are", "was", "were", "be", "been", "am", "i", "you", "your", "my", "me", "we", "our", "it", "its", "this", "that", "these", "those", "there", "here", "what", "which", "who", "when", "how", "do", "does", "did", "have", "has", "had", "not", "no", "yes", "can", "could", "will", "would", "should", "may", "might", "just", "really", "very", "please", "about", "as", "if", "then", "than", "into", "out", "up", "down", "all", "any", "some", "only", "also", "still", "now", "today", "again", "too", "much", "many", "one", "more", "okay", "ok", "oh", "well", "hi", "hello", "thank", "thanks", "sorry", "right", "correct",
            # wanting, helping and pronouns frame a request; they are not its matter
            "like", "want", "wanna", "need", "help", "let", "us", "they", "them", "their", "he", "she", "him", "her",
            "his", "yeah", "sure", "alright", "gonna", "bye", "goodbye", "welcome"]
_STOP_VI = ["em", "anh", "chị", "tôi", "mình", "bạn", "quý", "khách", "ạ", "dạ", "vâng", "à", "ừ", "thì", "là", "mà", "và", "với", "của", "cho", "được", "không", "có", "đã", "đang", "sẽ", "rồi", "vẫn", "chưa", "này", "kia", "đó", "đấy", "nhé", "nha", "ơi", "vậy", "nên", "vì", "để", "khi", "nào", "gì", "ai", "đâu", "sao", "thế", "như", "rất", "quá", "lắm", "cũng", "còn", "nữa", "đi", "lại", "ra", "vào", "một", "những", "các", "cái", "con", "người", "bị", "hiểu", "đúng", "phải", "xác", "nhận",
           "muốn", "cần", "giúp", "nhờ", "họ", "cảm", "cám", "ơn", "chào", "tạm", "biệt"]
STOPWORDS = frozenset(_STOP_EN + _STOP_VI)
STOPWORDS_FOLDED = frozenset(fold(w) for w in STOPWORDS)
_SUFFIXES = ("ing", "ed", "es", "e", "s")
_DIGITS = re.compile(r"^\d+$")


@lru_cache(maxsize=131072)
def content_key(key: str, folded: bool) -> str | None:
    """A word's content key (folded, crudely stemmed), or None for function words and single letters.
    `folded`: the text carries no diacritics, so stop words are looked up without them."""
    word = fold(key)
    if (word in STOPWORDS_FOLDED if folded else key in STOPWORDS) or (len(word) < 2 and not _DIGITS.match(word)):
        return None
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_CONTENT = {False: WordMemo(lambda key: content_key(key, False)), True: WordMemo(lambda key: content_key(key, True))}
