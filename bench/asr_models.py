"""WER and real-time factor of the real Whisper models `callqa models install` provides, on this machine.

    python bench/asr_models.py [--models base tiny.en] [--out results.json]

Sets: pyannote's real 30 s telephone call (its sample.stm words), the English sample recordings and the
Vietnamese ones (their reference transcripts; an English-only model is not run on Vietnamese). Recognition as the
product does it (transcribe.asr.Recognizer with the default settings, device cpu, every channel); RTF is
recognition seconds per second of recording. Models are installed from PyPI first if missing.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import time

from _common import ROOT


def stm_text(path: str) -> str:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(maxsplit=5)
            if len(parts) == 6 and not line.startswith(";;"):
                rows.append((float(parts[3]), parts[5].strip()))
    return " ".join(t for _, t in sorted(rows))


def sets() -> dict[str, list[tuple[str, str]]]:
    """{set name: [(recording, reference text)]}."""
    import importlib.util

    from qa.evaluation.speech import reference_text

    sample = os.path.join(next(iter(importlib.util.find_spec("pyannote.audio").submodule_search_locations)), "sample")
    audio, refs = ROOT / "sample_calls" / "audio", ROOT / "sample_calls" / "transcripts"

    def of(prefix: str) -> list[tuple[str, str]]:
        return [(p, reference_text(str(refs / (os.path.splitext(os.path.basename(p))[0] + ".json"))))
                for p in sorted(glob.glob(str(audio / f"{prefix}_*")))]

    return {"pyannote sample call (en, real 8 kHz phone)": [(os.path.join(sample, "sample.wav"),
                                                             stm_text(os.path.join(sample, "sample.stm")))],
            "English sample recordings (en, espeak)": of("en"),
            "Vietnamese sample recordings (vi, espeak)": of("vi")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["base", "tiny.en"])
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    from qa.evaluation.speech import error_rates
    from qa.pipeline.models import install_model
    from transcribe.asr import AsrSettings, Recognizer
    from transcribe.audio import decode

    rows = []
    for name in args.models:
        folder = install_model(name).folder
        english_only = name.endswith(".en")
        rec = Recognizer(AsrSettings(model=folder, device="cpu", languages=["en"] if english_only else ["vi", "en"]))
        for set_name, files in sets().items():
            if english_only and "(vi" in set_name:
                continue
            edits = ref_words = 0
            seconds = busy = 0.0
            for path, ref in files:
                with decode(path) as audio:
                    t0 = time.perf_counter()
                    words = [w for ch in audio.channels for w in rec.transcribe(ch).words]
                    busy += time.perf_counter() - t0
                    seconds += audio.duration
                r = error_rates(ref, " ".join(w.text for w in sorted(words, key=lambda w: w.start)))
                edits, ref_words = edits + r.word_edits, ref_words + r.ref_words
            row = {"model": name, "set": set_name, "files": len(files), "audio_s": round(seconds, 1),
                   "wer": round(edits / max(1, ref_words), 3), "rtf": round(busy / seconds, 3)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print("| model | set | files | audio (s) | WER | RTF |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['set']} | {r['files']} | {r['audio_s']} | {r['wer']:.2f} | {r['rtf']:.2f} |")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
