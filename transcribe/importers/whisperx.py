"""whisperX JSON output (`whisperx --output_format json`): one turn per segment, its speaker from the
diarization (SPEAKER_00, …; "unknown" without diarization), its words with their alignment scores (a word
whisperX could not align, such as a number, has no times and keeps only its text in the turn)."""
from __future__ import annotations

from typing import Any

from transcribe.importers.common import UNKNOWN_SPEAKER, ImportedCall, bad, language_of, seconds
from transcribe.types import Turn, Word

EXPECTED = ('whisperX output: {"segments": [{"start": s, "end": s, "text": …, "speaker": "SPEAKER_00", '
            '"words": [{"word": …, "start": s, "end": s, "score": 0..1}]}], "language": "vi"|"en"}')


def is_whisperx(data: Any) -> bool:
    segs = data.get("segments") if isinstance(data, dict) else None
    return isinstance(segs, list) and all(isinstance(s, dict) and "text" in s for s in segs[:5])


def _words(raw: Any) -> list[Word]:
    out = []
    for w in raw if isinstance(raw, list) else []:
        if not isinstance(w, dict) or not isinstance(w.get("word"), str):
            continue
        start, end = seconds(w.get("start")), seconds(w.get("end"))
        if start is None or end is None or end < start:
            continue
        score = seconds(w.get("score"))
        out.append(Word(start, end, w["word"].strip(), probability=min(score, 1.0) if score is not None else 1.0))
    return out


def read_whisperx(data: Any, path: str) -> ImportedCall:
    turns = []
    diarized = False
    for i, seg in enumerate(data["segments"]):
        where = f"segments[{i}]"
        if not isinstance(seg.get("text"), str):
            raise bad(path, f"{where}.text is not text", EXPECTED)
        words = _words(seg.get("words"))
        start = seconds(seg.get("start"))
        end = seconds(seg.get("end"))
        start = start if start is not None else (words[0].start if words else None)
        end = end if end is not None else (words[-1].end if words else None)
        if start is None or end is None:
            raise bad(path, f"{where} has no start/end time", EXPECTED)
        speaker = seg.get("speaker")
        diarized = diarized or isinstance(speaker, str)
        turn = Turn(speaker=speaker if isinstance(speaker, str) and speaker.strip() else UNKNOWN_SPEAKER,
                    start=start, end=max(end, start), text=seg["text"], words=words)
        if words:
            turn.confidence = round(sum(w.probability for w in words) / len(words), 4)
        turns.append(turn)
    return ImportedCall(turns, language_of(data.get("language")),
                        extra={"speakers_from": "diarization" if diarized else "none"})
