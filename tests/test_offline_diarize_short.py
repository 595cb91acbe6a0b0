"""The offline diarizer on short mono recordings: a few seconds of speech give only a handful of windows, fewer
than the neighbour graph's default 5 neighbours (it used to crash: "Expected n_neighbors <= n_samples_fit")."""
import numpy as np
import pytest

from transcribe.audio import decode
from transcribe.offline_diarize import diarize_offline


@pytest.fixture(scope="module")
def agent(samples):
    return np.asarray(decode(str(samples / "audio" / "en_complaint_good.wav")).channels[0])  # the agent alone


@pytest.mark.parametrize("seconds", [1.6, 2.0, 2.2, 2.4, 2.6, 3.0])
@pytest.mark.parametrize("count", [{"num_speakers": 2}, {"num_speakers": None, "min_speakers": 1,
                                                         "max_speakers": 3}])
def test_short_mono_recordings_are_diarized(agent, seconds, count):
    x = agent[16000:int((1 + seconds) * 16000)]
    segments = diarize_offline(x, **count)
    assert segments, "speech was found"
    assert all(0 <= a < b <= seconds + 1e-6 for a, b, _ in segments)
    assert all(s1[1] <= s2[0] for s1, s2 in zip(segments, segments[1:]))
    assert {label for *_, label in segments} <= {"SPEAKER_00", "SPEAKER_01", "SPEAKER_02"}
