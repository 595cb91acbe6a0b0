"""Text normalisation shared by role detection and rubric matching."""
from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")
# Vietnamese letters common on top of Latin; presence of any marks text as Vietnamese-looking.
_VI_MARKS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def normalize(text: str) -> str:
    """NFC, lower case, punctuation to spaces, single spaces. Keeps Vietnamese diacritics."""
    text = unicodedata.normalize("NFC", text).lower()
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


def strip_diacritics(text: str) -> str:
    """Remove diacritics (Vietnamese tones and vowel marks; đ becomes d)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """`normalize` then `strip_diacritics`: the form phrases are matched in, so that text that lost its
    diacritics (ASR output, typed notes) still matches."""
    return strip_diacritics(normalize(text))


def looks_vietnamese(text: str) -> bool:
    """True when the text carries Vietnamese letters (a cheap per-turn language hint)."""
    lowered = text.lower()
    return sum(ch in _VI_MARKS for ch in lowered) >= max(1, len(lowered.split()) // 6)
