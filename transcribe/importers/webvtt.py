"""WebVTT (.vtt) captions, read with `webvtt-py`: one turn per cue, the speaker from its <v Name> voice tag
(Microsoft Teams and Zoom write them), else from a "Name: …" prefix."""
from __future__ import annotations

import html

from transcribe.importers.common import ImportedCall, bad, seconds
from transcribe.importers.text_cues import cue_turns

EXPECTED = "WebVTT captions: a 'WEBVTT' line, then cues of '00:01.000 --> 00:02.500' and text"


def read_vtt(text: str, path: str) -> ImportedCall:
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        captions = webvtt.from_string(text).captions
    except (MalformedFileError, ValueError) as exc:
        raise bad(path, f"is not valid WebVTT ({str(exc)[:160] or 'malformed'})", EXPECTED) from None
    cues = []
    for i, c in enumerate(captions):
        start, end = seconds(c.start), seconds(c.end)
        if start is None or end is None:
            raise bad(path, f"cue {i + 1} has an unreadable time ({c.start!r} --> {c.end!r})", EXPECTED)
        cues.append((start, end, c.raw_text, html.unescape(c.voice or "").strip() or None))
    turns, speakers = cue_turns(cues)
    return ImportedCall(turns, extra={"speakers_from": speakers})
