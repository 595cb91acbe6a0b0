"""Phrase matching over word tokens, blind to case, punctuation and missing Vietnamese diacritics.

Text that carries diacritics is matched with them ("lỗi" never matches "lời"); text that lost them
(ASR without marks, typed notes) is matched against the phrases with their diacritics removed. A phrase is a sequence of words; `*` stands for a gap of 0-3 words ("xin lỗi * nói lại"). Matches map
back to the original text and, when the turn has recognised words, to their times.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Sequence

from transcribe.text import fold, normalize
from transcribe.types import Turn

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_GAP = 3


class Token(NamedTuple):  # NamedTuple, not a dataclass: created for every word of every turn
    key: str
    start_char: int
    end_char: int
    word_index: int | None


class Match(NamedTuple):
    phrase: str
    first: int  # token index
    last: int   # token index, inclusive


@lru_cache(maxsize=65536)
def compile_phrase(phrase: str, folded: bool = False) -> tuple[str, ...]:
    """Word sequence of a phrase (normalised, or folded without diacritics); '*' kept as the gap marker."""
    parts = []
    for raw in phrase.split():
        if raw == "*":
            parts.append("*")
        else:
            parts.extend(_TOKEN.findall(fold(raw) if folded else normalize(raw)))
    return tuple(parts)


@lru_cache(maxsize=262144)
def _key(word: str, folded: bool) -> str:
    return fold(word) if folded else normalize(word)


def _is_folded(words: Sequence[str]) -> bool:
    """True when no word carries diacritics (the text is then matched against folded phrases)."""
    return all(w.isascii() or _key(w, True) == _key(w, False) for w in words)


def _keys(text: str) -> tuple[bool, list[tuple[str, int, int]]]:
    """(folded?, [(key, start, end)]): keys keep diacritics unless the text has none at all."""
    found = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    folded = text.isascii() or _is_folded([w for w, _, _ in found])
    return folded, [(_key(w, folded), a, b) for w, a, b in found]


@dataclass(frozen=True)
class TurnTokens:
    """A turn tokenized once: the text the tokens index into, whether keys are folded, the tokens."""

    text: str
    folded: bool
    tokens: tuple[Token, ...]
    keys: frozenset[str] = frozenset()  # every token key: a phrase list whose first words are absent is skipped
    key_seq: tuple[str, ...] = ()


def tokenize_turn(turn: Turn) -> tuple[str, bool, list[Token]]:
    """The text the tokens index into, whether keys are folded, and the tokens (with the recognised word
    each came from, when the turn has words)."""
    if not turn.words:
        folded, keys = _keys(turn.text)
        return turn.text, folded, [Token(k, a, b, None) for k, a, b in keys]
    text = " ".join(w.text for w in turn.words)
    folded = text.isascii() or _is_folded(_TOKEN.findall(text))
    tokens, pos = [], 0
    for wi, w in enumerate(turn.words):
        for m in _TOKEN.finditer(w.text):
            tokens.append(Token(_key(m.group(), folded), pos + m.start(), pos + m.end(), wi))
        pos += len(w.text) + 1
    return text, folded, tokens


def turn_tokens(turn: Turn) -> TurnTokens:
    text, folded, tokens = tokenize_turn(turn)
    seq = tuple(t.key for t in tokens)
    return TurnTokens(text, folded, tuple(tokens), frozenset(seq), seq)


_FLAT: dict[int, tuple[dict, tuple[str, ...]]] = {}


def flatten(lists: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """All languages' phrases of a {language: phrases} mapping in one tuple, memoised per (long-lived,
    rubric-owned) mapping, so the tuple's identity is stable and `find`'s index cache hits."""
    hit = _FLAT.get(id(lists))
    if hit is None or hit[0] is not lists:
        hit = _FLAT[id(lists)] = (lists, tuple(p for lang in sorted(lists) for p in lists[lang]))
    return hit[1]


def _match_at(tokens: Sequence[Token], pattern: tuple[str, ...], i: int, p: int) -> int | None:
    """Index of the last token matched when `pattern[p:]` matches from token `i`, else None."""
    if p == len(pattern):
        return i - 1
    if pattern[p] == "*":
        for skip in range(MAX_GAP + 1):
            end = _match_at(tokens, pattern, i + skip, p + 1)
            if end is not None:
                return end
        return None
    if i < len(tokens) and tokens[i].key == pattern[p]:
        return _match_at(tokens, pattern, i + 1, p + 1)
    return None


@lru_cache(maxsize=65536)
def _usable(phrase: str, folded: bool) -> bool:
    """Without diacritics a single Vietnamese syllable is too ambiguous ("ổn" would match English "on"),
    so text that lacks diacritics is only matched against multi-word forms of such phrases."""
    if not folded:
        return True
    plain = compile_phrase(phrase, True)
    return len(plain) > 1 or plain == compile_phrase(phrase, False)


_Index = dict[str, list[tuple[tuple[str, ...], str]]]
_BY_IDENTITY: dict[tuple[int, bool], tuple[tuple[str, ...], _Index]] = {}


def _index(phrases: tuple[str, ...], folded: bool) -> _Index:
    """`_build_index`, memoised by the identity of the (immutable) phrase tuple: a rubric's phrase lists
    are looked up for every turn, and hashing a long tuple each time would cost more than the matching."""
    entry = _BY_IDENTITY.get((id(phrases), folded))
    if entry is not None and entry[0] is phrases:
        return entry[1]
    index = _build_index(phrases, folded)
    if len(_BY_IDENTITY) > 4096:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[(id(phrases), folded)] = (phrases, index)  # holding `phrases` keeps its id unique
    return index


@lru_cache(maxsize=4096)
def _build_index(phrases: tuple[str, ...], folded: bool) -> _Index:
    """Phrases by their first word, longest first: matching tries only the phrases that can start at a token."""
    index: _Index = {}
    for phrase in phrases:
        pattern = compile_phrase(phrase, folded)
        if pattern and pattern[0] != "*" and _usable(phrase, folded):
            index.setdefault(pattern[0], []).append((pattern, phrase))
    for entries in index.values():
        entries.sort(key=lambda x: -len(x[0]))
    return index


def find(tokens: Sequence[Token], phrases: Sequence[str], folded: bool = False,
         keys: tuple[str, ...] | None = None) -> list[Match]:
    """All non-overlapping matches of `phrases`, left to right (longest phrase first at each position).
    `keys` (the tokens' keys, when the caller has them) speeds up phrases without gaps."""
    index = _index(phrases if isinstance(phrases, tuple) else tuple(phrases), folded)
    if keys is None:
        keys = tuple(t.key for t in tokens)
    found: list[Match] = []
    free = 0  # first token not inside an earlier match
    for i, key in enumerate(keys):
        if i < free:
            continue
        for pattern, phrase in index.get(key, ()):
            n = len(pattern)
            if "*" not in pattern:
                last = i + n - 1 if keys[i:i + n] == pattern else None
            else:
                last = _match_at(tokens, pattern, i, 0)
            if last is not None:
                found.append(Match(phrase, i, last))
                free = last + 1
                break
    return found


def find_in_turn(turn: Turn, phrases: Sequence[str], exclude: Sequence[str] = (),
                 refused: list[tuple[Match, str, float, float]] | None = None,
                 tt: TurnTokens | None = None) -> list[tuple[Match, str, float, float]]:
    """Matches of `phrases` in a turn that do not overlap a match of `exclude`.

    Returns (match, original text, start, end); times come from the matched words when the turn has them.
    Phrase matches masked by an exclusion are appended to `refused` (with the exclusion's text) when given.
    """
    if not phrases:
        return []
    if tt is not None:
        phrases = phrases if isinstance(phrases, tuple) else tuple(phrases)
        if _index(phrases, tt.folded).keys().isdisjoint(tt.keys):
            return []
        exclude = exclude if isinstance(exclude, tuple) else tuple(exclude)
    text, folded, tokens = (tt.text, tt.folded, tt.tokens) if tt is not None else tokenize_turn(turn)

    def located(m: Match) -> tuple[Match, str, float, float]:
        first, last = tokens[m.first], tokens[m.last]
        start, end = turn.start, turn.end
        if first.word_index is not None and last.word_index is not None:
            start, end = turn.words[first.word_index].start, turn.words[last.word_index].end
        return m, text[first.start_char:last.end_char], start, end

    seq = tt.key_seq if tt is not None else None
    blockers = find(tokens, exclude, folded, seq) if exclude else []
    out = []
    for m in find(tokens, phrases, folded, seq):
        hit = next((b for b in blockers if b.first <= m.last and m.first <= b.last), None)
        if hit is None:
            out.append(located(m))
        elif refused is not None:
            refused.append(located(Match(hit.phrase, min(hit.first, m.first), max(hit.last, m.last))))
    return out
