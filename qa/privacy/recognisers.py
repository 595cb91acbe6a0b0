"""Which spans of a text are personal data, by Presidio's analyzer: its own recognisers where they fit (email with
the domain checked, card numbers with the Luhn checksum, formatted US SSNs) and recognisers of ours for what it has
none of or cannot see in speech — Vietnamese citizen IDs (CCCD/CMND), phone numbers of Vietnam and North America
(checked by `phonenumbers`), bank accounts, SSNs read out as digits, emails spelled out ("john dot smith at gmail dot
com", "a còng gmail chấm com"), street addresses and names after a cue ("my name is", "tên em là").

Numbers are read on the digit view of the text (`qa.privacy.spoken`): spoken digits and digit groups become one
digit string, so "không chín một …", "zero nine one …" and "079 203 001 234" are found like "0912345678".
Presidio runs with an NLP engine that does no NLP (no spaCy model: none is downloaded), nothing is sent anywhere."""
from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from typing import Any

from qa.privacy.spoken import digit_view

__all__ = ["KINDS", "Entity", "find_entities"]

KINDS: tuple[str, ...] = ("PHONE", "CCCD", "CARD", "ACCOUNT", "EMAIL", "SSN", "ADDRESS", "NAME")
DIGIT_KINDS = frozenset({"PHONE", "CCCD", "CARD", "ACCOUNT", "SSN"})
# which kind wins where two overlap
PRIORITY = {"CARD": 7, "EMAIL": 6, "CCCD": 5, "SSN": 4, "PHONE": 3, "ACCOUNT": 2, "ADDRESS": 1, "NAME": 0}
PRESIDIO_KINDS = {"CREDIT_CARD": "CARD", "EMAIL_ADDRESS": "EMAIL", "US_SSN": "SSN"}
LANG = "en"  # Presidio's language code for every recogniser: the patterns below carry both languages

# words before a number that say what it is (folded: lower case, no diacritics), nearest one wins
CONTEXT: dict[str, tuple[str, ...]] = {
    "PHONE": ("dien thoai", "so may", "sdt", "phone", "mobile", "cell", "goi lai", "call me", "call back", "zalo",
              "hotline", "lien lac", "contact number", "reach me"),
    "CCCD": ("can cuoc", "cccd", "chung minh", "cmnd", "cmt", "dinh danh", "citizen id", "id card", "national id",
             "id number"),
    "SSN": ("social security", "ssn", "social", "an sinh"),
    "ACCOUNT": ("tai khoan", "stk", "so tk", "account", "acct", "iban", "routing", "ngan hang", "bank"),
    "CARD": ("the tin dung", "so the", "the ghi no", "card", "visa", "mastercard"),
}
WINDOW = 60  # characters before a number searched for its context
# Vietnam's 63 provinces' codes, the first three digits of a CCCD
CCCD_PROVINCES = frozenset(f"{n:03d}" for n in (
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45,
    46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92,
    93, 94, 95, 96))


@dataclass(frozen=True)
class Entity:
    """One span of personal data: `kind` (one of KINDS), `start`..`end` in the text, the text itself (`value`),
    its digits for the digit kinds, the recogniser's score."""

    kind: str
    start: int
    end: int
    value: str
    digits: str = ""
    score: float = 1.0


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), one character per character (offsets are kept)."""
    out = []
    for ch in text.lower():
        base = unicodedata.normalize("NFD", ch)[0]
        out.append("d" if ch == "đ" else base)
    return "".join(out)


def luhn(digits: str) -> bool:
    total = 0
    for k, ch in enumerate(reversed(digits)):
        d = int(ch)
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _valid_ssn(d: str) -> bool:
    return len(d) == 9 and d[:3] not in ("000", "666") and d[0] != "9" and d[3:5] != "00" and d[5:] != "0000"


@cache
def _phonenumbers() -> Any:
    import phonenumbers

    return phonenumbers


def is_phone(d: str) -> bool:
    """A valid number of Vietnam (0… national, 84… international) or North America (10 digits, 1 + 10)."""
    pn = _phonenumbers()
    tries: list[tuple[str, str | None]] = []
    if len(d) == 10 and d[0] == "0" or len(d) == 11 and d[:2] == "02":
        tries.append((d, "VN"))
    if len(d) in (11, 12) and d[:2] == "84":
        tries.append(("+" + d, None))
    if len(d) == 10 and d[0] in "23456789" or len(d) == 11 and d[0] == "1":
        tries.append((d, "US"))
    for number, region in tries:
        try:
            if pn.is_valid_number(pn.parse(number, region)):
                return True
        except pn.NumberParseException:
            continue
    return False


def _context(view: str, start: int) -> frozenset[str]:
    """The kinds whose words stand in the `WINDOW` characters before `start`."""
    before = fold(view[max(0, start - WINDOW):start])
    return frozenset(kind for kind, words in CONTEXT.items() if any(w in before for w in words))


VN_MOBILE = re.compile(r"^(?:0|84)[35789]\d{8}$")


def classify(d: str, context: frozenset[str] = frozenset()) -> str | None:
    """The kind of one digit string by its shape and checksum; the words before it choose among the shapes it fits
    (a specific kind before an account number, which any shape fits)."""
    n = len(d)
    shapes = {
        "CARD": 13 <= n <= 19 and luhn(d),
        "CCCD": n == 12 and d[:3] in CCCD_PROVINCES or n == 9 and "CCCD" in context,
        "SSN": _valid_ssn(d),
        "PHONE": is_phone(d) or ("PHONE" in context and bool(VN_MOBILE.match(d))),
        "ACCOUNT": 6 <= n <= 19,
    }
    for kind in ("CARD", "CCCD", "SSN", "PHONE", "ACCOUNT"):
        if kind in context and shapes[kind]:
            return kind
    for kind in ("CARD", "CCCD", "PHONE"):
        if shapes[kind]:
            return kind
    if n >= 9:  # a long number of no known shape is an identifier all the same
        return "ACCOUNT"
    return None


SPLIT_SCORES = {"CARD": 10.0, "CCCD": 8.0, "PHONE": 8.0, "SSN": 2.0, "ACCOUNT": 1.0}


def _number_score(d: str) -> float:
    """How surely a digit string is one identifier: a run too long for one is cut where the sum is highest."""
    kind = classify(d)
    return SPLIT_SCORES[kind] if kind else 0.0


# -- Presidio -------------------------------------------------------------------------------------------------------
_CUE_EN = (r"\b(?:my name is|my name's|name is|this is|i am|i'm|speaking with|talking to|"
           r"mr\.?|mrs\.?|ms\.?|miss|dear)\s+")
_CUE_VI = (r"(?:\btên(?: của)?(?: em| tôi| mình| chị| anh| cô| chú| bác| con| cháu)?(?: là)?|\bhọ tên(?: là)?|"
           r"\b(?:em|tôi|mình|chị|anh|cô|chú|bác|cháu) là)\s*")
_WORD = r"[^\W\d_][\w'’-]*"
_STREET_EN = (r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|"
              r"Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Highway|Hwy)\b\.?"
              r"(?:,?\s+(?:Apt|Apartment|Suite|Unit)\.?\s+\w+)?(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?")
_STREET_VI = (r"(?:\b(?i:số)\s+)?\b\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?)*\s+(?i:đường|phố|ngõ|ngách|hẻm|kiệt)\s+"
              r"(?:CAP\w*|\d{1,3})(?:\s+CAP\w*){0,4}"
              r"(?:,?\s*(?i:phường|quận|huyện|xã|thị trấn|thị xã|tỉnh|thành phố|tp\.?)\s+(?:CAP\w*|\d{1,2})"
              r"(?:\s+CAP\w*){0,3})*")
_EMAIL_SPOKEN = (r"\b[a-z][\w]*(?:\s+(?:dot|chấm|gạch dưới|underscore)\s+[\w]+){0,4}\s+(?:at|a còng|a móc|@)\s+"
                 r"[a-z][\w]*(?:\s+(?:dot|chấm)\s+[a-z]+){0,3}\s+(?:dot|chấm)\s+(?:com|net|org|vn|edu|gov|io|co)\b")


@cache
def _upper() -> str:
    return "".join(chr(c) for c in range(0x41, 0x1F00) if chr(c).isupper() and chr(c).isalpha())


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    cap = f"[{_upper()}]"
    return {
        "name_en": re.compile(_CUE_EN + f"({_WORD}(?:\\s+{_WORD}){{0,2}})", re.IGNORECASE),
        "name_vi": re.compile(_CUE_VI + f"({_WORD}(?:\\s+{_WORD}){{0,3}})", re.IGNORECASE),
        "street_en": re.compile(_STREET_EN),
        "street_vi": re.compile(_STREET_VI.replace("CAP", cap)),
        "email_spoken": re.compile(_EMAIL_SPOKEN, re.IGNORECASE),
        "number": re.compile(r"(?<!\d)\d{6,19}(?!\d)"),
    }


NOT_NAMES = frozenset(fold(w) for w in (
    "I", "Sorry", "Calling", "Here", "Fine", "Good", "Okay", "Ok", "Yes", "No", "The", "A", "An", "From", "With",
    "Just", "Not", "So", "Very", "Really", "Glad", "Happy", "Sure", "Customer", "Agent", "Support", "Service", "Dạ",
    "Vâng", "Ạ", "Em", "Chị", "Anh", "Cô", "Chú", "Bác", "Nhân", "Khách", "Người", "Bên", "Tổng", "Đài", "Ngân",
    "Hello", "Hi", "Xin", "Cảm", "Cám", "Mình", "Tôi", "Đây", "Ai", "Gì", "Thế", "Ở", "Là", "Có", "Không", "Đang",
    "Muốn", "Cần", "Gọi", "Thank", "Thanks", "Please", "Your", "My", "Our", "We", "You", "He", "She", "They"))


def _name_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The capitalised words of a cue's match (a name is written with capitals; "em là nhân viên" is not one)."""
    start = m.start(1)
    end = start
    for w in re.finditer(r"\S+", m.group(1)):
        word = w.group().rstrip(",.;:?!")
        if not word or not word[0].isupper() or fold(word) in NOT_NAMES:
            break
        end = start + w.start() + len(word)
        if word != w.group():
            break
    return (start, end) if end > start else None


def _recognisers() -> list[Any]:
    from presidio_analyzer import EntityRecognizer, RecognizerResult
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, EmailRecognizer, UsSsnRecognizer

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's email recogniser with the public-suffix list shipped in tldextract (never fetched)."""

        def validate_result(self, pattern_text: str) -> bool:
            return bool(_tld_extract()(pattern_text).fqdn)

    class NumberRecognizer(EntityRecognizer):
        """Digit strings of the digit view, told apart by shape, checksum and the words before them."""

        def __init__(self) -> None:
            super().__init__(supported_entities=sorted(DIGIT_KINDS), name="callqa numbers", supported_language=LANG)

        def load(self) -> None:
            pass

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            out = []
            for m in _patterns()["number"].finditer(text):
                kind = classify(m.group(), _context(text, m.start()))
                if kind and kind in entities:
                    out.append(RecognizerResult(kind, m.start(), m.end(), 0.9))
            return out

    class CueRecognizer(EntityRecognizer):
        """Names after a cue, street addresses, emails spelled out: regular expressions of both languages."""

        def __init__(self) -> None:
            super().__init__(supported_entities=["NAME", "ADDRESS", "EMAIL"], name="callqa cues",
                             supported_language=LANG)

        def load(self) -> None:
            pass

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            p, out = _patterns(), []
            if "NAME" in entities:
                for key in ("name_en", "name_vi"):
                    for m in p[key].finditer(text):
                        span = _name_span(text, m)
                        if span:
                            out.append(RecognizerResult("NAME", span[0], span[1], 0.6))
            if "ADDRESS" in entities:
                out += [RecognizerResult("ADDRESS", m.start(), m.end(), 0.7)
                        for key in ("street_en", "street_vi") for m in p[key].finditer(text)]
            if "EMAIL" in entities:
                out += [RecognizerResult("EMAIL", m.start(), m.end(), 0.8) for m in p["email_spoken"].finditer(text)]
            return out

    return [OfflineEmailRecognizer(supported_language=LANG), CreditCardRecognizer(supported_language=LANG),
            UsSsnRecognizer(supported_language=LANG), NumberRecognizer(), CueRecognizer()]


@cache
def _tld_extract() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the snapshot inside the package


@cache
def analyzer() -> Any:
    """Presidio's analyzer with the recognisers above and an NLP engine that does no NLP (built once, on first use):
    every recogniser here is a pattern with a checksum or a cue, so no spaCy model (none could be downloaded) and
    no tokenizer is needed."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

    class PatternsOnly(NlpEngine):
        """No tokens, no lemmas, no named entities: Presidio's context enhancer has nothing to add."""

        def load(self) -> None:
            pass

        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> Any:
            no_tokens: Any = []
            return NlpArtifacts(entities=[], tokens=no_tokens, tokens_indices=[], lemmas=[], nlp_engine=self,
                                language=language)

        def process_batch(self, texts: Any, language: str, batch_size: int = 1, n_process: int = 1,
                          **kwargs: Any) -> Any:
            for text in texts:
                yield text, self.process_text(text, language)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return [LANG]

    registry = RecognizerRegistry(supported_languages=[LANG])
    for r in _recognisers():
        registry.add_recognizer(r)
    return AnalyzerEngine(nlp_engine=PatternsOnly(), registry=registry, supported_languages=[LANG])


TEXT_ENTITIES = ["EMAIL_ADDRESS", "US_SSN", "NAME", "ADDRESS", "EMAIL"]
VIEW_ENTITIES = ["CREDIT_CARD", *sorted(DIGIT_KINDS)]


def find_entities(text: str, kinds: frozenset[str] | None = None) -> list[Entity]:
    """The personal data in `text` (any of the two languages), non-overlapping, in text order; `kinds`: only these
    (default: all of KINDS)."""
    if not text.strip():
        return []
    wanted = frozenset(KINDS) if kinds is None else kinds
    engine = analyzer()
    found: list[Entity] = []
    for r in engine.analyze(text, language=LANG, entities=TEXT_ENTITIES, score_threshold=0.4):
        kind = PRESIDIO_KINDS.get(r.entity_type, r.entity_type)
        value = text[r.start:r.end]
        found.append(Entity(kind, r.start, r.end, value, re.sub(r"\D", "", value) if kind in DIGIT_KINDS else "",
                            r.score))
    view, back, _ = digit_view(text, _number_score)
    if any(ch.isdigit() for ch in view):
        for r in engine.analyze(view, language=LANG, entities=VIEW_ENTITIES, score_threshold=0.4):
            kind = PRESIDIO_KINDS.get(r.entity_type, r.entity_type)
            s, e = back.span(r.start, r.end)
            found.append(Entity(kind, s, e, text[s:e], re.sub(r"\D", "", view[r.start:r.end]), r.score))
    return _resolve([f for f in found if f.kind in wanted])


def _resolve(found: list[Entity]) -> list[Entity]:
    """Overlaps settled by PRIORITY (then the longer span)."""
    starts: list[int] = []
    kept: list[Entity] = []  # sorted by start, never overlapping
    for ent in sorted(found, key=lambda x: (-PRIORITY[x.kind], -(x.end - x.start), x.start)):
        k = bisect_left(starts, ent.start)
        if (k < len(kept) and kept[k].start < ent.end) or (k > 0 and kept[k - 1].end > ent.start):
            continue
        starts.insert(k, ent.start)
        kept.insert(k, ent)
    return kept


if __name__ == "__main__":  # python -m qa.privacy.recognisers "text": the entities found, for a quick look
    for e in find_entities(" ".join(sys.argv[1:])):
        print(e.kind, repr(e.value))
