"""A hostile corpus for batch tests, built in a temporary folder: every kind of file a call-recording
export can throw at a nightly batch. `expected` maps each file name to the status it must end with
("done", "failed", or "any" where either is a correct outcome) and, for failures, words the reason contains.
"""
from __future__ import annotations

import json
import os
import wave
from pathlib import Path

import numpy as np

SAMPLES = Path(__file__).resolve().parent.parent / "sample_calls"


def write_wav(path: Path, rate: int, channels: int, seconds: float, tone_channel: int | None = None,
              width: int = 2) -> None:
    n = int(rate * seconds)
    data = np.zeros((n, channels), dtype=np.float32)
    if tone_channel is not None:
        t = np.arange(n) / rate
        data[:, tone_channel] = 0.3 * np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 0.5 * t) > 0)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        if width == 1:
            w.writeframes((data * 127 + 128).astype(np.uint8).tobytes())
        else:
            w.writeframes((data * 32767).astype("<i2").tobytes())


def write_long_silence(path: Path, hours: float = 2.0, rate: int = 4000) -> None:
    """A long, mostly silent recording, cheap to write: 8-bit mono at a low rate (2 h = 29 MB)."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        minute = bytes([128]) * rate * 60
        for _ in range(int(hours * 60)):
            w.writeframes(minute)


def transcript(call_id: str, n_turns: int = 6) -> dict:
    turns = []
    for i in range(n_turns):
        agent = i % 2 == 0
        text = ("thank you for calling, I am sorry for the trouble, I will send the refund today"
                if agent else "my order is late and I want a refund")
        turns.append({"speaker": "agent" if agent else "customer", "start": 4.0 * i, "end": 4.0 * i + 3.5,
                      "text": text})
    return {"call_id": call_id, "language": "en", "turns": turns}


def build_hostile(folder: Path, *, audio: bool = True, long_audio: bool = True) -> dict[str, tuple[str, str]]:
    """Write the hostile files into `folder`; returns {file name: (expected status, reason words)}."""
    folder.mkdir(parents=True, exist_ok=True)
    exp: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes, status: str, why: str = "") -> None:
        (folder / name).write_bytes(data)
        exp[name] = (status, why)

    put("empty.wav", b"", "failed", "empty")
    put("empty.mp3", b"", "failed", "empty")  # the same (no) bytes: a failure of its own, not a duplicate
    put("corrupt.mp3", os.urandom(4096), "failed", "cannot be decoded")
    put("not-audio.flac", b"this is a text file, not a recording\n" * 50, "failed", "re-export")
    put("malformed.json", b'{"call_id": "m1", "turns": [', "failed", "not valid JSON")
    put("wrong-shape.json", json.dumps({"id": 1, "utterances": []}).encode(), "failed", "no format callqa reads")
    put("no-call-id.json", json.dumps({"language": "en", "turns": []}).encode(), "failed", "missing field")
    put("subtitles.srt", b"1\n00:00:01,000 --> not a time\nhello\n", "failed", "not valid SRT")
    put("latin1.json", json.dumps(transcript("latin1")).replace("refund", "r\u00e9fund").encode("latin-1"),
        "failed", "not UTF-8")
    huge = transcript("huge", 2)
    huge["padding"] = "x" * 1_200_000  # over the 1 MB limit the tests set
    put("huge.json", json.dumps(huge).encode(), "failed", "larger than batch.max_transcript_mb")
    put("tên cuộc gọi  có dấu & khoảng trắng.json", json.dumps(transcript("unicode-name")).encode(), "done")
    os.symlink(folder / "gone.wav", folder / "dangling-link.wav")
    exp["dangling-link.wav"] = ("failed", "not found")
    os.symlink(folder / "loop-link.wav", folder / "loop-link.wav")
    exp["loop-link.wav"] = ("failed", "loop")
    unreadable = folder / "unreadable.json"
    unreadable.write_text(json.dumps(transcript("unreadable")))
    unreadable.chmod(0)
    exp["unreadable.json"] = ("done", "") if os.geteuid() == 0 else ("failed", "permission denied")
    if not audio:
        return exp
    write_wav(folder / "_tmp.wav", 8000, 2, 1.0, tone_channel=0)
    good = (folder / "_tmp.wav").read_bytes()
    (folder / "_tmp.wav").unlink()
    put("truncated-header.wav", good[:30], "failed", "")
    put("truncated-data.wav", good[: len(good) // 2], "failed", "cut off")
    flac = (SAMPLES / "audio").glob("*.flac")
    put("flac-content.wav", next(flac).read_bytes(), "done|needs_review")  # right content, wrong extension
    write_wav(folder / "tenth-of-a-second.wav", 8000, 2, 0.1, tone_channel=0)
    # a tone is "speech" to the speech gate; what a random model makes of it decides done or needs_review
    exp["tenth-of-a-second.wav"] = ("done|needs_review", "")
    write_wav(folder / "hi-96k.wav", 96000, 2, 2.0, tone_channel=1)
    exp["hi-96k.wav"] = ("done|needs_review", "")
    # silence is never scored: needs_review, "no speech found"
    write_wav(folder / "lo-8k mono.wav", 8000, 1, 2.0)
    exp["lo-8k mono.wav"] = ("needs_review", "no speech found")
    write_wav(folder / "six-channels.wav", 16000, 6, 1.0)
    exp["six-channels.wav"] = ("needs_review", "no speech found")
    if long_audio:
        write_long_silence(folder / "two-hours.wav")
        exp["two-hours.wav"] = ("needs_review", "no speech found")
    return exp


def build_transcripts(folder: Path, n: int, prefix: str = "call") -> list[str]:
    """`n` small valid transcripts named like a recording system would: agent_date_customer.json."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(n):
        name = f"agent{i % 7}_202611{(i % 28) + 1:02d}_{prefix}{i:05d}.json"
        (folder / name).write_text(json.dumps(transcript(f"{prefix}-{i:05d}", 4 + i % 5)), encoding="utf-8")
        names.append(name)
    return names
