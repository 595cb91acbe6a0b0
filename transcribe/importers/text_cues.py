"""Subtitle cues (SRT, WebVTT) as turns: markup removed, and a speaker taken from a "Name: text" prefix when most
cues carry one (subtitle files of calls often write the speaker that way)."""
from __future__ import annotations

import html
import re
from collections.abc import Sequence

from transcribe.importers.common import UNKNOWN_SPEAKER
from transcribe.types import Turn

_TAG = re.compile(r"<[^>]{0,200}>")
_PREFIX = re.compile(r"^\s*(?:\[([^\]\n]{1,40})\]|\(([^)\n]{1,40})\)|([^\s:\[\]()][^:\n]{0,39})):\s*(.*)$", re.S)


def plain(text: str) -> str:
    """Cue text without tags (<i>, <c.x>, <00:01.000>) and entities, on one line."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _prefix(text: str) -> tuple[str, str] | None:
    m = _PREFIX.match(text)
    if not m:
        return None
    name = (m.group(1) or m.group(2) or m.group(3) or "").strip()
    if not name or len(name.split()) > 4 or name.replace(".", "").isdigit():
        return None
    return name, m.group(4).strip()


def cue_turns(cues: Sequence[tuple[float, float, str, str | None]]) -> tuple[list[Turn], str]:
    """(start, end, text, voice or None) per cue -> turns, and where their speakers came from: "voice" (WebVTT
    <v> tags), "prefix" ("Name: …"), or "none" (every turn is labelled "unknown")."""
    voiced = sum(1 for *_, v in cues if v)
    if cues and voiced * 2 >= len(cues):
        turns = [Turn(speaker=v or UNKNOWN_SPEAKER, start=a, end=b, text=plain(t)) for a, b, t, v in cues]
        return turns, "voice"
    texts = [plain(t) for _, _, t, _ in cues]
    found = [_prefix(t) for t in texts]
    if cues and sum(1 for f in found if f) * 2 > len(cues):
        turns = []
        last = UNKNOWN_SPEAKER
        for (a, b, _, _), text, f in zip(cues, texts, found):
            if f:
                last, text = f
            turns.append(Turn(speaker=last, start=a, end=b, text=text))
        return turns, "prefix"
    return [Turn(speaker=UNKNOWN_SPEAKER, start=a, end=b, text=t) for (a, b, _, _), t in zip(cues, texts)], "none"
