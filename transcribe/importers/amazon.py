"""Amazon Transcribe job output (JSON): `results.items` (words and punctuation), with speakers from
`results.speaker_labels` (speaker diarization: spk_0, spk_1, …) or `results.channel_labels` (channel
identification: ch_0, ch_1 — the turn keeps its channel). The job name is the call id."""
from __future__ import annotations

from typing import Any

from transcribe.importers.common import UNKNOWN_SPEAKER, ImportedCall, bad, language_of, seconds, turns_from_words
from transcribe.types import Word

EXPECTED = ('Amazon Transcribe output: {"jobName": …, "results": {"items": [{"type": "pronunciation", '
            '"start_time": "0.49", "end_time": "0.7", "alternatives": [{"content": …, "confidence": …}]}], '
            '"speaker_labels"|"channel_labels": …}}')


def is_amazon(data: Any) -> bool:
    results = data.get("results") if isinstance(data, dict) else None
    return isinstance(results, dict) and isinstance(results.get("items"), list) and "transcripts" in results


def _word(item: Any, path: str, where: str) -> tuple[Word | None, str | None]:
    """(word, speaker/channel label given on the item); punctuation comes back with no times."""
    if not isinstance(item, dict):
        raise bad(path, f"{where} is not an object", EXPECTED)
    alts = item.get("alternatives")
    best = alts[0] if isinstance(alts, list) and alts and isinstance(alts[0], dict) else {}
    content = best.get("content")
    if not isinstance(content, str):
        raise bad(path, f"{where} has no alternatives[0].content", EXPECTED)
    label = item.get("speaker_label") or item.get("channel_label")
    if item.get("type") == "punctuation":
        return Word(0.0, 0.0, content), label if isinstance(label, str) else None
    start, end = seconds(item.get("start_time")), seconds(item.get("end_time"))
    if start is None or end is None or end < start:
        raise bad(path, f"{where} has no usable start_time/end_time ({item.get('start_time')!r}, "
                        f"{item.get('end_time')!r})", EXPECTED)
    conf = seconds(best.get("confidence"))
    return Word(start, end, content, probability=min(conf, 1.0) if conf is not None else 1.0), \
        label if isinstance(label, str) else None


def _labelled(items: list[Any], path: str, where: str, default: str,
              by_start: dict[str, str]) -> list[tuple[str, Word]]:
    out: list[tuple[str, Word]] = []
    for i, item in enumerate(items):
        word, label = _word(item, path, f"{where}[{i}]")
        if word is None:
            continue
        if word.end == 0.0 and word.start == 0.0 and item.get("type") == "punctuation":
            if out:  # punctuation takes the time and speaker of the word before it
                prev = out[-1][1]
                out.append((out[-1][0], Word(prev.end, prev.end, word.text)))
            continue
        out.append((label or by_start.get(str(item.get("start_time"))) or default, word))
    return out


def read_amazon(data: Any, path: str) -> ImportedCall:
    results = data["results"]
    language = language_of(results.get("language_code") or data.get("language_code"))
    job = data.get("jobName")
    call_id = job if isinstance(job, str) and job.strip() else None
    channels = results.get("channel_labels")
    if isinstance(channels, dict) and isinstance(channels.get("channels"), list):
        words: list[tuple[str, Word, int | None]] = []
        for n, ch in enumerate(channels["channels"]):
            label = ch.get("channel_label") if isinstance(ch, dict) else None
            if not isinstance(label, str) or not isinstance(ch.get("items"), list):
                raise bad(path, f"results.channel_labels.channels[{n}] has no channel_label and items", EXPECTED)
            number = int(label.rsplit("_", 1)[-1]) if label.rsplit("_", 1)[-1].isdigit() else n
            words += [(lb, w, number) for lb, w in _labelled(ch["items"], path, f"channels[{n}].items", label, {})]
        words.sort(key=lambda x: (x[1].start, x[2] or 0))
        return ImportedCall(turns_from_words(words), language, call_id, {"speakers_from": "channel_labels"})
    by_start: dict[str, str] = {}
    speakers = results.get("speaker_labels")
    if isinstance(speakers, dict) and isinstance(speakers.get("segments"), list):
        for seg in speakers["segments"]:
            for it in (seg.get("items") or []) if isinstance(seg, dict) else []:
                if isinstance(it, dict) and isinstance(it.get("speaker_label"), str):
                    by_start[str(it.get("start_time"))] = it["speaker_label"]
    labelled = _labelled(results["items"], path, "results.items", UNKNOWN_SPEAKER, by_start)
    source = "speaker_labels" if by_start or any(lb != UNKNOWN_SPEAKER for lb, _ in labelled) else "none"
    turns = turns_from_words((lb, w, None) for lb, w in labelled)
    return ImportedCall(turns, language, call_id, {"speakers_from": source})
