"""P5: peak RSS of scoring a 2 h call ÷ a 5 min call, each in its own `callqa score` process (target ≤ 1.5).

    python bench/p5_memory_long_call.py [--long-min 120] [--short-min 5] [--tone]

The recordings are mostly silent stereo 8 kHz files (cheap to write); with --tone a 440 Hz burst every
other second on the agent channel makes the speech model run (slow with random weights). A tiny random
Whisper is built in a temporary folder and loaded through the product's own code.

With the default settings the 5 min call is decoded into memory and the 2 h call (past `audio.spool_after`,
600 s) into private temporary files read block by block (in the system's temporary folder), so the ratio
compares the two paths. Peak RSS counts pages of the process only: the temporary file's pages are the OS's
(page cache, or RAM when the temporary folder is a tmpfs).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from _common import ROOT

from tiny_models import build_tiny_whisper


def write(path: Path, minutes: float, tone: bool, rate: int = 8000) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        t = np.arange(rate * 60) / rate
        left = (0.3 * np.sin(2 * np.pi * 440 * t) * (np.sin(np.pi * t) > 0) * 32767) if tone else np.zeros_like(t)
        minute = np.stack([left, np.zeros_like(t)], axis=1).astype("<i2").tobytes()
        for _ in range(int(minutes)):
            w.writeframes(minute)


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "import resource, subprocess, sys; "
                           "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
                           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *cmd],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    return int(proc.stdout.strip()) / 1024, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--long-min", type=float, default=120)
    ap.add_argument("--short-min", type=float, default=5)
    ap.add_argument("--tone", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        whisper = build_tiny_whisper(Path(tmp) / "whisper")
        rss = {}
        for name, minutes in (("short", args.short_min), ("long", args.long_min)):
            f = Path(tmp) / f"{name}.wav"
            write(f, minutes, args.tone)
            cmd = [sys.executable, "-m", "qa.cli", "score", str(f), "--db", f"{tmp}/{name}.duckdb", "-q",
                   "--model", whisper, "--sentiment-backend", "lexicon"]
            rss[name] = peak_rss_mb(cmd)
            print(f"  {minutes:g} min: peak RSS {rss[name][0]:.0f} MB, {rss[name][1]:.1f} s")
    print(f"P5 peak RSS {args.long_min:g} min ÷ {args.short_min:g} min = {rss['long'][0] / rss['short'][0]:.2f} "
          f"(target <= 1.5){' [tone]' if args.tone else ' [silent]'}")


if __name__ == "__main__":
    main()
