"""Voice measures per turn with librosa: loudness (RMS in dB relative to full scale) and median pitch (YIN).

Used by the `agent_calm` rule: a voice that gets much louder or higher after the customer is upset.
Pure given the samples (16 kHz float32 of the channel that carries the turn's speaker). Only each turn's
slice is read, so a long call's spooled channels (`transcribe.spool`) are never loaded whole.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from scoring.types import Prosody
from transcribe.types import Turn

FMIN, FMAX = 70.0, 400.0
FRAME = 1024


def turn_prosody(channels: Sequence[Any], sample_rate: int, turns: Sequence[Turn],
                 channel_of: dict[str, int] | None = None) -> list[Prosody | None]:
    """Per turn: loudness and median voiced pitch over the turn's time span, from the channel of its speaker
    (`channel_of` maps "agent"/"customer" to a channel index; mono uses channel 0). None for turns shorter than
    a frame or outside the recording."""
    import librosa

    out: list[Prosody | None] = []
    for t in turns:
        ch = (channel_of or {}).get(t.speaker, 0) if len(channels) > 1 else 0
        samples = channels[min(ch, len(channels) - 1)]
        a, b = int(t.start * sample_rate), min(len(samples), int(t.end * sample_rate))
        seg = np.asarray(samples[a:b], dtype=np.float32)
        if len(seg) < FRAME * 2:
            out.append(None)
            continue
        rms = librosa.feature.rms(y=seg, frame_length=FRAME, hop_length=FRAME // 2)[0]
        voiced_rms = rms[rms > max(1e-4, 0.1 * float(rms.max()))]
        loud = 20.0 * float(np.log10(np.mean(voiced_rms) if len(voiced_rms) else 1e-6))
        f0 = librosa.yin(seg, fmin=FMIN, fmax=FMAX, sr=sample_rate, frame_length=FRAME, hop_length=FRAME // 2)
        frames = min(len(f0), len(rms))
        voiced = f0[:frames][(rms[:frames] > 0.1 * float(rms.max())) & (f0[:frames] < FMAX * 0.98)]
        pitch = round(float(np.median(voiced)), 1) if len(voiced) else None
        out.append(Prosody(round(loud, 2), pitch))
    return out
