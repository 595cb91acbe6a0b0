"""Azure AI Speech batch transcription result (JSON): one turn per recognized phrase (`recognizedPhrases`, sorted
by offset — stereo results come channel by channel), its text from `nBest[0].display`, its speaker from
`speaker` (diarization: 1, 2, …) or, on a stereo file, from `channel` (the turn keeps its channel). Times are
`offsetInTicks`/`durationInTicks` (100 ns) or the ISO 8601 `offset`/`duration`."""
from __future__ import annotations

from typing import Any

from transcribe.importers.common import ImportedCall, bad, language_of, seconds
from transcribe.types import Turn, Word

EXPECTED = ('an Azure batch transcription result: {"recognizedPhrases": [{"recognitionStatus": "Success", '
            '"channel": 0, "speaker": 1, "offsetInTicks": …, "durationInTicks": …, "nBest": [{"display": …}]}]}')
TICKS = 10_000_000


def is_azure(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("recognizedPhrases"), list)


def _span(obj: dict[str, Any]) -> tuple[float, float] | None:
    """(start, end) seconds of a phrase or word, from ticks or ISO durations."""
    ticks, dticks = seconds(obj.get("offsetInTicks")), seconds(obj.get("durationInTicks"))
    if ticks is not None and dticks is not None:
        return ticks / TICKS, (ticks + dticks) / TICKS
    off, dur = seconds(obj.get("offset")), seconds(obj.get("duration"))
    if off is not None and dur is not None:
        return off, off + dur
    return None


def _words(best: dict[str, Any]) -> list[Word]:
    raw = best.get("words") or best.get("displayWords") or []
    out = []
    for w in raw if isinstance(raw, list) else []:
        text = w.get("word", w.get("displayText")) if isinstance(w, dict) else None
        span = _span(w) if isinstance(text, str) else None
        if span is None or not isinstance(text, str):
            continue
        conf = seconds(w.get("confidence"))
        out.append(Word(span[0], span[1], text, probability=min(conf, 1.0) if conf is not None else 1.0))
    return out


def read_azure(data: Any, path: str) -> ImportedCall:
    phrases = [p for p in data["recognizedPhrases"] if isinstance(p, dict)]
    ok = [p for p in phrases if p.get("recognitionStatus", "Success") == "Success"]
    channels = {p.get("channel") for p in ok}
    diarized = any("speaker" in p for p in ok)
    turns = []
    for i, p in enumerate(ok):
        nbest = p.get("nBest")
        best = nbest[0] if isinstance(nbest, list) and nbest else None
        text = best.get("display", best.get("lexical")) if isinstance(best, dict) else None
        if not isinstance(best, dict) or not isinstance(text, str):
            raise bad(path, f"recognizedPhrases[{i}] has no nBest[0].display text", EXPECTED)
        span = _span(p)
        if span is None:
            raise bad(path, f"recognizedPhrases[{i}] has no offsetInTicks/durationInTicks (or offset/duration)",
                      EXPECTED)
        channel = p.get("channel") if isinstance(p.get("channel"), int) else None
        if diarized:
            label = f"speaker_{p.get('speaker')}"
        elif len(channels) > 1 and channel is not None:
            label = f"ch_{channel}"
        else:
            label = "speaker_1"
        words = _words(best)
        turn = Turn(speaker=label, start=span[0], end=span[1], text=text,
                    words=words, channel=channel if len(channels) > 1 else None)
        conf = seconds(best.get("confidence"))
        turn.confidence = min(conf, 1.0) if conf is not None else 1.0
        turns.append(turn)
    turns.sort(key=lambda t: (t.start, t.channel or 0))
    locale = data.get("locale") or next((p.get("locale") for p in ok if p.get("locale")), None)
    source = "diarization" if diarized else "channel" if len(channels) > 1 else "none"
    return ImportedCall(turns, language_of(locale), extra={"speakers_from": source,
                                                            "failed_phrases": len(phrases) - len(ok)})
