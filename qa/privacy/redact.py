"""Turns with their personal data replaced by a placeholder of its kind ("[PHONE]", "[CCCD]", …): pure functions
over `transcribe.types` values (new turns and words; the input is left as it was).

In a turn's text each entity becomes its placeholder (Presidio's anonymizer, `replace`); in its words, the words an
entity covers become one word holding the placeholder that starts when the first of them starts and ends when the
last one ends — so a turn keeps its times and evidence still points at the second the number was spoken."""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qa.privacy.recognisers import KINDS, Entity, find_entities
from transcribe.types import Turn, Word

__all__ = ["Redaction", "phone_numbers", "placeholder", "redact_text", "redact_turns"]


def placeholder(kind: str) -> str:
    return f"[{kind}]"


@dataclass(frozen=True)
class Redaction:
    """What was redacted in a call: entities by kind and how many turns changed (no redacted value is kept)."""

    counts: dict[str, int] = field(default_factory=dict)
    turns: int = 0
    kinds: tuple[str, ...] = KINDS

    def record(self) -> dict[str, Any]:
        """Stored with the call (calls.extra["privacy"])."""
        return {"redacted": True, "kinds": list(self.kinds), "entities": dict(sorted(self.counts.items())),
                "turns": self.turns}


@cache
def _anonymizer() -> Any:
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()


def _replace(text: str, entities: Sequence[Entity]) -> str:
    if not entities:
        return text
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    results = [RecognizerResult(e.kind, e.start, e.end, e.score) for e in entities]
    operators = {e.kind: OperatorConfig("replace", {"new_value": placeholder(e.kind)}) for e in entities}
    return str(_anonymizer().anonymize(text=text, analyzer_results=results, operators=operators).text)


def redact_text(text: str, kinds: frozenset[str] | None = None) -> tuple[str, list[Entity]]:
    """`text` with its entities replaced by placeholders, and the entities (spans of the original text)."""
    entities = find_entities(text, kinds)
    return _replace(text, entities), entities


def _word_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int]] | None:
    """Where each word's text lies in `text`, in order; None when the words are not the text's."""
    pos, spans = 0, []
    for w in words:
        t = w.text.strip()
        k = text.find(t, pos) if t else pos
        if k < 0:
            return None
        spans.append((k, k + len(t)))
        pos = k + len(t)
    return spans


def _redact_words(words: list[Word], text: str, spans: list[tuple[int, int]], entities: Sequence[Entity]) -> list[Word]:
    """`entities` (in text order) over `words` (at `spans` of `text`): the words each covers become one word."""
    out: list[Word] = []
    k = 0
    for ent in entities:
        first = k
        while first < len(spans) and (spans[first][1] <= ent.start or spans[first][1] == spans[first][0]):
            first += 1
        last = first
        while last + 1 < len(spans) and spans[last + 1][0] < ent.end:
            last += 1
        if first >= len(spans) or spans[first][0] >= ent.end:
            continue
        out.extend(words[k:first])
        w0, w1 = words[first], words[last]
        lead = w0.text[:len(w0.text) - len(w0.text.lstrip())]
        before = text[spans[first][0]:max(spans[first][0], ent.start)]
        after = text[min(spans[last][1], ent.end):spans[last][1]]
        part = words[first:last + 1]
        out.append(Word(w0.start, w1.end, lead + before + placeholder(ent.kind) + after,
                        min(w.probability for w in part), next((w.flag for w in part if w.flag), None)))
        k = last + 1
    out.extend(words[k:])
    return out


def redact_turns(turns: Sequence[Turn], kinds: frozenset[str] | None = None) -> tuple[list[Turn], Redaction]:
    """New turns with the entities of `kinds` (default: all of KINDS) replaced in text and words, word times kept."""
    counts: Counter[str] = Counter()
    changed = 0
    out: list[Turn] = []
    for turn in turns:
        text, entities = redact_text(turn.text, kinds)
        words = list(turn.words)
        if words:
            spans = _word_spans(turn.text, words)
            word_entities: Sequence[Entity] = entities
            word_text = turn.text
            if spans is None:  # words that are not the text's own: redacted on their own text
                word_text = " ".join(w.text.strip() for w in words)
                spans = _word_spans(word_text, words)
                word_entities = find_entities(word_text, kinds)
            if word_entities and spans is not None:
                words = _redact_words(words, word_text, spans, word_entities)
        if entities or words != turn.words:
            changed += 1
            counts.update(e.kind for e in entities)
            out.append(dataclasses.replace(turn, text=text, words=words))
        else:
            out.append(turn)
    return out, Redaction(dict(counts), changed, tuple(sorted(kinds, key=KINDS.index)) if kinds else KINDS)


def phone_numbers(turns: Sequence[Turn], speaker: str | None = None) -> list[str]:
    """The phone numbers said in `turns` (of `speaker` only, when given), in E.164 form ("+84912345678"), first
    mention first, each once — read from the text BEFORE redaction (a repeat-caller key, for instance)."""
    import phonenumbers

    seen: dict[str, None] = {}
    for turn in turns:
        if speaker is not None and turn.speaker != speaker:
            continue
        for ent in find_entities(turn.text, frozenset({"PHONE"})):
            d = ent.digits
            for number, region in ((d, "VN") if d.startswith("0") else ("+" + d, None), (d, "US")):
                try:
                    parsed = phonenumbers.parse(number, region)
                except phonenumbers.NumberParseException:
                    continue
                if phonenumbers.is_valid_number(parsed):
                    seen.setdefault(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
                    break
    return list(seen)
