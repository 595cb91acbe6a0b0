"""Signals that generalise beyond phrase lists: sentence shapes, overlap of the customer's words, numbers.

A phrase list names what one team says; these look at how a conversation is built, in English and
Vietnamese alike:

- questions (`?`, or the shape when the recogniser printed no punctuation: a wh-word or an inverted
  auxiliary first, Vietnamese question words and final particles);
- read-backs: an agent sentence that repeats the customer's own content words or numbers;
- new information: an agent statement carrying numbers, amounts, times or dates the customer did not say;
- completion by tense and aspect (English perfect or passive of any verb: "has been sent", "I've updated",
  "is confirmed"; Vietnamese "đã … rồi", "vừa …", "… xong") rather than a verb list.

Everything here works on canonical keys (`scoring.normalize`: fillers dropped, contractions expanded) and is
computed once per call (`call_view`), shared by the rules in `scoring.rules`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from scoring.content import _CONTENT
from scoring.phrases import find, key_sequence
from transcribe.text import fold
from transcribe.types import CUSTOMER

if TYPE_CHECKING:  # pragma: no cover
    from scoring.phrases import TurnTokens
    from scoring.rules import Context



_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]*")
WH = frozenset(["what", "which", "when", "where", "who", "whom", "whose", "why", "how"])
AUX = frozenset(["do", "does", "did", "is", "are", "was", "were", "can", "could", "would", "will", "may", "might", "shall", "should", "have", "has", "had", "am"])
SUBJECTS = frozenset(["you", "your", "i", "we", "it", "the", "there", "this", "that", "they", "he", "she", "my", "our", "any"])
VI_QUESTION_WORDS = frozenset(["gì", "nào", "đâu", "sao", "mấy", "bao", "nhiêu", "chưa", "hông", "hả", "nhỉ", "không"])
VI_QUESTION_FOLDED = frozenset(["gi", "nao", "dau", "sao", "may", "bao", "nhieu", "chua", "hong", "ha", "nhi", "khong"])
LEADERS = frozenset(["okay", "ok", "so", "and", "alright", "well", "um", "right", "now", "dạ", "vâng", "da", "vang", "sure"])
VI_QUESTION_PAIRS = frozenset(tuple(p.split()) for p in ("chừng nào", "bao giờ", "khi nào", "mấy giờ", "bao lâu",
                                                        "ở đâu", "tại sao", "làm sao", "vì sao", "thế nào",
                                                        "ra sao", "được không", "có không", "phải không",
                                                        "đúng không", "bao nhiêu", "đúng hông", "phải hông",
                                                        "em hỏi", "hay là", "hay không", "có phải"))
VI_QUESTION_PAIRS_FOLDED = frozenset((fold(a), fold(b)) for a, b in VI_QUESTION_PAIRS)
VI_TRAILING = frozenset(["ạ", "à", "a", "ha", "nha", "nhé", "nhe", "vậy", "vay", "em", "anh", "chị", "chi", "bạn", "ban"])
NUMBER_WORDS = frozenset(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "first", "second", "third", "fourth", "fifth", "half", "quarter", "noon", "midnight", "pm", "am", "dollars", "dollar", "cents", "percent", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "mươi", "trăm", "nghìn", "ngàn", "triệu", "tỷ", "rưỡi", "giờ", "phút", "ngày", "tháng", "mot", "bon", "sau", "bay", "tam", "chin", "muoi", "tram", "nghin", "ngan", "trieu", "ty", "ruoi", "gio", "phut", "ngay", "thang"])
MONTHS_DAYS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "tonight"])
# English irregular past participles (the regular ones end in -ed)
IRREGULAR_PP = frozenset(["gone", "sent", "done", "made", "given", "taken", "paid", "set", "put", "shown", "written", "spoken", "told", "sold", "sent", "found", "got", "gotten", "held", "kept", "left", "lost", "met", "read", "run", "seen", "sent", "shut", "sold", "spent", "stood", "sent", "understood", "won", "withdrawn", "frozen", "chosen", "broken", "driven", "forgotten", "hidden", "ridden", "risen", "stolen", "woken", "begun", "drawn", "grown", "known", "thrown", "flown", "blown", "cut", "hit", "let", "shipped", "dispatched"])
BE = frozenset(["is", "are", "was", "were", "been", "be"])
_ADVERBS = frozenset(["just", "already", "now", "also", "successfully", "actually", "finally"])
DONE = frozenset(["done", "sorted", "through", "finished"])
DONE_SUBJECTS = frozenset(["that", "it", "this", "everything", "all", "went", "gone", "got"])
HAVE = frozenset(["have", "has", "had"])
PERSONAL = frozenset(["i", "we", "it", "that", "this", "everything", "everything", "your", "the"])


class Sentence(NamedTuple):
    keys: tuple[str, ...]
    question: bool


class TurnView:
    """A turn as the signals see it: all its keys and — each computed on first use — its content words (without
    handles and web addresses), its numbers and its sentences (canonical keys, question or not)."""

    __slots__ = ("index", "speaker", "keys", "folded", "_text", "_sentences", "_tt", "_content", "_numbers")

    def __init__(self, index: int, speaker: str, tt: TurnTokens) -> None:
        self.index, self.speaker, self.keys, self.folded = index, speaker, tt.key_seq, tt.folded
        text = tt.text
        self._text, self._tt = (_FILLER_WORD.sub("", text) if _FILLER_PUNCT.search(text) else text), tt
        # computed on first use (None: not yet)
        self._sentences: tuple[Sentence, ...] | None = None
        self._content: set[str] | None = None
        self._numbers: frozenset[str] | None = None

    @property
    def content(self) -> set[str]:
        c = self._content
        if c is None:
            c = set(map(_CONTENT[self.folded].__getitem__, self.keys))
            c.discard(None)
            if not _HANDLE_HINT.isdisjoint(c) or _HAS_DIGIT.search(self._text):
                c = {k for k in c if not _IS_HANDLE[k]}
            self._content = c
        return c

    @property
    def numbers(self) -> frozenset[str]:
        n = self._numbers
        if n is None:
            keys = self.keys
            n = self._numbers = numbers_of(keys) if _HAS_DIGIT.search(self._text) or \
                not _DIGIT_OR_NUMBER.isdisjoint(keys) else _EMPTY
        return n

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        s = self._sentences
        if s is None:
            s = self._sentences = _sentences(self._text, self.keys, self.folded)
        return s

    @property
    def text(self) -> str:
        """The turn's text as the shapes read it (fillers with their punctuation left out)."""
        return self._text

    @property
    def asks(self) -> bool:
        return any(s.question for s in self.sentences)

    def statements(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.question]

    def stated_parts(self) -> list[Sentence]:
        """The statements, and the statement clauses of question sentences ("em sẽ hoàn tiền, đúng không ạ?")."""
        if not any(s.question for s in self.sentences):
            return list(self.sentences)
        if not _CLAUSE.search(self._text):
            return self.statements()
        out: list[Sentence] = []
        for m in _SENTENCE.finditer(_NOISE.sub(" ", self._text)):
            piece = m.group()
            piece_folded, piece_keys = key_sequence(piece)
            if not piece_keys:
                continue
            if is_question(piece, piece_keys, piece_folded):
                out.extend(c for c in _clauses(piece, piece_keys, piece_folded) if not c.question)
            else:
                out.append(Sentence(piece_keys, False))
        return out


# a filler and the punctuation a recogniser printed after it ("uh," "ờ,") are left out of the sentence shapes: the
# comma would otherwise make an unpunctuated turn look punctuated, one long sentence
_FILLER_WORD = re.compile(r"(?<!\S)(?:uh+|uhm|um+|erm|er|ah+|hmm|hm|mm+|mhm|ờ|ơ|ừm)[,.…]*(?=\s|$)", re.IGNORECASE)
_FILLER_PUNCT = re.compile(r"(?<!\S)(?:u|e|a|h|m|ờ|ơ|ừ)\w*[,.…]", re.IGNORECASE)  # (without it, nothing to leave out)
_EMPTY: frozenset[str] = frozenset()
_HAS_DIGIT = re.compile(r"\d")


def is_question(text: str, keys: Sequence[str], folded: bool) -> bool:
    """A sentence is a question: it ends with "?", or (no punctuation printed) it starts with a wh-word or an
    inverted auxiliary ("can you", "is it"), or it has a Vietnamese question word or final particle."""
    if not keys:
        return False
    if text.rstrip().endswith("?"):
        return True
    if "?" in text:
        return True
    lead = 0
    while lead < len(keys) - 1 and keys[lead] in LEADERS:  # "okay is there anything else", "so what is"
        lead += 1
    k0, k1 = keys[lead], keys[lead + 1] if lead + 1 < len(keys) else ""
    if k0 in WH or (k0 in AUX and k1 in SUBJECTS):
        return not text.rstrip().endswith(".")
    pairs = set(zip(keys, keys[1:]))
    if pairs & (VI_QUESTION_PAIRS_FOLDED if folded else VI_QUESTION_PAIRS):
        return True
    vi = VI_QUESTION_FOLDED if folded else VI_QUESTION_WORDS
    tail = [k for k in keys[-4:] if k not in VI_TRAILING]
    if tail and tail[-1] in vi and not text.rstrip().endswith("."):
        return tail[-1] not in ("không", "khong") or "có" in keys or "co" in keys or "được" in keys \
            or "duoc" in keys
    return False


_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|\(\d+/\d+\)|\S+@\S+\.\w+|#\w+")


_INNER_STOP = re.compile(r"[.!?…\n][^.!?…\n]*\w")
_NOISY = re.compile(r"@|http|www|#|/")


def _sentences(text: str, keys: tuple[str, ...], folded: bool) -> tuple[Sentence, ...]:
    """The sentences of a turn: a turn of one sentence (the common case) reuses the turn's keys; others are cut
    at sentence punctuation, web addresses, handles and hashtags left out, and each piece tokenized again
    (cheaper than locating every key in the text)."""
    if not _NOISY.search(text) and not _INNER_STOP.search(text):
        if len(keys) >= 6 and not _ANY_PUNCT.search(text):
            return _unpunctuated(keys, folded)
        return (Sentence(keys, is_question(text, keys, folded)),) if keys else ()
    out = []
    for m in _SENTENCE.finditer(_NOISE.sub(" ", text)):
        piece = m.group()
        piece_folded, piece_keys = key_sequence(piece)
        if piece_keys:
            out.append(Sentence(piece_keys, is_question(piece, piece_keys, piece_folded)))
    return tuple(out)


def _clauses(text: str, keys: tuple[str, ...], folded: bool) -> tuple[Sentence, ...]:
    """A question sentence cut at commas: a statement before a tag question ("em sẽ hoàn tiền, đúng không ạ?")
    is a statement (only the clauses that are questions by themselves, and the last one, are questions)."""
    parts = [p for p in _CLAUSE.split(text) if p.strip()]
    if len(parts) < 2:
        return (Sentence(keys, True),)
    out = []
    for k, part in enumerate(parts):
        part_folded, part_keys = key_sequence(part)
        if part_keys:
            last = k == len(parts) - 1
            out.append(Sentence(part_keys, is_question(part + ("?" if last else ""), part_keys, part_folded)
                                if last else is_question(part, part_keys, part_folded)))
    return tuple(out)


_ANY_PUNCT = re.compile(r"[.!?…,;:]")
_CLAUSE = re.compile(r"[,;:]")
STARTERS = frozenset(["so", "okay", "ok", "alright", "thanks", "thank", "sorry", "dạ", "vâng", "da", "vang"])
_NOT_BEFORE_WH = frozenset(["know", "tell", "ask", "wonder", "about", "see", "of", "on", "is", "that"])


def _unpunctuated(keys: tuple[str, ...], folded: bool) -> tuple[Sentence, ...]:
    """Sentences of a turn printed without punctuation (speech recognition): cut before a discourse starter
    ("so", "okay", "dạ"), a wh-word or an inverted auxiliary ("can you", "is it")."""
    cuts = [0]
    n = len(keys)
    for j in range(1, n - 1):
        k = keys[j]
        if j == 1 and keys[0] not in LEADERS:
            continue
        starts = k in STARTERS or (k in WH and keys[j - 1] not in _NOT_BEFORE_WH) or \
            (k in AUX and keys[j + 1] in SUBJECTS and keys[j - 1] not in SUBJECTS and keys[j - 1] not in WH)
        if starts and (j - cuts[-1] >= 2 or (j == 1 and keys[0] in LEADERS)):
            cuts.append(j)
    cuts.append(n)
    return tuple(Sentence(keys[a:b], is_question("", keys[a:b], folded)) for a, b in zip(cuts, cuts[1:]))


def numbers_of(keys: Sequence[str]) -> frozenset[str]:
    """Digit tokens and number/time words of a key sequence."""
    return frozenset(k for k in keys if k.isdigit() or k in NUMBER_WORDS or k in MONTHS_DAYS)


_DIGIT_OR_NUMBER = NUMBER_WORDS | MONTHS_DAYS


class CallView:
    """The `TurnView`s of a call, each built on first use (a rule that decides early never builds the rest), and
    what the customer said before a turn."""

    __slots__ = ("ctx", "_views", "_heard", "_details")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._views: list[TurnView | None] = [None] * len(ctx.transcript.turns)
        self._heard: dict[int, list[tuple[frozenset[str], frozenset[str]]]] = {}
        self._details: list[tuple[frozenset[str], frozenset[str]]] | None = None

    def __len__(self) -> int:
        return len(self._views)

    def __getitem__(self, i: int) -> TurnView:
        v = self._views[i]
        if v is None:
            v = self._views[i] = _view(self.ctx, i)
        return v

    def heard(self, i: int, recent: int = 0) -> tuple[frozenset[str], frozenset[str]]:
        """(content words, numbers) the customer said before turn `i` (in their last `recent` turns when > 0)."""
        table = self._heard.get(recent)
        if table is None:
            table = self._heard[recent] = self._prefix(recent)
        return table[i]

    def details(self, i: int, generic: tuple[str, ...] = ()) -> tuple[frozenset[str], frozenset[str]]:
        """(content words, numbers) the customer gave before turn `i` in answer to an agent's question — the
        customer turns right after an agent question, less the words of that question ("what is the company
        name" → "fossil gas" gives fossil, gas): the details an agent confirms by repeating them, however long
        ago they were said. Answers to a `generic` question ("how can I help?") are the request, not details."""
        table = self._details
        if table is None:
            table = self._details = self._answers(generic)
        return table[i]

    def _answers(self, generic: tuple[str, ...]) -> list[tuple[frozenset[str], frozenset[str]]]:
        out = []
        words: frozenset[str] = _EMPTY
        nums: frozenset[str] = _EMPTY
        asked: TurnView | None = None  # the agent question the customer is answering, while they answer it
        turns = self.ctx.transcript.turns
        n = len(turns)
        for j in range(n):
            out.append((words, nums))
            if turns[j].speaker == CUSTOMER:
                if asked is not None:
                    v = self[j]
                    words = words | (v.content - asked.content)
                    nums = nums | (v.numbers - asked.numbers)
            elif j + 1 < n and turns[j + 1].speaker == CUSTOMER:  # (only a question the customer answers counts)
                v = self[j]
                last = v.sentences[-1] if v.sentences else None
                asked = v if last is not None and last.question and \
                    not (generic and find((), generic, v.folded, last.keys)) else None
            else:
                asked = None
        return out

    def _prefix(self, recent: int) -> list[tuple[frozenset[str], frozenset[str]]]:
        out = []
        words: frozenset[str] = _EMPTY
        nums: frozenset[str] = _EMPTY
        window: list[TurnView] = []
        turns = self.ctx.transcript.turns
        for j in range(len(turns)):
            out.append((words, nums))
            if turns[j].speaker == CUSTOMER:
                v = self[j]
                if recent:
                    window = (window + [v])[-recent:]
                    words = frozenset().union(*[w.content for w in window])
                    nums = frozenset().union(*[w.numbers for w in window])
                else:
                    words, nums = words | v.content, nums | v.numbers
        return out


def _view(ctx: Context, i: int) -> TurnView:
    return TurnView(i, ctx.transcript.turns[i].speaker, ctx.tokens[i])


def call_view(ctx: Context) -> CallView:
    """The call's `CallView` (one per call: kept in the context's memo)."""
    view = ctx.memo.get("view")
    if view is None:
        view = ctx.memo["view"] = CallView(ctx)
    return view


_HANDLE = re.compile(r"^[a-z]+\d+$|^https?$|^www$|^com$")
_HANDLE_HINT = frozenset({"http", "https", "www", "com"})


def _handle(word: str) -> bool:
    return bool(_HANDLE.match(word))


class _Memo(dict):
    def __missing__(self, word: str) -> bool:
        value = self[word] = _handle(word)
        return value


_IS_HANDLE = _Memo()


def completion(keys: Sequence[str], folded: bool) -> str | None:
    """The tense/aspect pattern that states an action as done, or None: English "has/have/had (been) <past
    participle>" and "is/are/was (now) <past participle>|done|all set|ready|complete" (not negated, not a
    question); Vietnamese "đã … rồi", "vừa <verb>", "<verb> xong", "đã được"."""
    n = len(keys)
    for j, k in enumerate(keys):
        nxt = keys[j + 1] if j + 1 < n else ""
        prev = keys[j - 1] if j else ""
        if k in HAVE and prev not in ("you", "do", "did", "not") and prev not in WH:
            at = j + 2 if nxt in _ADVERBS and j + 2 < n else j + 1  # "i have just emailed it", "we've already sent"
            nxt = keys[at] if at < n else ""
            w = keys[at + 1] if nxt == "been" and at + 1 < n else nxt
            if w == "not" or w == "never":
                continue
            if _participle(w) and (prev in PERSONAL or prev.endswith("s") or nxt == "been" or prev in ("we", "i")):
                return f"{k} {'been ' if nxt == 'been' else ''}{w}"
        if k == "been" and prev not in HAVE and prev not in ("not", "never", "you", "ever", "have", "be") and j > 0 \
                and _participle(nxt):  # "… dollars been transferred": the recogniser dropped "has"
            return f"been {nxt}"
        if k in BE and prev not in ("you", "not") and prev not in WH and j > 0:
            w = keys[j + 2] if nxt in ("now", "all", "already", "successfully") and j + 2 < n else nxt
            if nxt == "all" and w == "set":
                return f"{k} all set"
            if w in ("done", "complete", "completed", "confirmed", "resolved", "fixed", "ready", "sorted", "active",
                     "successful", "through", "finished", "approved", "open", "live",
                     "activated", "cancelled", "canceled", "unlocked", "unblocked", "approved", "booked",
                     "scheduled", "processed", "refunded", "credited", "updated", "reset", "sent", "closed",
                     "removed", "restored"):
                return f"{k} {w}"
        if k in DONE and prev in DONE_SUBJECTS and nxt not in ("yet", "soon", "by", "when"):
            return f"{prev} {k}"  # "got that done", "that's all done", "it went through"
    if folded:
        da, roi, vua, xong, duoc = "da", "roi", "vua", "xong", "duoc"
    else:
        da, roi, vua, xong, duoc = "đã", "rồi", "vừa", "xong", "được"
    neg = ("không", "chưa", "khong", "chua", "hông", "hong")
    for j, k in enumerate(keys):
        if k == da:
            window = keys[j + 1:j + 12]
            if any(w in neg for w in window[:2]):
                continue
            if roi in window or xong in window or (window[:1] == (duoc,) and len(window) > 1):
                return f"{da} … {roi if roi in window else xong if xong in window else duoc}"
            if j > 0 and keys[j - 1] in ("em", "bên", "ben", "chúng", "chung", "tôi", "toi", "mình", "minh", "shop") \
                    and len(window) >= 2:
                return f"{keys[j - 1]} {da} {window[0]}"
        if k == vua and j > 0 and keys[j - 1] in ("em", "bên", "ben", "tôi", "toi", "mình", "minh") and j + 1 < n:
            return f"{vua} {keys[j + 1]}"
        if k == xong and j > 0 and not any(w in neg for w in keys[max(0, j - 4):j]):
            return f"{keys[j - 1]} {xong}"
    return None


def _participle(w: str) -> bool:
    return len(w) > 3 and (w.endswith("ed") or w in IRREGULAR_PP)


def shared_with(view: TurnView, heard: set[str], heard_numbers: set[str]) -> tuple[list[str], list[str]]:
    """(content words, numbers) of an agent turn that the customer said before."""
    words = sorted(view.content & heard)
    nums = sorted(k for k in view.numbers & heard_numbers if k.isdigit() and len(k) >= 2)
    return words, nums


FUTURE_SUBJECTS = frozenset(["i", "we", "they", "it", "you", "someone", "he", "she"])
VI_FUTURE_SUBJECTS = frozenset(["em", "bên", "ben", "tôi", "toi", "chúng", "chung", "mình", "minh", "shop", "hệ", "he", "thống", "thong"])


def commitment(keys: Sequence[str], folded: bool) -> str | None:
    """A next step with an owner: English "<subject> will <verb>" (not negated, not "will be happy/here",
    "will try"); Vietnamese "<em/bên em/...> sẽ <verb>" or "sẽ được" (not "sẽ không")."""
    n = len(keys)
    for j, k in enumerate(keys):
        if k == "will" and j and keys[j - 1] in FUTURE_SUBJECTS and j + 1 < n:
            w = keys[j + 1]
            if w in ("not", "never", "try", "have", "need", "see", "wait", "keep", "help", "be") and not \
                    (w == "be" and j + 2 < n and (_participle(keys[j + 2]) or keys[j + 2] in ("ready", "there"))):
                continue
            return f"{keys[j - 1]} will {w}"
        if k in ("sẽ", "se") and j + 1 < n and (not folded or k == "se"):
            w = keys[j + 1]
            if w in ("không", "khong", "thử", "thu", "phải", "phai", "cần", "can"):
                continue
            if keys[j - 1] in VI_FUTURE_SUBJECTS if j else False:
                return f"{keys[j - 1]} {k} {w}"
            if w in ("được", "duoc", "nhận", "nhan", "gửi", "gui", "gọi", "goi", "có", "co", "tự", "tu"):
                return f"{k} {w}"
    return None



# a sentence without any of these keys states no completion and no commitment (checked before the patterns)
OUTCOME_TRIGGERS = HAVE | BE | DONE | frozenset(["will", "đã", "da", "vừa", "vua", "xong", "sẽ", "se"])


# words that put a sentence in the irrealis ("I hope everything is sorted", "if it has been sent"): no outcome
IRREALIS = frozenset(["hope", "hopefully", "if", "might", "may", "maybe", "perhaps", "wish", "unless", "nếu", "neu", "vọng", "vong"])


def outcome(keys: Sequence[str], folded: bool) -> str | None:
    """`completion` or `commitment` of a sentence (None when neither, or when the sentence is a hope or a
    condition)."""
    if OUTCOME_TRIGGERS.isdisjoint(keys) or not IRREALIS.isdisjoint(keys):
        return None
    return completion(keys, folded) or commitment(keys, folded)


VI_WH = frozenset(["gì", "nào", "đâu", "mấy", "gi", "nao", "dau", "may"])


def asks_which(keys: Sequence[str]) -> bool:
    """A wh-question (which/what/when/where/how; Vietnamese gì/nào/đâu/mấy) or an "X or Y?" one."""
    return any(k in WH or k in VI_WH for k in keys) or any(k in ("or", "hay", "hoặc", "hoac") for k in keys[1:-1])
