"""Pure checks on recognised segments, and cutting long audio into pieces at silences.

Whisper invents text in silence, hold music and noise. Each segment is judged on the signals faster-whisper
gives (no-speech probability with the average log-probability, gzip compression ratio) and on repetition
("thank you thank you thank you …"): clear hallucinations are dropped, doubtful text is kept but marked so
that it is not scored as if sure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KEEP, SUSPECT, DROP = "keep", "suspect", "drop"
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class GuardSettings:
    no_speech: float = 0.6          # with log_prob below `log_prob`: silence transcribed as text -> drop
    log_prob: float = -1.0
    compression_ratio: float = 2.4  # above: repetitive, looping output -> suspect
    max_repeats: int = 4            # an n-gram (n <= 4) repeated this many times in a row -> suspect


def max_repeat(text: str, max_n: int = 4) -> int:
    """Longest run of one n-gram (n = 1..max_n) repeated back to back, counted in repetitions."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    best = 1 if tokens else 0
    for n in range(1, max_n + 1):
        for start in range(n):
            run, prev = 1, None
            for i in range(start, len(tokens) - n + 1, n):
                gram = tuple(tokens[i:i + n])
                run = run + 1 if gram == prev else 1
                prev = gram
                best = max(best, run)
    return best


def judge_segment(text: str, no_speech_prob: float, avg_logprob: float, compression_ratio: float,
                  guard: GuardSettings = GuardSettings()) -> tuple[str, str | None]:
    """(verdict, reason): KEEP, SUSPECT (keep, mark low confidence) or DROP (hallucinated)."""
    if not text.strip():
        return DROP, "empty"
    if no_speech_prob > guard.no_speech and avg_logprob < guard.log_prob:
        return DROP, f"no speech (p={no_speech_prob:.2f}, logprob={avg_logprob:.2f})"
    repeats = max_repeat(text)
    if repeats >= guard.max_repeats:
        return SUSPECT, f"repetition x{repeats}"
    if compression_ratio > guard.compression_ratio:
        return SUSPECT, f"compression ratio {compression_ratio:.1f}"
    if avg_logprob < guard.log_prob:
        return SUSPECT, f"low log-probability {avg_logprob:.2f}"
    return KEEP, None


def plan_chunks(regions: list[tuple[float, float]], duration: float, max_len: float) -> list[tuple[float, float]]:
    """Cut [0, duration] into pieces no longer than `max_len` seconds (when possible), each ending in a
    silence between speech `regions`; pieces hold whole regions and skip the silence between pieces.
    A single region longer than `max_len` is cut at `max_len` steps."""
    pieces: list[tuple[float, float]] = []
    for start, end in regions:
        while end - start > max_len:  # one very long region: hard cuts
            pieces.append((start, start + max_len))
            start += max_len
        if pieces and end - pieces[-1][0] <= max_len:
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    return [(round(max(0.0, a), 3), round(min(b, duration), 3)) for a, b in pieces if b > a]
