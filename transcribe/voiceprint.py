"""Agent voice hint: enrolled agent voiceprints tell which diarized speaker of a mono call is the agent.

A voiceprint is the mean and spread of a speaker's MFCCs (librosa) over their speech — no model to download.
Agents are enrolled once (`callqa voices enroll NAME AUDIO...`); a call's speakers are compared with every
enrolled print, and the speaker closest to any enrolled agent is the hint, when it is clearly closer than the
other speaker (`margin`). Customers are never enrolled, so the agent need not be known in advance.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from transcribe.errors import InputError
from transcribe.spool import Samples

N_MFCC = 20
MAX_SECONDS = 120.0  # speech per speaker used for a print (bounded work on long calls)


def voiceprint(samples: np.ndarray, sample_rate: int = 16000) -> np.ndarray:
    """The voiceprint of `samples` (speech of one speaker): 38 numbers, MFCC 1–19 means then spreads."""
    import librosa

    y = np.asarray(samples, dtype=np.float32)[: int(MAX_SECONDS * sample_rate)]
    if len(y) < sample_rate // 2:
        raise ValueError("less than 0.5 s of speech: too little for a voiceprint")
    mfcc = librosa.feature.mfcc(y=y, sr=sample_rate, n_mfcc=N_MFCC)[1:]  # c0 is loudness, not voice
    return np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)]).astype(np.float32)


def speech_of(samples: Samples, spans: Sequence[tuple[float, float]], sample_rate: int = 16000) -> np.ndarray:
    """The samples inside `spans` (seconds), joined, up to MAX_SECONDS."""
    parts, total, limit = [], 0, int(MAX_SECONDS * sample_rate)
    for start, end in spans:
        a, b = max(0, int(start * sample_rate)), min(len(samples), int(end * sample_rate))
        if b > a and total < limit:
            parts.append(samples[a:min(b, a + limit - total)])
            total += parts[-1].shape[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two voiceprints."""
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))


@dataclass(frozen=True)
class VoiceHint:
    """`label`: the speaker judged to be an enrolled agent (None when no speaker is clearly closer);
    `scores`: each speaker's best similarity to an enrolled print; `matched`: the enrolled name."""

    label: str | None
    scores: dict[str, float]
    matched: str | None

    def evidence(self) -> str:
        shown = ", ".join(f"{k} {v:.3f}" for k, v in sorted(self.scores.items()))
        return f"voice matches enrolled agent {self.matched} ({shown})"


def voice_hint(prints: dict[str, np.ndarray], enrolled: dict[str, np.ndarray], margin: float = 0.01) -> VoiceHint:
    """Which speaker label's print is closest to any enrolled agent print (pure)."""
    if not prints or not enrolled:
        return VoiceHint(None, {}, None)
    best: dict[str, tuple[float, str]] = {
        label: max((similarity(p, e), name) for name, e in enrolled.items()) for label, p in prints.items()}
    ranked = sorted(best, key=lambda lb: -best[lb][0])
    scores = {lb: round(best[lb][0], 4) for lb in ranked}
    top = ranked[0]
    if len(ranked) > 1 and best[top][0] - best[ranked[1]][0] < margin:
        return VoiceHint(None, scores, None)
    return VoiceHint(top, scores, best[top][1])


_NAME = re.compile(r"^[\w.-]+$")


def save_voiceprint(folder: str, name: str, vector: np.ndarray) -> str:
    """Store `vector` as `folder/name.npy` (created private: voiceprints are personal data)."""
    if not _NAME.match(name):
        raise InputError(None, f"invalid voiceprint name {name!r}", "use letters, digits, '_', '-' or '.'")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, f"{name}.npy")
    np.save(path, np.asarray(vector, dtype=np.float32))
    os.chmod(path, 0o600)
    return path


def load_voiceprints(folder: str | None) -> dict[str, np.ndarray]:
    """Every `*.npy` voiceprint in `folder` by name ({} when the folder is unset)."""
    if not folder:
        return {}
    if not os.path.isdir(folder):
        raise InputError(folder, "the agent voiceprint folder (roles.voices_dir) does not exist",
                         "enroll agents with `callqa voices enroll NAME AUDIO...` or unset roles.voices_dir")
    out = {}
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".npy"):
            try:
                vec = np.load(os.path.join(folder, entry), allow_pickle=False)
            except (OSError, ValueError):
                vec = None
            if vec is None or vec.shape != (2 * (N_MFCC - 1),):
                raise InputError(os.path.join(folder, entry), "not a callqa voiceprint",
                                 "enroll the agent again with `callqa voices enroll`")
            out[entry[:-4]] = vec
    return out
