"""P2: many short calls through the batch runner ÷ one `callqa score` process per call (target ≤ 0.5).

    python bench/p2_batch_vs_process_per_call.py [--calls 40]

Both sides score the same synthetic transcripts (lexicon sentiment, no model downloads) into fresh databases.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT
from hostile import build_transcripts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=40)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "calls"
        names = build_transcripts(folder, args.calls)
        cmd = [sys.executable, "-m", "qa.cli", "score", "--sentiment-backend", "lexicon", "-q"]
        t0 = time.perf_counter()
        subprocess.run(cmd + [str(folder), "--db", f"{tmp}/batch.duckdb"], cwd=ROOT, check=True, capture_output=True)
        batch = time.perf_counter() - t0
        t0 = time.perf_counter()
        for name in names:
            subprocess.run(cmd + [str(folder / name), "--db", f"{tmp}/single.duckdb"], cwd=ROOT, check=True,
                           capture_output=True)
        single = time.perf_counter() - t0
    print(f"P2 {args.calls} calls: batch {batch:.2f} s, one process per call {single:.2f} s, "
          f"ratio {batch / single:.3f} (target <= 0.5)")


if __name__ == "__main__":
    main()
