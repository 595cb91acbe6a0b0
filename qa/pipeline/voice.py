"""Voice measures (loudness and pitch per turn) of a call, for rubrics with voice rules: from the audio already
decoded, or from the call's recording. Used by the pipeline and by re-scoring, so both measure the same way."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable

from scoring.types import Prosody
from transcribe.audio import Audio, decode
from transcribe.errors import CallQAError
from transcribe.types import AGENT, CUSTOMER, Transcript

logger = logging.getLogger("qa")


def voice_measures(transcript: Transcript, audio: Audio | None = None, *, default_channel: str = "left",
                   decoder: Callable[[str], Audio] = decode) -> list[Prosody | None]:
    """Per-turn voice measures. The agent's channel is the one the call's roles settled on, else
    `default_channel` (audio.agent_channel; "auto" counts as left). Without `audio`, the call's recording is
    decoded with `decoder`; a call with no readable recording gets [] (the voice rules then fall back to
    sentiment) and an unreadable one is logged."""
    from scoring.prosody import turn_prosody

    channel = transcript.roles.get("agent_channel", default_channel)
    agent_ch = 1 if channel == "right" else 0
    channel_of = {AGENT: agent_ch, CUSTOMER: 1 - agent_ch}
    if audio is not None:  # reads only the turns' slices (a spooled recording stays on disk)
        return turn_prosody(audio.channels, audio.sample_rate, transcript.turns, channel_of)
    path = transcript.audio_path
    if not path or not os.path.isfile(path):
        return []
    try:
        own = decoder(path)
    except CallQAError as exc:
        logger.warning("%s: no voice measures (%s)", path, exc.message)
        return []
    with own:  # a long recording's temporary files go at once
        return turn_prosody(own.channels, own.sample_rate, transcript.turns, channel_of)
