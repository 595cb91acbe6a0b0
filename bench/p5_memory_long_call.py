"""P5: peak RSS of scoring a 2 h call ÷ a 5 min call, each in its own `callqa score` process (target ≤ 1.5).

    python bench/p5_memory_long_call.py [--long-min 120] [--short-min 5] [--tone | --speech]

The recordings are mostly silent stereo 8 kHz files (cheap to write); with --tone a 440 Hz burst every
other second on the agent channel makes the speech model run (slow with random weights; its voice filter
drops the tone, so no words come out); with --speech the calls are the two-party sample call
`en_complaint_good.wav` repeated with 5 s pauses, recognised greedily (beam 1, one temperature, as the
tests do), so words, turns and voice measures are produced all along the call. A tiny random Whisper is
built in a temporary folder and loaded through the product's own code.

With the default settings the 5 min call is decoded into memory and the 2 h call (past `audio.spool_after`,
600 s) into private temporary files read block by block (in the system's temporary folder), so the ratio
compares the two paths. Peak RSS counts pages of the process only: the temporary file's pages are the OS's
(page cache, or RAM when the temporary folder is a tmpfs).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from _common import ROOT
from tiny_models import build_tiny_whisper

SPEECH = ROOT / "sample_calls" / "audio" / "en_complaint_good.wav"  # 43 s, stereo 8 kHz 16-bit


def write_speech(path: Path, minutes: float) -> None:
    with wave.open(str(SPEECH), "rb") as r:
        rate, call = r.getframerate(), r.readframes(r.getnframes())
    call += bytes(4 * rate * 5)  # 5 s of silence (2 channels x 2 bytes)
    total = int(minutes * 60 * rate) * 4
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        while total > 0:
            w.writeframes(call[:total])
            total -= len(call)


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
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--tone", action="store_true")
    mode.add_argument("--speech", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        whisper = build_tiny_whisper(Path(tmp) / "whisper")
        rss = {}
        for name, minutes in (("short", args.short_min), ("long", args.long_min)):
            f = Path(tmp) / f"{name}.wav"
            cmd = [sys.executable, "-m", "qa.cli", "score", str(f), "--db", f"{tmp}/{name}.duckdb", "-q",
                   "--model", whisper, "--sentiment-backend", "lexicon"]
            if args.speech:
                write_speech(f, minutes)
                config = Path(tmp) / "greedy.yaml"
                config.write_text("asr: {beam_size: 1, temperature: [0.0]}\n", encoding="utf-8")
                cmd += ["--config", str(config)]
            else:
                write(f, minutes, args.tone)
            rss[name] = peak_rss_mb(cmd)
            print(f"  {minutes:g} min: peak RSS {rss[name][0]:.0f} MB, {rss[name][1]:.1f} s")
    print(f"P5 peak RSS {args.long_min:g} min ÷ {args.short_min:g} min = {rss['long'][0] / rss['short'][0]:.2f} "
          f"(target <= 1.5) [{'tone' if args.tone else 'speech' if args.speech else 'silent'}]")


if __name__ == "__main__":
    main()
