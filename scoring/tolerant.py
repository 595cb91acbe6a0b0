"""Tolerant phrase matching: a long phrase still matches with one word misrecognised or one word inserted.

Speech recognition gets about one word in ten wrong, drops words and inserts words; an exact phrase of four or
more words then rarely survives. A phrase of `TOLERANT_MIN_WORDS` or more words (without a `*` gap) also matches a
window of the turn's keys that differs from it by one substituted word, by one word dropped (its first word or a
common one inside it, never its last), or by one word inserted inside it (not before its first or after its last
word). Short phrases stay exact: with one word changed they mean something else.

Only phrases with two or more uncommon words (`COMMON`) are tolerant. To stay fast, each is filed under its
two longest uncommon words ("anchors"): a turn is only checked where an anchor occurs, so a turn without any
anchor costs one set test. Tolerant matches
never replace exact ones: they are added where they overlap no exact match of the same list.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import ne

TOLERANT_MIN_WORDS = 4

_Entry = tuple[int, tuple[str, ...], int, str]  # (slot, pattern, position of the anchor in it, phrase)
TolerantIndex = dict[str, tuple[_Entry, ...]]
_Found = tuple[str, int, int]  # (phrase, first token, last token)


# Words too common to anchor a phrase on (every turn has them): anchors are chosen among the others first.
COMMON = frozenset(["i", "you", "your", "we", "our", "it", "is", "are", "was", "be", "been", "have", "has", "had", "do", "does", "did", "not", "no", "can", "could", "will", "would", "the", "a", "an", "to", "of", "for", "in", "on", "at", "and", "or", "that", "this", "with", "me", "my", "there", "what", "how", "so", "just", "please", "em", "anh", "chị", "chi", "tôi", "toi", "mình", "minh", "không", "khong", "được", "duoc", "có", "co", "cho", "của", "cua", "đã", "da", "sẽ", "se", "là", "la", "và", "va", "thì", "thi", "rồi", "roi", "ạ", "a", "dạ", "da", "vâng", "vang", "lại", "lai", "với", "voi", "này", "nay", "xin", "nhận", "nhan", "số", "so", "giúp", "giup", "thể", "the", "cảm", "cam", "ơn", "on", "gì", "gi", "am", "call", "get", "let", "me"])


def anchors(pattern: tuple[str, ...]) -> list[int]:
    """Positions of the two least common, longest distinct words of a pattern (the first of equals). Only
    phrases with two or more uncommon words are tolerant, so both anchors are uncommon words."""
    order = sorted(range(len(pattern)), key=lambda k: (pattern[k] in COMMON, -len(pattern[k]), k))
    out: list[int] = []
    for k in order:
        if all(pattern[k] != pattern[o] for o in out):
            out.append(k)
        if len(out) == 2:
            break
    return out


def build_tolerant(entries: Iterable[tuple[int, tuple[str, ...], str]]) -> TolerantIndex:
    """The index of (slot, compiled pattern, phrase) entries: long gap-free patterns by anchor word."""
    index: dict[str, list[_Entry]] = {}
    for slot, pattern, phrase in entries:
        if len(pattern) < TOLERANT_MIN_WORDS or "*" in pattern or len(set(pattern) - COMMON) < 2:
            continue  # (a phrase made of common words changes meaning with any word changed)
        for a in anchors(pattern):
            index.setdefault(pattern[a], []).append((slot, pattern, a, phrase))
    return {k: tuple(v) for k, v in index.items()}


def _inserted(keys: Sequence[str], s: int, pattern: tuple[str, ...]) -> bool:
    """True when keys[s:s+n+1] is `pattern` with one word inserted inside it (the caller checked both ends)."""
    n = len(pattern)
    m = next((k for k in range(n) if keys[s + k] != pattern[k]), n)
    return 0 < m < n and keys[s + m + 1:s + n + 1] == pattern[m:]


def near_match(keys: Sequence[str], s: int, pattern: tuple[str, ...]) -> int | None:
    """Last token of a match of `pattern` from token `s` with one word inserted inside it, else with at most
    one word substituted; None when neither."""
    n, total = len(pattern), len(keys)
    if s < 0 or s + n > total:
        return None
    if s + n < total and keys[s] == pattern[0] and keys[s + n] == pattern[-1] and _inserted(keys, s, pattern):
        return s + n
    return s + n - 1 if sum(map(ne, keys[s:s + n], pattern)) <= 1 else None  # (exact or one substituted)


def tolerant_matches(keys: Sequence[str], index: TolerantIndex) -> dict[int, list[_Found]]:
    """{slot: [(phrase, first, last)]} of every tolerant match in the keys (possibly overlapping; exact matches,
    which the exact matcher finds, are left out)."""
    if not index or index.keys().isdisjoint(keys):
        return {}
    if not isinstance(keys, tuple):
        keys = tuple(keys)
    out: dict[int, set[_Found]] = {}
    total = len(keys)
    for j in [j for j, key in enumerate(keys) if key in index]:
        for slot, pattern, a, phrase in index[keys[j]]:
            n, s = len(pattern), j - a
            if s + n > total or s < 0:
                if s >= -1 and s + n - 1 <= total:
                    _deleted(keys, j, pattern, a, phrase, out.setdefault(slot, set()))
                continue
            last = None
            if s + n < total and keys[s] == pattern[0] and keys[s + n] == pattern[-1] and _inserted(keys, s, pattern):
                last = s + n
            elif s and keys[s - 1] == pattern[0] and keys[s + n - 1] == pattern[-1] \
                    and _inserted(keys, s - 1, pattern):  # the word inserted before the anchor
                s, last = s - 1, s + n - 1
            elif sum(map(ne, keys[s:s + n], pattern)) == 1:  # (an exact match is the exact matcher's)
                last = s + n - 1
            if last is not None:
                out.setdefault(slot, set()).add((phrase, s, last))
            else:
                _deleted(keys, j, pattern, a, phrase, out.setdefault(slot, set()))
    return {slot: sorted(found, key=lambda f: (f[1], f[2], f[0])) for slot, found in out.items() if found}


def _deleted(keys: tuple[str, ...], j: int, pattern: tuple[str, ...], a: int, phrase: str, found: set[_Found]) -> None:
    """Add the match of `pattern` with one word (not its anchor `a`, found at token `j`) dropped by the
    recogniser ("you for calling" for "thank you for calling")."""
    n, total = len(pattern), len(keys)
    for d in range(n - 1):  # (never its last word: "i understand your" is not "i understand your frustration")
        if d == a or (d and pattern[d] not in COMMON):
            continue  # (inside a phrase only a common word may go: "số tài khoản" is not "số dư tài khoản")
        s = j - a + (1 if d < a else 0)
        if s < 0 or s + n - 1 > total:
            continue
        if keys[s:s + n - 1] == pattern[:d] + pattern[d + 1:]:
            found.add((phrase, s, s + n - 2))
            return


def merge_tolerant(exact: Sequence[_Found], near: Sequence[_Found]) -> list[_Found]:
    """The exact matches of a list, plus the tolerant ones that overlap none of the matches kept so far (left
    to right), in token order."""
    kept = list(exact)
    for m in near:
        if not any(k[1] <= m[2] and m[1] <= k[2] for k in kept):
            kept.append(m)
    kept.sort(key=lambda f: (f[1], f[2]))
    return kept
