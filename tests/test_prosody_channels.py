"""Voice measures read each party from the channel the call's roles settled on (audio.agent_channel may be
"auto", and a reviewer may have swapped the roles)."""
import numpy as np

from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from transcribe.audio import Audio
from transcribe.types import Transcript, Turn


def stereo_call(agent_channel: str) -> tuple[Transcript, Audio]:
    rate = 16000
    t = np.arange(2 * rate) / rate
    loud = (0.5 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    quiet = (0.005 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    left, right = (loud, quiet) if agent_channel == "left" else (quiet, loud)
    audio = Audio(path="x.wav", channels=[left, right], sample_rate=rate, sha256="0" * 64, source_rate=rate,
                  source_channels=2)
    turns = [Turn("agent", 0.0, 1.0, "hello"), Turn("customer", 1.0, 2.0, "hi")]
    transcript = Transcript(call_id="c", language="en", turns=turns, duration=2.0, source="audio",
                            roles={"method": "channel+cues", "agent_channel": agent_channel})
    return transcript, audio


def test_agent_voice_comes_from_the_decided_channel():
    settings = Settings()
    settings.audio.agent_channel = "auto"
    pipeline = Pipeline(settings)
    for channel in ("left", "right"):
        transcript, audio = stereo_call(channel)
        agent, customer = pipeline._prosody(transcript, audio)
        assert agent.loudness_db > customer.loudness_db + 20, channel  # the loud tone is the agent's channel
