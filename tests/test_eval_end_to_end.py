"""`callqa eval asr|diarization|roles --end-to-end`: the whole speech path runs on real recordings with real
Whisper base weights, and the turns it would store are evaluated (words, who spoke when, roles)."""
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from qa.cli import main
from qa.evaluation.end_to_end import StoredTurns, role_row, turn_segments, turn_text
from transcribe.formats import transcript_from_dict

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_calls"


def _config(tmp_path, real_base) -> str:
    path = tmp_path / "e2e.yaml"
    path.write_text(yaml.safe_dump({"asr": {"model": real_base, "device": "cpu", "languages": ["en"]},
                                    "sentiment": {"backend": "lexicon"},
                                    "audio": {"allowed_roots": [str(SAMPLES)]}}), encoding="utf-8")
    return str(path)


def _json(res) -> dict:
    assert res.exit_code == 0, res.output
    return json.loads(res.output[res.output.index("{"):])


def test_end_to_end_words_and_roles_of_an_english_recording(tmp_path, real_base):
    cfg, audio = _config(tmp_path, real_base), str(SAMPLES / "audio" / "en_request.flac")
    ref = str(SAMPLES / "transcripts")
    asr = _json(CliRunner().invoke(main, ["eval", "asr", "--end-to-end", "--config", cfg, "--ref", ref, audio,
                                          "--json"]))
    row = asr["files"][0]
    assert row["ref_words"] > 50 and row["wer"] <= 0.40, row  # base on the synthetic English call: ~0.25
    assert row["needs_review"] == ""
    roles = _json(CliRunner().invoke(main, ["eval", "roles", "--end-to-end", "--config", cfg, "--ref", ref, audio,
                                            "--json"]))
    assert roles["files"][0]["method"] == "end to end"
    assert roles["role_accuracy"] == 1.0 and roles["word_accuracy"] > 0.8, roles


def test_end_to_end_diarization_of_a_real_phone_call(tmp_path, real_base, pyannote_sample):
    wav = pyannote_sample[0]
    rttm = str(Path(wav).with_suffix(".rttm"))
    res = CliRunner().invoke(main, ["eval", "diarization", "--end-to-end", "--config", _config(tmp_path, real_base),
                                    "--ref", rttm, wav, "--json"])
    out = _json(res)
    row = out["files"][0]
    assert row["method"] == "end to end" and row["total"] > 10  # 16 s of reference speech
    assert 0.0 <= out["overall_der"] < 0.5, out


def test_end_to_end_refuses_transcript_files(tmp_path, real_base):
    res = CliRunner().invoke(main, ["eval", "asr", "--end-to-end", "--config", _config(tmp_path, real_base), "--ref",
                                    str(SAMPLES / "transcripts"), str(SAMPLES / "transcripts" / "en_request.json")])
    assert res.exit_code != 0 and "evaluates recordings" in res.output


def _transcript(turns):
    return transcript_from_dict({"call_id": "c", "language": "en", "turns": [
        {"speaker": s, "start": a, "end": b, "text": x} for s, a, b, x in turns]})


def test_role_accuracy_counts_words_by_time_and_missed_speech_as_wrong():
    reference = _transcript([("agent", 0.0, 2.0, "hello how can I help"), ("customer", 2.0, 4.0, "my card is blocked"),
                             ("agent", 4.0, 6.0, "let me check that")])
    right = StoredTurns("a.wav", _transcript([("agent", 0.1, 1.9, "hello how can help"),
                                              ("customer", 2.1, 3.9, "my card blocked"),
                                              ("agent", 4.2, 5.8, "let me check")]), (), 1.0)
    swapped = StoredTurns("b.wav", _transcript([("customer", 0.1, 1.9, "x"), ("agent", 2.1, 3.9, "y"),
                                                ("customer", 4.2, 5.8, "z")]), (), 1.0)
    missed = StoredTurns("c.wav", _transcript([("agent", 0.1, 1.9, "hello")]), ("no speech",), 1.0)
    assert role_row(right, reference)["word_accuracy"] == 1.0
    assert role_row(swapped, reference)["correct"] is False
    row = role_row(missed, reference)
    assert row["word_accuracy"] == round(5 / 13, 4) and row["needs_review"] == "no speech"
    assert turn_segments(right.transcript)[1] == (2.1, 3.9, "customer")
    assert turn_text(right.transcript).startswith("hello how can help my card")
