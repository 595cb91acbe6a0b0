"""Pure functions that turn recognised words into speaker turns."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transcribe.types import Turn, Word


@dataclass(frozen=True)
class LabeledWord:
    """A word attributed to a speaker label (a role, a channel name or a diarization label)."""

    speaker: str
    word: Word
    channel: int | None = None


def assign_speakers(words: Sequence[Word], segments: Sequence[tuple[float, float, str]]) -> list[str | None]:
    """Label each word with the speaker of the segment it overlaps most (nearest segment if none).

    `segments` are (start, end, label), e.g. pyannote's exclusive (non-overlapping) diarization.
    Returns None for a word only when there are no segments at all.
    """
    labels: list[str | None] = []
    for w in words:
        best, best_overlap, best_dist = None, 0.0, float("inf")
        mid = (w.start + w.end) / 2
        for start, end, label in segments:
            overlap = min(w.end, end) - max(w.start, start)
            if overlap > best_overlap:
                best, best_overlap = label, overlap
            elif best_overlap <= 0:
                dist = 0.0 if start <= mid <= end else min(abs(mid - start), abs(mid - end))
                if dist < best_dist:
                    best, best_dist = label, dist
        labels.append(best)
    return labels


def _utterances(words: Sequence[LabeledWord], max_gap: float) -> list[list[LabeledWord]]:
    """Split one speaker's time-ordered words where the silence between them exceeds `max_gap`."""
    groups: list[list[LabeledWord]] = []
    for lw in words:
        if groups and lw.word.start - groups[-1][-1].word.end <= max_gap:
            groups[-1].append(lw)
        else:
            groups.append([lw])
    return groups


def words_to_turns(words: Sequence[LabeledWord], max_gap: float = 1.5, low_confidence: float = 0.5) -> list[Turn]:
    """Group labelled words into turns ordered by start time.

    Each speaker's words are first cut into utterances at pauses longer than `max_gap`; utterances are
    then ordered by start and consecutive utterances of the same speaker are joined. Overlapping speech
    (a backchannel during the other party's turn) keeps both turns, each with its own times.
    """
    by_speaker: dict[str, list[LabeledWord]] = {}
    for lw in sorted(words, key=lambda x: (x.word.start, x.word.end)):
        by_speaker.setdefault(lw.speaker, []).append(lw)
    utterances = [u for ws in by_speaker.values() for u in _utterances(ws, max_gap)]
    utterances.sort(key=lambda u: (u[0].word.start, u[-1].word.end))
    merged: list[list[LabeledWord]] = []
    for u in utterances:
        if merged and merged[-1][0].speaker == u[0].speaker:
            merged[-1].extend(u)
        else:
            merged.append(list(u))
    return [_turn(group, low_confidence) for group in merged]


def _turn(group: list[LabeledWord], low_confidence: float) -> Turn:
    ws = [lw.word for lw in group]
    confidence = sum(w.probability for w in ws) / len(ws)
    flags = sorted({w.flag for w in ws if w.flag})
    return Turn(speaker=group[0].speaker, start=min(w.start for w in ws), end=max(w.end for w in ws),
                text=" ".join(w.text for w in ws), words=ws, channel=group[0].channel,
                confidence=round(confidence, 4), low_confidence=confidence < low_confidence or bool(flags),
                extra={"asr_flags": flags} if flags else {})
