"""The faster metric helpers give exactly what the straightforward definitions give, on seeded random turn
layouts with overlaps, touching turns, equal starts and long gaps."""
import random

import pytest

from scoring.metrics import CUT_OFF, MetricsOptions, _intersection, _union, find_holds, interruptions, starts_inside
from scoring.phrases import turn_tokens
from scoring.types import Hold
from transcribe.formats import transcript_from_dict


def plain_union(intervals):
    merged = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def plain_intersection(x, y):
    total, i, j = 0.0, 0, 0
    while i < len(x) and j < len(y):
        lo, hi = max(x[i][0], y[j][0]), min(x[i][1], y[j][1])
        total += max(0.0, hi - lo)
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return total


def plain_interruptions(transcript, tokens, by, options):
    turns, out = transcript.turns, []
    for i, t in enumerate(turns):
        if t.speaker != by or options.is_backchannel(tokens[i]):
            continue
        for other in turns:
            if other.speaker == by or not other.start < t.start < other.end:
                continue
            # the other keeps speaking for the minimum overlap after the turn starts, or was marked cut off
            if other.end - t.start >= options.interruption_min_overlap or other.text.rstrip().endswith(CUT_OFF):
                out.append(i)
                break
    return out


def plain_find_holds(transcript, options):
    holds, reach, last = [], None, -1
    for i, t in sorted(enumerate(transcript.turns), key=lambda x: x[1].start):
        if reach is not None and t.start - reach >= options.hold_min_seconds:
            holds.append(Hold(round(reach, 3), round(t.start, 3), last))
        if reach is None or t.end >= reach:
            reach, last = t.end, i
    return holds


def random_call(rng):
    turns, t = [], 0.0
    for _ in range(rng.randint(0, 25)):
        start = max(0.0, t + rng.choice([-3.0, -1.0, -0.5, -0.2, 0.0, 0.0, 0.3, 1.0, 30.0]))
        end = start + rng.choice([0.0, 0.4, 1.0, 2.5, 6.0])
        text = rng.choice(["yes", "uh-huh", "Dạ vâng.", "My order is late.", "So your order is late?", ""])
        turns.append({"speaker": rng.choice(["agent", "customer", "spk_2"]), "start": start, "end": end, "text": text})
        t = end if rng.random() < 0.7 else start
    return transcript_from_dict({"call_id": "r", "language": "en", "turns": turns or [
        {"speaker": "agent", "start": 0.0, "end": 1.0, "text": "hi"}]})


@pytest.mark.parametrize("seed", range(5))
def test_fast_metric_helpers_equal_plain_definitions(seed):
    rng, options = random.Random(seed), MetricsOptions(hold_min_seconds=2.0)
    for _ in range(300):
        t = random_call(rng)
        tokens = [turn_tokens(x) for x in t.turns]
        inside = starts_inside(t)
        for by in ("agent", "customer"):
            assert interruptions(t, tokens, by, options, inside) == plain_interruptions(t, tokens, by, options)
            assert interruptions(t, tokens, by, options) == plain_interruptions(t, tokens, by, options)
        assert find_holds(t, options) == plain_find_holds(t, options)
        spans = [[(x.start, x.end) for x in t.turns if x.speaker == who] for who in ("agent", "customer")]
        merged = [_union(s) for s in spans]
        assert merged == [plain_union(s) for s in spans]
        assert _intersection(*merged) == plain_intersection(*merged)
