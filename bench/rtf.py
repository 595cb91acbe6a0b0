"""Real-time factor of each stage on this machine: seconds of processing per second of audio (lower is
faster; calls per hour on one worker ~ 3600 / (RTF x mean call length)).

    python bench/rtf.py AUDIO... [--whisper-size test|tiny|small|large-v3-turbo] [--pyannote] [--out results.json]

Models are random-weight builds (tests/tiny_models.py) at the chosen size, so no download is needed; random
weights give the real compute cost of the architecture, not its accuracy (greedy decoding, one pass).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("audio", nargs="+")
    ap.add_argument("--whisper-size", default="test", help="test (tests' tiny model), tiny, small, large-v3-turbo")
    ap.add_argument("--pyannote", action="store_true", help="also time pyannote with the tests' tiny pipeline")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    args = ap.parse_args()

    import warnings

    warnings.filterwarnings("ignore")
    import numpy as np
    from tiny_models import build_tiny_pyannote, build_tiny_whisper

    from transcribe.align import words_to_turns
    from transcribe.asr import AsrSettings, Recognizer
    from transcribe.audio import decode
    from transcribe.diarize import DiarizationSettings, Diarizer
    from transcribe.offline_diarize import OfflineDiarizer
    from transcribe.roles import RoleSettings
    from transcribe.speakers import label_mono_words

    tmp = tempfile.mkdtemp(prefix="callqa-bench-")
    whisper, t_build = timed(lambda: build_tiny_whisper(tmp, size=args.whisper_size))
    rec = Recognizer(AsrSettings(model=whisper, beam_size=1, temperature=[0.0], vad=True))
    offline = OfflineDiarizer(DiarizationSettings(backend="offline"))
    pyannote = Diarizer(DiarizationSettings(model=build_tiny_pyannote(os.path.join(tmp, "pya")))) if args.pyannote else None
    decode(args.audio[0])  # warm-up: librosa/numba compile, model first call
    offline(decode(args.audio[0]).channels[0])
    totals: dict[str, float] = {}
    audio_s = 0.0
    for path in args.audio:
        audio, dt = timed(lambda: decode(path))
        mono = audio.channels[0] if len(audio.channels) == 1 else np.mean(audio.channels, axis=0)
        audio_s += audio.duration
        totals["decode"] = totals.get("decode", 0) + dt
        segs, dt = timed(lambda: offline(mono))
        totals["diarization offline"] = totals.get("diarization offline", 0) + dt
        if pyannote:
            _, dt = timed(lambda: pyannote(mono))
            totals["diarization pyannote (tiny)"] = totals.get("diarization pyannote (tiny)", 0) + dt
        res, dt = timed(lambda: rec.transcribe(mono))
        totals[f"asr whisper-{args.whisper_size} (random, greedy)"] = totals.get(
            f"asr whisper-{args.whisper_size} (random, greedy)", 0) + dt
        _, dt = timed(lambda: words_to_turns(label_mono_words(res.words, segs, RoleSettings())[0]))
        totals["alignment + roles"] = totals.get("alignment + roles", 0) + dt
    report = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
              "audio_seconds": round(audio_s, 1), "files": len(args.audio),
              "rtf": {k: round(v / audio_s, 4) for k, v in totals.items()}}
    print(json.dumps(report, indent=2))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)


if __name__ == "__main__":
    main()
