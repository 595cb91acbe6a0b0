"""Rubric + conversation-metrics throughput, in agent turns per second on one core.

    python bench/rubric_throughput.py [--rubric last] [--repeat 300] [CALLS_DIR]

Scores the transcript JSON files in CALLS_DIR (default: sample_calls/transcripts) `--repeat` times with
`score_transcript` (tokenizing, phrase matching, context rules, metrics, totals, the scorecard). Every call is
scored from a fresh copy of its transcript, so nothing computed for one call is reused for the next (only
the rubric's compiled phrase index and per-word memos are). Sentiment is computed once beforehand with the
lexicon and is not part of the timing. Single process, single thread.

Two figures: wall-clock time, and the CPU time of the process (the time one core actually spent on the
scoring; on a shared machine wall-clock time also counts the time spent waiting for the core).

Status: issue 4 asks for >= 20,000 agent turns/s on one core; see docs/readme-speed.md for the measured
figures and what the speed work changed.
"""
from __future__ import annotations

import argparse
import copy
import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scoring.lexicon import lexicon_sentiment
from scoring.rubric import resolve_rubric, score_transcript
from transcribe.formats import load_transcript


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("calls_dir", nargs="?", default="sample_calls/transcripts")
    ap.add_argument("--rubric", default="last")
    ap.add_argument("--repeat", type=int, default=300)
    args = ap.parse_args()
    rubric = resolve_rubric(args.rubric)
    # the sample transcripts name their recordings in ../audio: allow the folder above (only the text is scored)
    roots = [os.path.dirname(os.path.abspath(args.calls_dir.rstrip("/")))]
    calls = [load_transcript(p, audio_roots=roots) for p in sorted(glob.glob(os.path.join(args.calls_dir, "*.json")))]
    if not calls:
        sys.exit(f"{args.calls_dir}: no transcript JSON files")
    work = [(t, [lexicon_sentiment(x, t.language) for x in t.turns]) for t in calls]
    batch = [(copy.deepcopy(t), s) for _ in range(args.repeat) for t, s in work]
    agent_turns = sum(len(t.agent_turns()) for t, _ in batch)
    turns = sum(len(t.turns) for t, _ in batch)
    score_transcript(*work[0], rubric)  # warm-up (compiles phrase indexes)
    t0, c0 = time.perf_counter(), time.process_time()
    for t, s in batch:
        score_transcript(t, s, rubric)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"rubric {rubric.id} {rubric.version}: {len(batch)} calls, {turns} turns ({agent_turns} agent) "
          f"in {dt:.2f} s")
    print(f"{agent_turns / dt:,.0f} agent turns/s  ({turns / dt:,.0f} turns/s, {len(batch) / dt:,.0f} calls/s)")
    print(f"CPU time {cpu:.2f} s: {agent_turns / cpu:,.0f} agent turns/s  ({turns / cpu:,.0f} turns/s, "
          f"{len(batch) / cpu:,.0f} calls/s)")


if __name__ == "__main__":
    main()
