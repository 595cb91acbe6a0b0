#!/usr/bin/env python3
"""Synthesize the two-party sample calls in sample_calls/ from dialogues.py.

For every call in dialogues.py this writes

  audio/<id>.<wav|flac>      8 kHz, 16-bit, band-limited 300-3400 Hz (telephone-like);
                             stereo = agent LEFT / customer RIGHT, mono = both mixed
  transcripts/<id>.json      reference transcript with the real utterance times
  reference/<id>.rttm        speaker reference (RTTM) for diarization tests

Each utterance is spoken with espeak-ng, converted with sox (band-limit, silence
trim, peak normalise, 8 kHz/16-bit, no dither), measured with soxi and placed on
a sample-exact timeline; the party tracks are mixed here with the stdlib.
Output is deterministic: same dialogues.py -> byte-identical files.

Usage:  python sample_calls/make_samples.py [--only ID] [--list]
Needs:  espeak-ng, sox, soxi   (apt-get install espeak-ng sox libsox-fmt-all)
Stdlib only.
"""
from __future__ import annotations

import argparse
import array
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave

RATE = 8000
HERE = os.path.dirname(os.path.abspath(__file__))
LEAD_SEC = 0.0          # the first turn's gap is the lead-in silence
TAIL_SEC = 0.5          # silence after the last utterance
MIN_SEC, MAX_SEC = 20.0, 45.0
MONO_GAIN = 0.7         # each party scaled before summing (-3 dBFS peaks -> no clipping on overlap)

# voice, pitch (0-99), speed (words/min) per language and party
VOICES = {
    "en": {"agent": ("en-us+f3", 65, 165), "customer": ("en-gb+m3", 35, 150)},
    "vi": {"agent": ("vi+f3", 65, 165), "customer": ("vi+m3", 35, 150)},
}
SPEAKERS = ("agent", "customer")
LAYOUTS = ("stereo", "mono")
FORMATS = ("wav", "flac")
OUTCOMES = ("pass", "fail", "na")
INSTALL_HINT = "install with: apt-get install espeak-ng sox libsox-fmt-all"


class CallError(Exception):
    pass


def die(msg: str, code: int = 1) -> None:
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(code)


def check_tools() -> None:
    missing = [t for t in ("espeak-ng", "sox", "soxi") if shutil.which(t) is None]
    if missing:
        die(f"missing tool(s): {', '.join(missing)}; {INSTALL_HINT}", 2)
    out = subprocess.run(["sox", "-h"], capture_output=True, text=True).stdout
    if "flac" not in out:
        print(f"warning: sox has no FLAC support; {INSTALL_HINT}", file=sys.stderr)


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CallError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.strip()}")
    return proc.stdout


def soxi(path: str, flag: str) -> str:
    return run(["soxi", flag, path]).strip()


def validate(call: dict) -> None:
    cid = call.get("id")
    if not cid or not isinstance(cid, str) or not cid.replace("_", "").isalnum():
        raise CallError(f"bad call id: {cid!r}")
    if call.get("language") not in VOICES:
        raise CallError(f"{cid}: language must be one of {sorted(VOICES)}")
    if call.get("layout") not in LAYOUTS:
        raise CallError(f"{cid}: layout must be one of {LAYOUTS}")
    if call.get("format") not in FORMATS:
        raise CallError(f"{cid}: format must be one of {FORMATS}")
    if not call.get("agent_id"):
        raise CallError(f"{cid}: agent_id missing")
    exp = call.get("expected", {})
    for k in ("listen", "apologize", "solve", "thank"):
        if exp.get(k) not in OUTCOMES:
            raise CallError(f"{cid}: expected.{k} must be one of {OUTCOMES}")
    turns = call.get("turns") or []
    if not turns:
        raise CallError(f"{cid}: no turns")
    for i, t in enumerate(turns):
        if t.get("speaker") not in SPEAKERS or not str(t.get("text", "")).strip():
            raise CallError(f"{cid}: turn {i}: needs speaker agent|customer and text")
        float(t.get("gap", 0.5))


def synth_utterance(text: str, voice: tuple, tmp: str, n: int) -> array.array:
    """espeak-ng -> sox (band-limit, trim, normalise, 8 kHz s16 mono); returns int16 samples."""
    name, pitch, speed = voice
    txt = os.path.join(tmp, f"u{n:02d}.txt")
    raw = os.path.join(tmp, f"u{n:02d}.raw.wav")
    out = os.path.join(tmp, f"u{n:02d}.wav")
    with open(txt, "w", encoding="utf-8") as f:
        f.write(text.strip() + "\n")
    run(["espeak-ng", "-v", name, "-p", str(pitch), "-s", str(speed), "-f", txt, "-w", raw])
    run(["sox", "-D", raw, "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer", out,
         "highpass", "300", "lowpass", "3400",
         # trim espeak's leading/trailing silence so transcript times are tight
         "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse",
         "gain", "-n", "-3"])
    with wave.open(out, "rb") as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (RATE, 1, 2):
            raise CallError(f"unexpected utterance format: {out}")
        frames = w.readframes(w.getnframes())
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    if len(samples) != int(soxi(out, "-s")) or not samples:
        raise CallError(f"sample count mismatch / empty utterance: {out}")
    return samples


def write_wav(path: str, channels: list[array.array]) -> None:
    n = len(channels[0])
    inter = array.array("h", bytes(2 * n * len(channels)))
    for c, ch in enumerate(channels):
        inter[c::len(channels)] = ch
    if sys.byteorder == "big":
        inter.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(inter.tobytes())


def clip16(v: int) -> int:
    return 32767 if v > 32767 else (-32768 if v < -32768 else v)


def make_call(call: dict, out_root: str) -> dict:
    validate(call)
    cid, lang, layout, fmt = call["id"], call["language"], call["layout"], call["format"]
    tmp = tempfile.mkdtemp(prefix=f"callqa_{cid}_")
    try:
        placed = []              # (speaker, start_sample, samples, text)
        prev_start, prev_end = -1, int(round(LEAD_SEC * RATE))
        for i, t in enumerate(call["turns"]):
            spk, text = t["speaker"], " ".join(str(t["text"]).split())
            samples = synth_utterance(text, VOICES[lang][spk], tmp, i)
            start = prev_end + int(round(float(t.get("gap", 0.5)) * RATE))
            start = max(start, 0, prev_start + 1)          # keep turns sorted by start
            placed.append((spk, start, samples, text))
            prev_start, prev_end = start, start + len(samples)
        total = max(s + len(x) for _, s, x, _ in placed) + int(round(TAIL_SEC * RATE))

        tracks = {s: array.array("i", bytes(4 * total)) for s in SPEAKERS}
        for spk, start, samples, _ in placed:
            tr = tracks[spk]
            for k, v in enumerate(samples):
                tr[start + k] += v
        if layout == "stereo":
            chans = [array.array("h", (clip16(v) for v in tracks["agent"])),
                     array.array("h", (clip16(v) for v in tracks["customer"]))]
        else:
            chans = [array.array("h", (clip16(int(round(MONO_GAIN * (a + c))))
                                       for a, c in zip(tracks["agent"], tracks["customer"])))]

        mix = os.path.join(tmp, "mix.wav")
        write_wav(mix, chans)
        audio_dir = os.path.join(out_root, "audio")
        os.makedirs(audio_dir, exist_ok=True)
        audio_path = os.path.join(audio_dir, f"{cid}.{fmt}")
        if fmt == "wav":
            shutil.copyfile(mix, audio_path)
        else:
            staged = os.path.join(tmp, f"final.{fmt}")
            run(["sox", "-D", mix, "-b", "16", staged])
            shutil.copyfile(staged, audio_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    turns = []
    for spk, start, samples, text in placed:
        turns.append({"speaker": spk, "start": round(start / RATE, 3),
                      "end": round((start + len(samples)) / RATE, 3), "text": text})
    transcript = {"call_id": cid, "language": lang, "agent_id": call["agent_id"],
                  "audio": f"../audio/{cid}.{fmt}", "layout": layout,
                  "channels": {"agent": 0, "customer": 1} if layout == "stereo" else None,
                  "duration": round(total / RATE, 3), "description": call.get("description", ""),
                  "expected": call["expected"], "turns": turns}
    tdir = os.path.join(out_root, "transcripts")
    os.makedirs(tdir, exist_ok=True)
    with open(os.path.join(tdir, f"{cid}.json"), "w", encoding="utf-8") as f:
        json.dump(transcript, f, ensure_ascii=False, indent=2)
        f.write("\n")
    rdir = os.path.join(out_root, "reference")
    os.makedirs(rdir, exist_ok=True)
    with open(os.path.join(rdir, f"{cid}.rttm"), "w", encoding="utf-8") as f:
        for t in turns:
            f.write(f"SPEAKER {cid} 1 {t['start']:.3f} {round(t['end'] - t['start'], 3):.3f} "
                    f"<NA> <NA> {t['speaker']} <NA> <NA>\n")
    return verify(audio_path, transcript)


def verify(audio_path: str, transcript: dict) -> dict:
    rate = int(soxi(audio_path, "-r"))
    chans = int(soxi(audio_path, "-c"))
    bits = int(soxi(audio_path, "-b"))
    dur = float(soxi(audio_path, "-D"))
    want_ch = 2 if transcript["layout"] == "stereo" else 1
    problems = []
    if rate != RATE:
        problems.append(f"rate {rate} != {RATE}")
    if chans != want_ch:
        problems.append(f"channels {chans} != {want_ch}")
    if bits != 16:
        problems.append(f"bits {bits} != 16")
    if not MIN_SEC <= dur <= MAX_SEC:
        problems.append(f"duration {dur:.2f}s outside {MIN_SEC}-{MAX_SEC}s")
    last = -1.0
    for t in transcript["turns"]:
        if not (0 <= t["start"] < t["end"] <= dur + 1e-6) or t["start"] < last:
            problems.append(f"bad turn times {t['start']}-{t['end']}")
        last = t["start"]
    if problems:
        raise CallError(f"{transcript['call_id']}: " + "; ".join(problems))
    return {"path": audio_path, "rate": rate, "channels": chans, "duration": dur,
            "turns": len(transcript["turns"])}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Synthesize the callqa sample calls from dialogues.py")
    ap.add_argument("--only", metavar="ID", action="append", help="only this call id (repeatable)")
    ap.add_argument("--list", action="store_true", help="list call ids and exit")
    ap.add_argument("--out", default=HERE, help="output root (default: the sample_calls folder)")
    args = ap.parse_args(argv)

    sys.path.insert(0, HERE)
    from dialogues import CALLS

    calls = [dict(c) for c in CALLS]
    ids = [c.get("id") for c in calls]
    if len(set(ids)) != len(ids):
        die("duplicate call ids in dialogues file")
    if args.list:
        print("\n".join(ids))
        return 0
    if args.only:
        unknown = [i for i in args.only if i not in ids]
        if unknown:
            die(f"unknown call id(s): {', '.join(unknown)}; known: {', '.join(ids)}")
        calls = [c for c in calls if c["id"] in args.only]
    check_tools()

    failed = 0
    for call in calls:
        try:
            r = make_call(call, args.out)
        except CallError as e:
            failed += 1
            print(f"FAILED {call.get('id')}: {e}", file=sys.stderr)
            continue
        print(f"ok  {os.path.relpath(r['path'], args.out):34s} {r['duration']:6.2f}s "
              f"{r['channels']}ch {r['rate']} Hz  {r['turns']} turns")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
