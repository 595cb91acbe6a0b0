"""Turn a call recording (or a transcript file) into a speaker-attributed `Transcript`.

Stages: `audio` (decode) -> `diarize` (mono only) -> `asr` (faster-whisper) -> `align` (words -> turns)
-> `roles` (which speaker is the agent). `formats` imports transcript files.
"""
import logging
import os

from transcribe.types import Transcript, Turn, Word

# No network at run time: the libraries below phone home unless told not to, and each reads its switch once, when
# it initialises — so the switches are set before any of them is imported (worker processes inherit them).
# onnxruntime (faster-whisper's VAD) looks up its telemetry host from a native thread otherwise.
OFFLINE_SWITCHES = {
    "ORT_DISABLE_TELEMETRY": "1", "ORT_TELEMETRY_DISABLED": "1",  # onnxruntime >= 1.29 (both spellings)
    "PYANNOTE_METRICS_ENABLED": "false",  # pyannote.audio usage metrics
    "HF_HUB_DISABLE_TELEMETRY": "1",  # huggingface_hub
    "DO_NOT_TRACK": "1",
}
for _name, _value in OFFLINE_SWITCHES.items():
    os.environ.setdefault(_name, _value)

logger = logging.getLogger("transcribe")

__all__ = ["Transcript", "Turn", "Word", "logger"]
