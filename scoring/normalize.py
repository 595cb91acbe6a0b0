"""Word-level normalisation applied once, before matching, to a turn's words and to the rubric's phrases.

Speech-recognition output and typed transcripts spell the same words in several ways; matching compares
canonical keys instead:

- Unicode NFC (decomposed "khóa" is the same word as composed "khóa"), case folded;
- Vietnamese tone placement: the older and newer conventions put the tone mark of a final "oa", "oe", "uy"
  on different vowels ("khoá" / "khóa", "hoà" / "hòa", "thuỷ" / "thủy"); both become the form with the mark
  on the first vowel;
- English contractions expanded, with or without the apostrophe the recogniser may drop ("what's",
  "what s", "whats" -> "what is"; "don't" -> "do not"; "i've" -> "i have"; "cannot" -> "can not");
- fillers dropped ("uh", "um", "ờ", "ừm", "à" ...): they never carry meaning and break phrases.

The displayed text is never changed: `normalize_keys` returns, with the keys, which original word each key
came from, so evidence quotes the words as they were said, with their times.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from transcribe.text import normalize

_TONES = {"\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}


def _toned(vowel: str, mark: str) -> str:
    return unicodedata.normalize("NFC", vowel + mark)


# new placement (mark on the second vowel of a final oa/oe/uy) -> old placement (mark on the first vowel)
_RETONE = {}
for _a, _b in (("o", "a"), ("o", "e"), ("u", "y")):
    for _mark in _TONES:
        _RETONE[_a + _toned(_b, _mark)] = _toned(_a, _mark) + _b
_RETONE_RE = re.compile("(?<!q)(" + "|".join(map(re.escape, _RETONE)) + ")$")


def retone(word: str) -> str:
    """A lower-case NFC Vietnamese syllable with its tone mark in the canonical place ("khoá" -> "khóa",
    "thuỷ" -> "thủy"; "quý", "hoàn" and every other syllable unchanged)."""
    if word.isascii():
        return word
    return _RETONE_RE.sub(lambda m: _RETONE[m.group(1)], word)


def word_key(word: str) -> str:
    """The matching key of one word with its diacritics: NFC, lower case, canonical tone placement."""
    return retone(normalize(word))


# Fillers, as keys with and without diacritics. Dropped on both sides (text and phrases), so a phrase never
# needs to list them. ("a"/"o" are what "à"/"ờ" become without diacritics; in English they are only the
# article "a" and "o", which no phrase depends on.)
FILLERS = frozenset(["uh", "uhh", "uhm", "um", "umm", "erm", "er", "ah", "ahh", "hmm", "hm", "mm", "mmm", "mhm", "ờ", "ơ", "ừm", "à", "a", "o"])

# Contractions. A tail word after the apostrophe (dropped by tokenising) -> its expansion, when the word before
# is one of `heads` (None: any word).
_IS_HEADS = frozenset(["what", "that", "it", "he", "she", "there", "here", "who", "where", "how", "when", "why", "what", "s", "everything", "nothing", "something", "someone", "everyone", "this"])
_TAILS: dict[str, tuple[str, frozenset[str] | None]] = {
    "ve": ("have", None), "ll": ("will", None), "re": ("are", None), "m": ("am", frozenset({"i"})),
    "d": ("would", frozenset({"i", "you", "we", "they", "he", "she", "it", "that", "who"})),
    "s": ("is", _IS_HEADS),
}
# "<base> t" (don't, can't ...) and their apostrophe-less spellings
_NOT_BASES = {"don": "do", "doesn": "does", "didn": "did", "can": "can", "won": "will", "isn": "is", "aren": "are",
              "wasn": "was", "weren": "were", "haven": "have", "hasn": "has", "hadn": "had", "couldn": "could",
              "wouldn": "would", "shouldn": "should", "ain": "is", "mustn": "must", "needn": "need"}
# one word -> several keys (spellings without an apostrophe; "cannot")
WHOLE: dict[str, tuple[str, ...]] = {
    "cannot": ("can", "not"), "dont": ("do", "not"), "doesnt": ("does", "not"), "didnt": ("did", "not"),
    "cant": ("can", "not"), "wont": ("will", "not"), "isnt": ("is", "not"), "arent": ("are", "not"),
    "wasnt": ("was", "not"), "werent": ("were", "not"), "havent": ("have", "not"), "hasnt": ("has", "not"),
    "couldnt": ("could", "not"), "wouldnt": ("would", "not"), "shouldnt": ("should", "not"),
    "im": ("i", "am"), "ive": ("i", "have"), "youre": ("you", "are"), "youve": ("you", "have"),
    "youll": ("you", "will"), "weve": ("we", "have"), "theyre": ("they", "are"), "theyve": ("they", "have"),
    "thats": ("that", "is"), "whats": ("what", "is"), "theres": ("there", "is"), "heres": ("here", "is"),
    "lets": ("let", "us"), "itll": ("it", "will"), "gonna": ("going", "to"), "wanna": ("want", "to"),
    # British spellings of the words the rubrics name (a phrase list then needs one spelling)
    "apologise": ("apologize",), "apologised": ("apologized",), "apologising": ("apologizing",),
    "apologises": ("apologizes",),
}
# every key that may need work: when a turn has none of these, its keys are already canonical
SPECIAL = FILLERS | frozenset(_TAILS) | frozenset({"t"}) | frozenset(WHOLE)


def normalize_keys(keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[int, ...] | None]:
    """(canonical keys, for each key the index of the word it came from) of a turn's word keys (each already
    `word_key` or its folded form). The second item is None when nothing changed (key i is word i)."""
    if SPECIAL.isdisjoint(keys):
        return tuple(keys), None
    out: list[str] = []
    src: list[int] = []
    for i, k in enumerate(keys):
        if k in FILLERS:
            continue
        if k in WHOLE:
            for part in WHOLE[k]:
                out.append(part)
                src.append(i)
            continue
        prev = keys[i - 1] if i else None
        if k == "t" and prev in _NOT_BASES and out and src[-1] == i - 1:
            out[-1] = _NOT_BASES[prev]
            out.append("not")
            src.append(i)
            continue
        tail = _TAILS.get(k)
        if tail is not None and prev is not None and (tail[1] is None or prev in tail[1]) and out and src[-1] == i - 1:
            out.append(tail[0])
            src.append(i)
            continue
        out.append(k)
        src.append(i)
    return tuple(out), tuple(src)


def normalize_phrase_words(words: Sequence[str]) -> tuple[str, ...]:
    """A phrase's words made canonical like a turn's (the `*` gap marker kept)."""
    keys, _ = normalize_keys(list(words))
    return keys
