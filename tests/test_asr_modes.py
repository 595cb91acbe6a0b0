"""Language modes inside the recogniser, with the tiny random Whisper: per-segment detection on a
code-switched call and chunked recognition of a long channel keep times in original-recording seconds."""
import numpy as np
import pytest

from transcribe.asr import AsrSettings, Recognizer
from transcribe.audio import decode

CODE_SWITCHED = "mixed_complaint_good.wav"  # stereo, Vietnamese with English words


def fast(model: str, **kw) -> AsrSettings:
    return AsrSettings(model=model, beam_size=1, temperature=[0.0], **kw)


@pytest.fixture(scope="module")
def agent_channel(samples):
    return decode(samples / "audio" / CODE_SWITCHED).channels[0]


def test_segment_mode_detects_a_language_per_piece(tiny_whisper, agent_channel):
    res = Recognizer(fast(tiny_whisper, language="segment")).transcribe(agent_channel)
    duration = len(agent_channel) / 16000
    assert len(res.pieces) >= 2, "a 40 s channel is cut into <= 30 s pieces in segment mode"
    for (a, b, code), (a2, _, _) in zip(res.pieces, res.pieces[1:] + [(duration, duration, "")]):
        assert 0.0 <= a < b <= duration + 1e-6 and b <= a2 + 1e-6
        assert isinstance(code, str) and 2 <= len(code) <= 3  # a Whisper language code, detected per piece
    assert res.language in {code for *_, code in res.pieces}
    for w in res.words:  # each word lies inside the piece that produced it, in original-recording time
        assert any(a - 1e-3 <= w.start <= w.end <= b + 1e-3 for a, b, _ in res.pieces), w


def test_fixed_language_is_used_for_every_piece(tiny_whisper, agent_channel):
    res = Recognizer(fast(tiny_whisper, language="vi", chunk_seconds=30)).transcribe(agent_channel)
    assert len(res.pieces) >= 2 and {code for *_, code in res.pieces} == {"vi"}


def test_chunked_words_are_shifted_to_recording_time(tiny_whisper, agent_channel):
    # 35 s of silence in front: the first piece holds no speech, and words must not restart at 0
    padded = np.concatenate([np.zeros(16000 * 35, dtype=np.float32), agent_channel])
    res = Recognizer(fast(tiny_whisper, language="vi", chunk_seconds=30)).transcribe(padded)
    assert res.words and len(res.pieces) >= 2
    assert min(w.start for w in res.words) >= 34.5
