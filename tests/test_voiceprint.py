"""Agent voice hint: enrolled voiceprints pick the agent among diarized speakers of a mono call."""
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qa.cli import main
from transcribe.audio import decode
from transcribe.roles import RoleSettings
from transcribe.speakers import label_mono_words, speaker_voice_hint
from transcribe.types import Word
from transcribe.voiceprint import load_voiceprints, voice_hint

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "sample_calls" / "audio"
MONO = ["en_complaint_bad.wav", "vi_complaint_bad.wav", "vi_request.flac"]


def rttm(name):
    out = []
    for line in (ROOT / "sample_calls" / "reference" / f"{name}.rttm").read_text().splitlines():
        p = line.split()
        out.append((float(p[3]), float(p[3]) + float(p[4]), "spk_" + ("0" if p[7] == "customer" else "1")))
    return out


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voices")
    # the agent's channel of one stereo call (a different call, and language, from the mono calls below)
    res = CliRunner().invoke(main, ["voices", "enroll", "agent_mai", str(AUDIO / "mixed_complaint_good.wav"),
                                    "--channel", "left", "--voices-dir", str(folder)])
    assert res.exit_code == 0, res.output
    assert "enrolled agent_mai" in res.output
    return str(folder)


@pytest.mark.parametrize("name", MONO)
def test_voice_hint_finds_the_agent_on_mono_calls(voices, name):
    audio = decode(str(AUDIO / name))
    hint = speaker_voice_hint(audio.channels[0], rttm(name.split(".")[0]), load_voiceprints(voices), 0.01)
    assert hint.label == "spk_1", hint  # spk_1 is the agent in the reference
    assert hint.matched == "agent_mai"


def test_hint_outweighs_who_opened_the_call():
    words = [Word(0.0, 0.5, "hello", 0.9), Word(1.0, 1.5, "yes", 0.9)]
    segments = [(0.0, 0.6, "A"), (0.9, 1.6, "B")]
    _, plain = label_mono_words(words, segments, RoleSettings())
    assert plain.agent == "A"  # the opener is taken for the agent
    hint = voice_hint({"A": np.ones(38), "B": np.arange(38.0)}, {"agent": np.arange(38.0)})
    _, decided = label_mono_words(words, segments, RoleSettings(), hint)
    assert decided.agent == "B"
    assert any("voice matches enrolled agent agent" in e for e in decided.evidence)


def test_no_hint_when_speakers_are_equally_close():
    same = np.arange(38.0)
    assert voice_hint({"A": same, "B": same}, {"x": same}).label is None
    assert voice_hint({}, {"x": same}).label is None


def test_errors_a_person_can_act_on(tmp_path):
    res = CliRunner().invoke(main, ["voices", "enroll", "a", str(AUDIO / "vi_request.flac"), "--channel", "left",
                                    "--voices-dir", str(tmp_path)])
    assert res.exit_code != 0 and "needs a stereo recording" in res.output
    res = CliRunner().invoke(main, ["voices", "list"])
    assert res.exit_code != 0 and "roles.voices_dir" in res.output
    (tmp_path / "bad.npy").write_bytes(b"not numpy")
    np.save(tmp_path / "short.npy", np.zeros(3))
    from transcribe.errors import InputError
    with pytest.raises(InputError, match="not a callqa voiceprint|voiceprint"):
        load_voiceprints(str(tmp_path))
