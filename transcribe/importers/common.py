"""What every importer returns (`ImportedCall`), and the pure helpers they share: times, words into turns,
speaker names into roles, and the checks that make an imported call a valid `Transcript`."""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from transcribe.errors import InputError
from transcribe.formats import MAX_ID_CHARS, TRANSCRIPT_LANGUAGES, Limits
from transcribe.types import AGENT, CUSTOMER, ROLES, Transcript, Turn, Word

UNKNOWN_SPEAKER = "unknown"


@dataclass
class ImportedCall:
    """A call as one importer read it: turns in spoken order with speaker labels (any label; roles are decided
    later), and what the file said of the call (None: it did not say)."""

    turns: list[Turn]
    language: str | None = None
    call_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def bad(path: str, problem: str, expected: str) -> InputError:
    """The error for a file in a known format that cannot be read as such."""
    return InputError(path, problem, f"expected {expected}")


_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$")
_ISO = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def seconds(value: Any) -> float | None:
    """A time as seconds: a number, a numeric string ("15.09"), a clock ("01:02:03.5", "02:03,5") or an ISO 8601
    duration ("PT1.59S"); None when it is none of these, negative or not finite."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        text = value.strip()
        clock, iso = _CLOCK.match(text), _ISO.match(text)
        if clock:
            h, m, s = clock.groups()
            out = int(h or 0) * 3600 + int(m) * 60 + float(s.replace(",", "."))
        elif iso and text not in ("P", "PT"):
            d, h, m, s = (float(g) if g else 0.0 for g in iso.groups())
            out = d * 86400 + h * 3600 + m * 60 + s
        else:
            try:
                out = float(text)
            except ValueError:
                return None
    else:
        return None
    return out if math.isfinite(out) and out >= 0 else None


def need_seconds(value: Any, path: str, where: str, expected: str) -> float:
    out = seconds(value)
    if out is None:
        raise bad(path, f"{where} is not a time in seconds ({str(value)[:40]!r})", expected)
    return out


def language_of(code: Any) -> str | None:
    """'vi-VN' -> 'vi', 'en_US' -> 'en'; None for any language callqa does not score."""
    if not isinstance(code, str):
        return None
    lang = code.strip().lower().replace("_", "-").split("-")[0]
    return lang if lang in TRANSCRIPT_LANGUAGES else None


def turns_from_words(words: Iterable[tuple[str, Word, int | None]], *, gap: float = 2.0) -> list[Turn]:
    """(speaker label, word, channel) in spoken order -> one turn per run of the same speaker (a pause longer
    than `gap` seconds starts a new turn too). Punctuation-only words join the word before them."""
    turns: list[Turn] = []
    for label, word, channel in words:
        last = turns[-1] if turns else None
        if last is not None and last.speaker == label and word.start - last.end <= gap:
            glue = "" if re.fullmatch(r"[^\w\s]+", word.text) else " "
            last.text = f"{last.text}{glue}{word.text}".strip()
            last.end = max(last.end, word.end)
            last.words.append(word)
        else:
            turns.append(Turn(speaker=label, start=word.start, end=word.end, text=word.text, words=[word],
                              channel=channel))
    for t in turns:
        t.confidence = round(sum(w.probability for w in t.words) / len(t.words), 4) if t.words else 1.0
    return turns


def name_roles(turns: Sequence[Turn], agent_labels: Sequence[str], customer_labels: Sequence[str]) -> None:
    """Speaker names that say the role ("Agent", "Khách hàng") become agent/customer, in place (the name is kept
    in `extra["label"]`). When names say only one side, every other speaker is the other side."""
    agents = {a.casefold().strip() for a in agent_labels}
    customers = {c.casefold().strip() for c in customer_labels}
    named = {}
    for t in turns:
        key = t.speaker.casefold().strip()
        named[t.speaker] = AGENT if key in agents else CUSTOMER if key in customers else None
    sides = {r for r in named.values() if r}
    if not sides:
        return
    other = (CUSTOMER if AGENT in sides else AGENT) if len(sides) == 1 else None
    for t in turns:
        role = named[t.speaker] or other
        if role and t.speaker not in ROLES:
            t.extra.setdefault("label", t.speaker)
            t.speaker = role


def _identifier(value: str, path: str, name: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_ID_CHARS or not value.isprintable():
        raise InputError(path, f"{name} {value[:40]!r} is not usable as a call id (1 to {MAX_ID_CHARS} printable "
                         "characters)", "rename the file, or give the call id in the file")
    return value


def call_id_from_name(path: str) -> str:
    """The file's name without its folder and extension ("calls/0912_1.srt" -> "0912_1")."""
    import os

    base = os.path.basename(path)
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return _identifier(stem, path, "the file name")


def finish(path: str, call: ImportedCall, fmt: str, default_language: str, limits: Limits) -> Transcript:
    """Check an imported call against the transcript limits and make it a `Transcript` (roles not decided)."""
    turns = [t for t in call.turns if t.text.strip()]
    if not turns:
        raise InputError(path, f"has no speech to score (a {fmt} file with no text)",
                         "check that it is the transcript of a call")
    if len(turns) > limits.max_turns:
        raise InputError(path, f"has {len(turns)} turns, more than the {limits.max_turns} one call may have",
                         "check that it is a single call's transcript (split a merged export per call)")
    for i, t in enumerate(turns):
        if len(t.text) > limits.max_text_chars:
            raise InputError(path, f"turn {i} is {len(t.text)} characters long, more than the "
                             f"{limits.max_text_chars} one turn may have", "check how the file was produced")
        if t.end < t.start:
            raise InputError(path, f"turn {i} ends ({t.end:g} s) before it starts ({t.start:g} s)",
                             "check how the file was produced")
        t.text = t.text.strip()
        t.speaker = t.speaker.strip()[:MAX_ID_CHARS] or UNKNOWN_SPEAKER
    call_id = _identifier(call.call_id, path, "call id") if call.call_id else call_id_from_name(path)
    language = call.language if call.language in TRANSCRIPT_LANGUAGES else default_language
    extra = {"import_format": fmt, **call.extra}
    if call.language is None:
        extra["language_from"] = "imports.language setting"
    return Transcript(call_id=call_id, language=language, turns=turns, duration=max(t.end for t in turns),
                      source="transcript", source_path=path, extra=extra,
                      roles={"method": "transcript", "confidence": 1.0})
