"""Numbers as speech recognition writes them: digit words of both languages ("không chín một", "zero nine one",
"double five"), digit groups ("079 203 001 234", "0912-345-678") and mixes of both, read as one digit string.

`digit_view(text)` gives the text with each such run (6 digits or more) written as its digits alone, and a
`ViewMap` taking a span of that view back to the span of the original text — so recognisers written for digit
strings find spoken numbers, and the placeholder replaces exactly the words that were spoken."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MIN_RUN_DIGITS", "DigitRun", "ViewMap", "digit_runs", "digit_view"]

MIN_RUN_DIGITS = 6  # shorter runs are amounts, dates, house numbers: never an identifier of the kinds redacted
MAX_DIGITS = 19  # the longest identifier (a card number); a longer run is several numbers

DIGIT_WORDS: dict[str, str] = {
    # English
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    # Vietnamese, with and without diacritics (regional and spoken forms: tư, lăm, bẩy, mốt)
    "không": "0", "khong": "0", "một": "1", "mot": "1", "mốt": "1", "hai": "2", "ba": "3", "bốn": "4", "bon": "4",
    "tư": "4", "tu": "4", "năm": "5", "nam": "5", "lăm": "5", "lam": "5", "sáu": "6", "sau": "6", "bảy": "7",
    "bẩy": "7", "bay": "7", "tám": "8", "tam": "8", "chín": "9", "chin": "9",
}
REPEAT_WORDS = {"double": 2, "triple": 3, "kép": 2}
_TOKEN = re.compile(r"\S+")
_GROUP = re.compile(r"^\+?\d+(?:[-.]\d+)*$")  # 0912 | 0912-345-678 | +84 | 079.203
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")  # 2.000.000 | 1,500,000: money, not an identifier
_LEAD = "([\"'“‘"
_TRAIL = ",.;:?!)\"'”’"
_JOINS = {"", ",", ".", "-", "–"}  # what may stand between two pieces of one spoken number
UNITS = {"đồng", "dong", "vnd", "vnđ", "đ", "triệu", "trieu", "nghìn", "nghin", "ngàn", "ngan", "tỷ", "ty", "k",
         "dollars", "dollar", "usd", "cents", "percent", "%", "phút", "giây", "minutes", "seconds"}


@dataclass(frozen=True)
class DigitRun:
    """A spoken or grouped number: `start`..`end` in the original text, `digits` its digit string."""

    start: int
    end: int
    digits: str
    grouped: tuple[int, ...] = ()  # lengths of the digit groups as written ("123-45-6789": (3, 2, 4))


def _piece(token: str) -> tuple[str, str, str] | None:
    """(digits, kind, trailing punctuation) of one token that can be part of a spoken number, else None."""
    core = token.lstrip(_LEAD)
    trail = ""
    while core and core[-1] in _TRAIL:
        trail = core[-1] + trail
        core = core[:-1]
    if not core:
        return None
    if core in ("-", "–"):
        return "", "join", trail
    if _GROUP.match(core):
        return re.sub(r"\D", "", core), "group", trail
    word = unicodedata.normalize("NFC", core).lower()
    if word in DIGIT_WORDS:
        return DIGIT_WORDS[word], "word", trail
    if word in REPEAT_WORDS:
        return "", f"repeat{REPEAT_WORDS[word]}", trail
    return None


def digit_runs(text: str, score: Callable[[str], float] | None = None) -> list[DigitRun]:
    """Maximal runs of digit words, digit groups and joiners with at least `MIN_RUN_DIGITS` digits; a lone
    thousands-grouped amount ("2.000.000") and a run followed by a unit ("đồng", "dollars") are not runs. A run of
    more than `MAX_DIGITS` digits is cut into the numbers `score` (digits -> how likely an identifier) rates best."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    runs: list[DigitRun] = []
    i = 0
    while i < len(tokens):
        j, last_trail = i, ""
        while j < len(tokens):
            piece = _piece(tokens[j][2])
            if piece is None or (j > i and last_trail.strip("-–") not in _JOINS):
                break
            if j == i and piece[1] == "join":
                break
            last_trail = piece[2]
            j += 1
            if last_trail and last_trail not in _JOINS:  # "?" "!" ";" end the number
                break
        end = j
        kinds = [(_piece(tokens[k][2]) or ("", "", ""))[:2] for k in range(i, j)]
        while end > i and kinds[end - 1 - i][1] in ("join", "repeat2", "repeat3"):
            end -= 1
        if end - i >= 2 and kinds[end - 1 - i][1] == "word" and kinds[end - 2 - i][1] == "group" \
                and tokens[end - 2][2][-1:] in ",.":  # "0912 345 678, không phải": the "không" is a word
            end -= 1
        digits = "".join(_run_digits(kinds[:end - i]))
        groups = tuple(len(g) for k in range(i, end) if kinds[k - i][1] == "group"
                       for g in re.findall(r"\d+", tokens[k][2]))
        if end > i and len(digits) >= MIN_RUN_DIGITS:
            lone_amount = end - i == 1 and _AMOUNT.match(tokens[i][2].strip(_LEAD + _TRAIL))
            nxt = tokens[end][2].strip(_TRAIL).lower() if end < len(tokens) else ""
            if not lone_amount and nxt not in UNITS:
                if len(digits) > MAX_DIGITS and score is not None:  # two numbers said one after the other
                    runs.extend(_split(tokens, i, kinds[:end - i], score))
                else:
                    runs.append(DigitRun(tokens[i][0], _end(tokens[end - 1]), digits, groups))
        i = max(end, i + 1)
    return runs


def _end(token: tuple[int, int, str]) -> int:
    return token[1] - (len(token[2]) - len(token[2].rstrip(_TRAIL)))


def _split(tokens: list[tuple[int, int, str]], i: int, kinds: list[tuple[str, str]],
           score: Callable[[str], float]) -> list[DigitRun]:
    """A run too long for one number cut at token boundaries into the numbers `score` likes best (a card and its
    expiry date, two phone numbers): the best total score, by dynamic programming over the run's pieces."""
    units: list[tuple[int, int, str]] = []  # token from, token to (inclusive), digits
    k = 0
    while k < len(kinds):
        first = k
        while k < len(kinds) and kinds[k][1].startswith("repeat"):
            k += 1
        if k < len(kinds):
            d = "".join(_run_digits(kinds[first:k + 1]))
            if d:
                units.append((i + first, i + k, d))
        k += 1
    out: list[DigitRun] = []
    for at in range(0, len(units), 80):  # bounded work on hostile input
        chunk = units[at:at + 80]
        best: list[tuple[float, int]] = [(0.0, -1)] + [(-1.0, -1)] * len(chunk)
        for b in range(1, len(chunk) + 1):
            digits = ""
            for a in range(b - 1, -1, -1):
                digits = chunk[a][2] + digits
                if len(digits) > MAX_DIGITS and a < b - 1:
                    break
                total = best[a][0] + (score(digits) if len(digits) >= MIN_RUN_DIGITS else 0.0)
                if total > best[b][0]:
                    best[b] = (total, a)
        b = len(chunk)
        while b > 0:
            a = best[b][1]
            digits = "".join(u[2] for u in chunk[a:b])
            if len(digits) >= MIN_RUN_DIGITS:
                first, last = chunk[a][0], chunk[b - 1][1]
                out.append(DigitRun(tokens[first][0], _end(tokens[last]), digits))
            b = a
    return sorted(out, key=lambda r: r.start)


def _run_digits(kinds: list[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    repeat = 1
    for d, kind in kinds:
        if kind.startswith("repeat"):
            repeat = int(kind[-1])
        elif d:
            out.append(d * repeat if kind == "word" else d)
            repeat = 1
    return out


@dataclass(frozen=True)
class ViewMap:
    """Spans of the digit view back to the original text (`pieces`: view start, view end, original start,
    original end, whether it is a run)."""

    pieces: tuple[tuple[int, int, int, int, bool], ...]

    def _find(self, pos: int) -> tuple[int, int, int, int, bool]:
        k = max(0, bisect_right([p[0] for p in self.pieces], pos) - 1)
        return self.pieces[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        vs, _, os_, _, run = self._find(start)
        s = os_ if run else os_ + (start - vs)
        ve_s, ve, oe_s, oe, run_e = self._find(max(start, end - 1))
        e = oe if run_e else oe_s + (end - ve_s)
        return s, e


def digit_view(text: str, score: Callable[[str], float] | None = None) -> tuple[str, ViewMap, list[DigitRun]]:
    """`text` with every digit run written as its digits (runs apart by a space), the map back, and the runs."""
    runs = digit_runs(text, score)
    out: list[str] = []
    pieces: list[tuple[int, int, int, int, bool]] = []
    pos = vpos = 0
    for r in runs:
        if r.start > pos:
            pieces.append((vpos, vpos + r.start - pos, pos, r.start, False))
            out.append(text[pos:r.start])
            vpos += r.start - pos
        pieces.append((vpos, vpos + len(r.digits), r.start, r.end, True))
        out.append(r.digits)
        vpos += len(r.digits)
        pos = r.end
    pieces.append((vpos, vpos + len(text) - pos + 1, pos, len(text) + 1, False))
    out.append(text[pos:])
    return "".join(out), ViewMap(tuple(pieces)), runs
