"""Phrase matching over word tokens, blind to case, punctuation and missing Vietnamese diacritics.

Text that carries diacritics is matched with them ("lỗi" never matches "lời"); text that lost them
(ASR without marks, typed notes) is matched against the phrases with their diacritics removed. A phrase is
a sequence of words; `*` stands for a gap of 0-3 words ("xin lỗi * nói lại"). Matches map back to the
original text and, when the turn has recognised words, to their times.

Scoring tokenizes each turn once (`TurnTokens`: keys in bulk with C-level string operations, positions only
when a match is shown) and finds every phrase list of the rubric in one pass (`scoring.phrase_index`);
`find` and `tokenize_turn` are the plain definitions the fast paths are tested against.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple

from scoring.normalize import normalize_keys, word_key
from scoring.tolerant import TolerantIndex, build_tolerant, merge_tolerant, tolerant_matches
from transcribe.text import fold
from transcribe.types import Turn

if TYPE_CHECKING:  # pragma: no cover
    from scoring.phrase_index import PhraseSet

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


# how keys are matched: False (with diacritics), True (folded: without diacritics), VI_FOLDED (folded text of a
# call known to be Vietnamese)
MatchMode = bool | int


@lru_cache(maxsize=65536)
def compile_phrase(phrase: str, folded: MatchMode = False) -> tuple[str, ...]:
    """Word sequence of a phrase (normalised, or folded without diacritics); '*' kept as the gap marker."""
    parts: list[str] = []
    run: list[str] = []
    folded = bool(folded)
    for raw in phrase.split():
        if raw == "*":
            parts.extend(normalize_keys(run)[0])
            parts.append("*")
            run = []
        else:
            run.extend(_key(w, folded) for w in _TOKEN.findall(unicodedata.normalize("NFC", raw)))
    parts.extend(normalize_keys(run)[0])
    return tuple(parts)


@lru_cache(maxsize=262144)
def _key(word: str, folded: bool) -> str:
    return fold(word) if folded else word_key(word)


def _is_folded(words: Sequence[str]) -> bool:
    """True when no word carries diacritics (the text is then matched against folded phrases)."""
    return all(w.isascii() or _key(w, True) == _key(w, False) for w in words)


def _keys(text: str) -> tuple[bool, list[tuple[str, int, int]]]:
    """(folded?, [(key, start, end)]): keys keep diacritics unless the text has none at all."""
    found = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    folded = text.isascii() or _is_folded([w for w, _, _ in found])
    return folded, [(_key(w, folded), a, b) for w, a, b in found]


def nfc(text: str) -> str:
    """`text` in Unicode NFC (decomposed Vietnamese letters composed), unchanged when it already is."""
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _with_words(turn: Turn) -> tuple[str, list[str]]:
    """(the text tokens index into: the turn's text, or its recognised words joined by one space, in NFC;
    the recognised words in NFC)."""
    if not turn.words:
        return nfc(turn.text), []
    texts = [nfc(w.text) for w in turn.words]
    return " ".join(texts), texts


def tokenize_turn(turn: Turn) -> tuple[str, bool, list[Token]]:
    """The text the tokens index into, whether keys are folded, and the tokens (with the recognised word
    each came from, when the turn has words). Keys are canonical (`scoring.normalize`): fillers dropped,
    contractions expanded (several keys may share one word's span)."""
    text, texts = _with_words(turn)
    raw: list[tuple[str, int, int, int | None]]  # (key, start, end, recognised word)
    if not turn.words:
        folded, found = _keys(text)
        raw = [(k, a, b, None) for k, a, b in found]
    else:
        folded = text.isascii() or _is_folded(_TOKEN.findall(text))
        raw, pos = [], 0
        for wi, w in enumerate(texts):
            for m in _TOKEN.finditer(w):
                raw.append((_key(m.group(), folded), pos + m.start(), pos + m.end(), wi))
            pos += len(w) + 1
    keys, src = normalize_keys([r[0] for r in raw])
    order = src if src is not None else range(len(raw))
    return text, folded, [Token(k, raw[j][1], raw[j][2], raw[j][3]) for k, j in zip(keys, order)]


class WordMemo(dict):
    """word -> fn(word), computed on first use. `memo[word]` (and `map(memo.__getitem__, words)`) looks a known
    word up at plain-dict speed, several times faster than an `lru_cache`; past `limit` words it starts over."""

    def __init__(self, fn: Callable[[str], Any], limit: int = 262144) -> None:
        super().__init__()
        self.fn, self.limit = fn, limit

    def __missing__(self, word: str) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.fn(word)
        return value


_FOLDED = WordMemo(fold)
_FORMS = WordMemo(lambda word: (word_key(word), fold(word)))  # (key with diacritics, folded key) of a word


def folded_key(word: str) -> str:
    """`fold` of a word or key (memoised)."""
    return _FOLDED[word]


# ASCII bytes that are not word characters (\w: letters, digits, "_") become spaces; other bytes stay
_SPACE_OUT = bytes(c if c >= 128 or chr(c).isalnum() or c == ord("_") else 32 for c in range(256))


def _words(text: str) -> list[str]:
    """`_TOKEN.findall(text)`, faster: ASCII separators become spaces in one C pass and the text is split on
    whitespace; when a piece still holds a non-word character (non-ASCII punctuation, "_"), the regex decides."""
    pieces = text.encode().translate(_SPACE_OUT).decode().split()
    return pieces if all(map(str.isalnum, pieces)) else _TOKEN.findall(text)


def key_sequence(text: str) -> tuple[bool, tuple[str, ...]]:
    """(folded?, token keys) of a text: exactly the keys `tokenize_turn` gives, without their positions."""
    if text.isascii() and "_" not in text:  # ("_" is a word character that `normalize` turns into a space)
        return True, normalize_keys(text.lower().encode().translate(_SPACE_OUT).decode().split())[0]
    folded, keys = _keys_of(_words(nfc(text)))
    return folded, normalize_keys(keys)[0]


def _keys_of(words: list[str]) -> tuple[bool, tuple[str, ...]]:
    """(folded?, keys) of a text's words: folded keys when no word carries diacritics."""
    if not words:
        return True, ()
    plain, folded = zip(*map(_FORMS.__getitem__, words))  # two tuples: keys with diacritics, folded keys
    return (True, folded) if plain == folded else (False, plain)


class TurnTokens:
    """A turn tokenized once: the text the tokens index into, whether keys are folded, the token keys in
    order (`key_seq`) and, computed on first use only, where each token is (`span`, `tokens`).
    With a `phrase_set` (the rubric's phrase lists, `scoring.phrase_index`) one pass over the turn finds the
    matches of every list of the set at once: `found` maps a list's slot to its matches."""

    __slots__ = ("turn", "text", "folded", "key_seq", "phrase_set", "found", "_words", "_in", "_spans", "_word_of",
                 "_src", "_texts", "mode")

    def __init__(self, turn: Turn, phrase_set: PhraseSet | None = None, vi_call: bool = False) -> None:
        self.turn = turn
        text = turn.text if not turn.words else " ".join([w.text for w in turn.words])
        self._texts: list[str] | None = None  # the recognised words in NFC (when the turn has words)
        if text.isascii() and "_" not in text:  # (`key_sequence`, inline) the keys are the words of `_in`
            self._in: str = text.lower()  # same length and offsets as `text`
            self.folded, keys = True, tuple(self._in.encode().translate(_SPACE_OUT).decode().split())
            self._words: Sequence[str] = keys
        else:
            text, texts = _with_words(turn)
            self._texts = texts or None
            self._in, self._words = text, _words(text)
            self.folded, keys = _keys_of(self._words)
        self.text = text
        # canonical keys; `_src[k]`: the word key k came from (None: key k is word k)
        self.key_seq, self._src = normalize_keys(keys)
        self.phrase_set = phrase_set
        # matching mode: False (with diacritics), True (folded), VI_FOLDED (folded text of a Vietnamese call: single
        # Vietnamese syllables are matched too, the call being known to be Vietnamese)
        self.mode: MatchMode = VI_FOLDED if vi_call and self.folded else self.folded
        self.found: dict[int, list[Match]] = {} if phrase_set is None else phrase_set.scan(self.key_seq, self.mode)
        self._spans: list[tuple[int, int]] | None = None
        self._word_of: list[int] | None = None  # where each recognised word starts in `text`

    def _locate_tokens(self, upto: int | None = None) -> list[tuple[int, int]]:
        """Word spans, at least up to word `upto` (all when None): each word is found after the previous one
        (between two words there are only non-word characters, so the next occurrence of a word is that word)."""
        spans = self._spans
        if spans is None:
            spans = self._spans = []
        pos, find = spans[-1][1] if spans else 0, self._in.find
        for word in self._words[len(spans):None if upto is None else upto + 1]:
            start = find(word, pos)
            pos = start + len(word)
            spans.append((start, pos))
        return spans

    def span(self, i: int) -> tuple[int, int]:
        """Character span of token `i` in `text` (the span of the word it came from)."""
        src = self._src
        if src is not None:
            i = src[i]
        spans = self._spans
        if spans is None or i >= len(spans):
            spans = self._locate_tokens(i)
        return spans[i]

    def word_index(self, i: int) -> int | None:
        """The recognised word token `i` came from (None when the turn has no words)."""
        words = self.turn.words
        if not words:
            return None
        if self._word_of is None:  # where each recognised word starts in `text` (they are joined by one space)
            lengths = [len(w) for w in self._texts] if self._texts else [len(w.text) for w in words]
            self._word_of = list(accumulate([n + 1 for n in lengths], initial=0))
        return bisect_right(self._word_of, self.span(i)[0]) - 1

    @property
    def tokens(self) -> tuple[Token, ...]:
        """The tokens with their character span in `text` and the recognised word each came from."""
        return tuple(Token(k, *self.span(i), self.word_index(i)) for i, k in enumerate(self.key_seq))

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.key_seq)

    def matches(self, phrases: tuple[str, ...]) -> list[Match]:
        """`find` of `phrases` in this turn: from the turn's one-pass scan when `phrases` is a list of the
        phrase set, else by matching that list alone."""
        ps = self.phrase_set
        slot = ps.slot(phrases) if ps is not None else None
        if slot is None:
            return find((), phrases, self.mode, self.key_seq)
        return self.found.get(slot, _NO_MATCHES)


_NO_MATCHES: list[Match] = []


def turn_tokens(turn: Turn, phrase_set: PhraseSet | None = None) -> TurnTokens:
    """The turn's `TurnTokens` (see there)."""
    return TurnTokens(turn, phrase_set)


_FLAT: dict[int, tuple[dict, tuple[str, ...]]] = {}


def flatten(lists: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """All languages' phrases of a {language: phrases} mapping in one tuple, memoised per (long-lived,
    rubric-owned) mapping, so the tuple's identity is stable and `find`'s index cache hits."""
    hit = _FLAT.get(id(lists))
    if hit is None or hit[0] is not lists:
        hit = _FLAT[id(lists)] = (lists, tuple(p for lang in sorted(lists) for p in lists[lang]))
    return hit[1]


def _match_at(keys: Sequence[str], pattern: tuple[str, ...], i: int, p: int) -> int | None:
    """Index of the last token matched when `pattern[p:]` matches the token keys from token `i`, else None."""
    if p == len(pattern):
        return i - 1
    if pattern[p] == "*":
        for skip in range(MAX_GAP + 1):
            end = _match_at(keys, pattern, i + skip, p + 1)
            if end is not None:
                return end
        return None
    if i < len(keys) and keys[i] == pattern[p]:
        return _match_at(keys, pattern, i + 1, p + 1)
    return None


VI_FOLDED = 2  # the matching mode of folded text in a call known to be Vietnamese
# folded syllables that are another, common word too ("chờ"/"cho", "đợi"/"đổi", "lỗi"/"lời", "hỏng"/dialect "hông",
# "sai"/"Sài Gòn", "mất"/"mật khẩu", "khóa"/"khoa"): never matched alone
VI_FOLDED_AMBIGUOUS = frozenset(["cho", "doi", "loi", "co", "da", "la", "ma", "on", "em", "anh", "chi", "di", "den", "ve", "ra", "vao", "lam", "hong", "sai", "mat", "khoa"])


@lru_cache(maxsize=65536)
def _usable(phrase: str, folded: MatchMode) -> bool:
    """Without diacritics a single Vietnamese syllable is too ambiguous ("ổn" would match English "on"),
    so text that lacks diacritics is only matched against multi-word forms of such phrases."""
    if not folded:
        return True
    plain = compile_phrase(phrase, True)
    if folded == VI_FOLDED:  # a Vietnamese call: single syllables too, unless they fold onto a common word
        return not (len(plain) == 1 and plain[0] in VI_FOLDED_AMBIGUOUS)
    return len(plain) > 1 or (plain == compile_phrase(phrase, False) and plain[0] not in VI_FOLDED_AMBIGUOUS)


_Index = dict[str, list[tuple[tuple[str, ...], str]]]
_BY_IDENTITY: dict[tuple[int, MatchMode], tuple[tuple[str, ...], _Index]] = {}


def _by_identity(cache: dict[tuple[int, MatchMode], tuple[tuple[str, ...], Any]], build: Callable[..., Any],
                 phrases: tuple[str, ...], folded: MatchMode) -> Any:
    """`build(phrases, folded)`, memoised in `cache` by the identity of the (immutable) phrase tuple: a rubric's
    phrase lists are looked up for every turn, and hashing a long tuple each time would cost more than the
    matching."""
    entry = cache.get((id(phrases), folded))
    if entry is not None and entry[0] is phrases:
        return entry[1]
    built = build(phrases, folded)
    if len(cache) > 4096:
        cache.clear()
    cache[(id(phrases), folded)] = (phrases, built)  # holding `phrases` keeps its id unique
    return built


def _index(phrases: tuple[str, ...], folded: MatchMode) -> _Index:
    """`_build_index`, memoised by the identity of the phrase tuple."""
    return _by_identity(_BY_IDENTITY, _build_index, phrases, folded)


@lru_cache(maxsize=4096)
def _build_index(phrases: tuple[str, ...], folded: MatchMode) -> _Index:
    """Phrases by their first word, longest first: matching tries only the phrases that can start at a token."""
    index: _Index = {}
    for phrase in phrases:
        pattern = compile_phrase(phrase, folded)
        if pattern and pattern[0] != "*" and _usable(phrase, folded):
            index.setdefault(pattern[0], []).append((pattern, phrase))
    for entries in index.values():
        entries.sort(key=lambda x: -len(x[0]))
    return index


EXACT_LISTS: set[tuple[str, ...]] = set()  # phrase lists never matched tolerantly (exclusions: look-alikes)


def keep_exact(phrases: tuple[str, ...]) -> None:
    """Match `phrases` exactly only: an exclusion with a word changed ("không cần xin lỗi" -> "không em xin lỗi")
    is no longer the look-alike it names."""
    if phrases and phrases not in EXACT_LISTS:
        EXACT_LISTS.add(phrases)
        _tolerant_index.cache_clear()
        _TOLERANT_BY_IDENTITY.clear()


@lru_cache(maxsize=4096)
def _tolerant_index(phrases: tuple[str, ...], folded: MatchMode) -> TolerantIndex:
    """The tolerant index (`scoring.tolerant`) of one phrase list (empty for `EXACT_LISTS`)."""
    if phrases in EXACT_LISTS:
        return {}
    return build_tolerant([(0, compile_phrase(p, folded), p) for p in phrases if _usable(p, folded)])


_TOLERANT_BY_IDENTITY: dict[tuple[int, MatchMode], tuple[tuple[str, ...], TolerantIndex]] = {}


def _tolerant_by_identity(phrases: tuple[str, ...], folded: MatchMode) -> TolerantIndex:
    """`_tolerant_index`, memoised by the identity of the phrase tuple (as `_index`)."""
    return _by_identity(_TOLERANT_BY_IDENTITY, _tolerant_index, phrases, folded)


def find(tokens: Sequence[Token], phrases: Sequence[str], folded: MatchMode = False,
         keys: tuple[str, ...] | None = None) -> list[Match]:
    """All non-overlapping matches of `phrases`, left to right (longest phrase first at each position).
    `keys` (the tokens' keys, when the caller has them) stands in for `tokens`."""
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
                last = _match_at(keys, pattern, i, 0)
            if last is not None:
                found.append(Match(phrase, i, last))
                free = last + 1
                break
    tolerant = _tolerant_by_identity(phrases if isinstance(phrases, tuple) else tuple(phrases), folded)
    if tolerant:
        near = tolerant_matches(keys, tolerant)
        if near:
            found = [Match(*m) for m in merge_tolerant(found, near[0])]
    return found


def unexcluded(tt: TurnTokens, phrases: tuple[str, ...], exclude: tuple[str, ...]) -> list[Match]:
    """The matches of `phrases` in a turn that do not overlap a match of `exclude` (not located)."""
    found = tt.matches(phrases) if phrases else _NO_MATCHES
    if not found or not exclude:
        return found
    blockers = tt.matches(exclude)
    if not blockers:
        return found
    return [m for m in found if not any(b.first <= m.last and m.first <= b.last for b in blockers)]


def find_in_turn(turn: Turn, phrases: Sequence[str], exclude: Sequence[str] = (),
                 refused: list[tuple[Match, str, float, float]] | None = None,
                 tt: TurnTokens | None = None) -> list[tuple[Match, str, float, float]]:
    """Matches of `phrases` in a turn that do not overlap a match of `exclude`.

    Returns (match, original text, start, end); times come from the matched words when the turn has them.
    Phrase matches masked by an exclusion are appended to `refused` (with the exclusion's text) when given.
    `tt`: the turn's tokens, when the caller has them.
    """
    if not phrases:
        return []
    if tt is None:
        tt = TurnTokens(turn)
    found = tt.matches(phrases if isinstance(phrases, tuple) else tuple(phrases))
    if not found:
        return []
    blockers = tt.matches(exclude if isinstance(exclude, tuple) else tuple(exclude)) if exclude else _NO_MATCHES
    out = []
    for m in found:
        hit = next((b for b in blockers if b.first <= m.last and m.first <= b.last), None) if blockers else None
        if hit is None:
            out.append(locate(turn, tt, m))
        elif refused is not None:
            refused.append(locate(turn, tt, Match(hit.phrase, min(hit.first, m.first), max(hit.last, m.last))))
    return out


def locate(turn: Turn, tt: TurnTokens, m: Match) -> tuple[Match, str, float, float]:
    """(match, the matched original text, start, end): times from the matched words when the turn has them."""
    text = tt.text[tt.span(m.first)[0]:tt.span(m.last)[1]]
    if turn.words:
        first, last = tt.word_index(m.first), tt.word_index(m.last)
        if first is not None and last is not None:
            return m, text, turn.words[first].start, turn.words[last].end
    return m, text, turn.start, turn.end
