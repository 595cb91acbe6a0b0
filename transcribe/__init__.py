"""Turn a call recording (or a transcript file) into a speaker-attributed `Transcript`.

Stages: `audio` (decode) -> `diarize` (mono only) -> `asr` (faster-whisper) -> `align` (words -> turns)
-> `roles` (which speaker is the agent). `formats` imports transcript files.
"""
import logging

from transcribe.types import Transcript, Turn, Word

logger = logging.getLogger("transcribe")

__all__ = ["Transcript", "Turn", "Word", "logger"]
