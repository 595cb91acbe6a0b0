"""The searchable form of a turn's text, stored beside it (`turns.search_text`): lower case, without diacritics
(Vietnamese "Đơn hàng giao chậm" and "don hang giao cham" are the same words), in Unicode NFC or NFD alike,
punctuation dropped, the words separated by one space with a space at each end — so a search for the words
" giao cham " is a plain substring test that matches whole words only (`contains(search_text, ?)`, no
regular expression, no extension: DuckDB's own full-text extension is not installable offline)."""
from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "fold_query", "words_of"]

_WORD = re.compile(r"\w+")
_MAP = str.maketrans({"đ": "d", "Đ": "d", "_": " "})
MAX_QUERY_WORDS = 12


def words_of(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_MAP).lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(unicodedata.normalize("NFC", bare))


def fold(text: str | None) -> str:
    """The stored search form of `text`: " w1 w2 ... " (one space at each end; " " when it has no words)."""
    words = words_of(text or "")
    return " " + " ".join(words) + " " if words else " "


def fold_query(query: str) -> str | None:
    """The substring to look for when someone searches `query` (its first MAX_QUERY_WORDS words, as a phrase),
    or None when it has no words."""
    words = words_of(query)[:MAX_QUERY_WORDS]
    return " " + " ".join(words) + " " if words else None
