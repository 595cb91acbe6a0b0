"""SubRip (.srt) subtitles, read with the `srt` package: one turn per subtitle; speakers from "Name: …"."""
from __future__ import annotations

from transcribe.importers.common import ImportedCall, bad
from transcribe.importers.text_cues import cue_turns

EXPECTED = "SubRip subtitles: numbered blocks of '00:00:01,000 --> 00:00:02,500' and text"


def read_srt(text: str, path: str) -> ImportedCall:
    import srt

    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise bad(path, f"is not valid SRT ({str(exc)[:160]})", EXPECTED) from None
    cues = [(s.start.total_seconds(), s.end.total_seconds(), s.content, None) for s in subs]
    turns, speakers = cue_turns(cues)
    return ImportedCall(turns, extra={"speakers_from": speakers})
