"""P1: pipeline overhead — callqa's per-call pipeline on stereo calls ÷ bare faster-whisper transcription of
the same audio with the same model and settings (target ≤ 1.10).

    python bench/p1_pipeline_overhead.py [--model DIR] [--repeat 3]

Both sides load the model once and transcribe each channel of every stereo sample call with identical
settings (beam 1, temperature 0, VAD, word timestamps); callqa adds decoding, the speech gate, alignment,
roles, sentiment (lexicon) and the rubric. Without --model a tiny random Whisper is built (random weights,
same code path; use a real-size random model folder for real-size compute).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import ROOT

from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from transcribe.audio import decode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    model = args.model
    if model is None:
        from tiny_models import build_tiny_whisper

        model = build_tiny_whisper(Path(tmp.name) / "whisper")
    files = [str(f) for f in sorted((ROOT / "sample_calls" / "audio").iterdir())
             if decode(str(f)).is_stereo]
    s = Settings()
    s.asr.model, s.asr.beam_size, s.asr.temperature, s.asr.vad = model, 1, [0.0], True
    s.sentiment.backend = "lexicon"
    pipe = Pipeline(s)
    whisper = pipe.recognizer.model  # the same loaded WhisperModel for both sides
    from faster_whisper.audio import decode_audio

    def bare() -> None:
        for f in files:
            for ch in decode_audio(f, split_stereo=True):
                segments, _ = whisper.transcribe(ch, beam_size=1, temperature=[0.0], vad_filter=True,
                                                 word_timestamps=True, condition_on_previous_text=False)
                list(segments)

    def ours() -> None:
        for f in files:
            pipe.process(f)

    ours(), bare()  # warm-up (librosa, VAD model)
    tb, to = [], []
    for _ in range(args.repeat):
        t = time.perf_counter(); bare(); tb.append(time.perf_counter() - t)
        t = time.perf_counter(); ours(); to.append(time.perf_counter() - t)
    print(f"P1 {len(files)} stereo calls: callqa {min(to):.2f} s, bare faster-whisper {min(tb):.2f} s, "
          f"ratio {min(to) / min(tb):.3f} (target <= 1.10; best of {args.repeat})")


if __name__ == "__main__":
    main()
