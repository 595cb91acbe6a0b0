"""P3: rubric + metrics throughput — agent turns scored per second on one core, through the product's own
scoring (`Pipeline.score`: sentiment lexicon + rubric) on synthetic transcripts.

    python bench/p3_rubric_throughput.py [--calls 300]
"""
from __future__ import annotations

import argparse
import os
import time

from _common import ROOT  # noqa: F401  (puts the product on sys.path)

from hostile import transcript
from qa.pipeline import Pipeline
from qa.settings import Settings
from transcribe.formats import transcript_from_dict


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=300)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    pipe = Pipeline(settings)
    calls = [transcript_from_dict(transcript(f"c{i}", 20 + i % 20)) for i in range(args.calls)]
    agent_turns = sum(1 for t in calls for turn in t.turns if turn.speaker == "agent")
    pipe.score(calls[0])  # warm-up
    t0 = time.perf_counter()
    for t in calls:
        pipe.score(t)
    dt = time.perf_counter() - t0
    print(f"P3 {args.calls} calls, {agent_turns} agent turns in {dt:.2f} s: {agent_turns / dt:.0f} agent turns/s "
          f"on one core ({args.calls / dt:.1f} calls/s)")


if __name__ == "__main__":
    main()
