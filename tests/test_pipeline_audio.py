"""Recordings end to end with tiny random models: decode -> (diarize) -> recognise -> sentiment -> rubric
-> store -> `callqa show --json`. Random models emit garbage text: assert structure and invariants."""
import hashlib
import json
import wave

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from tiny_models import RANDOM_MODEL_ASR

from qa.cli import main
from qa.config.settings import load_settings
from qa.pipeline.call import Pipeline
from scoring.types import LABELS
from transcribe.errors import InputError

STEREO = "en_complaint_good.wav"   # agent left, customer right
STEREO_FLAC = "en_request.flac"
MONO = "vi_complaint_bad.wav"
CRITERIA = ["listen", "apologize", "solve", "thank"]
STATUSES = {"pass", "fail", "na"}


def write_config(path, tiny_whisper, tiny_pyannote, tiny_sentiment, **asr) -> str:
    """Settings YAML pointing every model at a tiny local one (greedy ASR: no temperature fallback)."""
    data = {"asr": {"model": tiny_whisper, "beam_size": 1, "temperature": [0.0], **RANDOM_MODEL_ASR, **asr},
            "diarization": {"model": tiny_pyannote},
            "sentiment": {"models": {"en": tiny_sentiment, "vi": tiny_sentiment}}}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def config(tmp_path_factory, tiny_whisper, tiny_pyannote, tiny_sentiment) -> str:
    return write_config(tmp_path_factory.mktemp("config") / "callqa.yaml", tiny_whisper, tiny_pyannote,
                        tiny_sentiment)


@pytest.fixture(scope="module")
def pipeline(config) -> Pipeline:
    """One pipeline for the module: models load once and are reused call after call."""
    return Pipeline(load_settings(config))


def sha16(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def assert_turns_well_formed(transcript):
    assert transcript.turns, "no turns at all: the invariants below would be vacuous"
    for t in transcript.turns:
        assert 0.0 <= t.start <= t.end <= transcript.duration, t
        assert t.speaker in ("agent", "customer")
        assert t.text and t.words
        assert all(t.start <= w.start <= w.end <= t.end for w in t.words), t
    starts = [t.start for t in transcript.turns]
    assert starts == sorted(starts)


def assert_scorecard_well_formed(card, transcript):
    assert [c.id for c in card.criteria] == CRITERIA
    for c in card.criteria:
        assert c.status in STATUSES
        assert (c.score is None) == (c.status == "na")
        for e in c.evidence:
            assert 0 <= e.turn < len(transcript.turns)
    assert len(card.sentiments) == len(transcript.turns)
    assert all(s.label in LABELS for s in card.sentiments)
    assert card.total is None or 0.0 <= card.total <= 100.0


def test_stereo_call_roles_come_from_the_channels(pipeline, samples, tiny_whisper):
    path = samples / "audio" / STEREO
    result = pipeline.process(str(path))
    t = result.transcript
    assert t.source == "audio"
    assert t.call_id == sha16(path) and t.sha256.startswith(t.call_id)
    assert 42.0 < t.duration < 44.0
    assert_turns_well_formed(t)
    assert {turn.channel for turn in t.turns} <= {0, 1}
    assert all(turn.speaker == ("agent" if turn.channel == 0 else "customer") for turn in t.turns)
    assert t.roles["method"] == "channel" and t.roles["agent_channel"] == "left"
    assert_scorecard_well_formed(result.scorecard, t)
    models = result.models
    assert models["asr"]["model_path"] == tiny_whisper
    assert models["asr"]["source_rate"] == 8000 and models["asr"]["source_channels"] == 2
    assert models["sentiment"] and all(v["backend"] == "transformers" for v in models["sentiment"].values())
    assert all(s.backend.startswith("transformers:") for s in result.scorecard.sentiments)
    assert models["rubric"]["id"] == "last"
    assert "diarization" not in models


def test_mono_call_goes_through_diarization(pipeline, samples, tiny_pyannote):
    result = pipeline.process(str(samples / "audio" / MONO))
    t = result.transcript
    assert t.source == "audio" and t.turns
    assert_turns_well_formed(t)
    assert all(turn.channel is None for turn in t.turns)
    assert t.roles["method"] == "diarization+cues"
    assert 0.5 <= t.roles["confidence"] <= 1.0
    assert result.models["diarization"]["model_path"] == tiny_pyannote
    assert result.models["diarization"]["backend"] == "pyannote"  # diarization.backend auto, model present
    assert t.roles["diarization"]["backend"] == "pyannote"
    assert_scorecard_well_formed(result.scorecard, t)


def test_silent_recording_needs_review_and_is_not_scored(pipeline, tmp_path):
    """A recording without speech is not a call to score (it used to end `ok` with every criterion n/a): the
    pipeline refuses to score it (batch status needs_review); its empty transcript, scored by hand, is all n/a."""
    from qa.pipeline.recognition import RecognitionFailed

    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(3 * 16000, dtype=np.int16).tobytes())
    with pytest.raises(RecognitionFailed) as err:
        pipeline.process(str(path))
    assert "no speech found" in err.value.message and str(path) in err.value.message
    transcript = err.value.transcript
    assert transcript.turns == []
    assert transcript.duration == pytest.approx(3.0, abs=0.01)
    card = pipeline.score(transcript).scorecard
    assert [c.id for c in card.criteria] == CRITERIA
    assert all(c.status == "na" and c.score is None for c in card.criteria)
    assert card.total is None
    assert "no_speech" in card.flags


def test_empty_wav_is_an_input_error(pipeline, tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(InputError) as err:
        pipeline.process(str(path))
    assert "empty" in err.value.message and str(path) in err.value.message


def test_text_renamed_wav_is_an_input_error(pipeline, tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("this is not audio\n" * 50, encoding="utf-8")
    with pytest.raises(InputError) as err:
        pipeline.process(str(path))
    assert "cannot be decoded" in err.value.message and str(path) in err.value.message


# -- command line ----------------------------------------------------------------------------------------
def check_show_json(card, call_id):
    for key in ("call_id", "language", "criteria", "total", "turns", "rubric_version", "models"):
        assert key in card, key
    assert card["call_id"] == call_id
    assert [c["id"] for c in card["criteria"]] == CRITERIA
    for t in card["turns"]:
        assert set(t["sentiment"]) >= {"label", "score", "polarity", "language", "backend"}
        assert t["sentiment"]["label"] in LABELS
    n_evidence = 0
    for c in card["criteria"]:
        assert c["status"] in STATUSES
        assert isinstance(c["weight"], (int, float))
        assert (c["score"] is None) == (c["status"] == "na")
        assert isinstance(c["evidence"], list)
        for e in c["evidence"]:
            assert {"turn", "start", "end", "text"} <= set(e)
            assert 0 <= e["turn"] < len(card["turns"]), e
            n_evidence += 1
    return n_evidence


def test_cli_score_then_show_json(config, samples, tmp_path, tiny_whisper):
    audio = samples / "audio" / STEREO_FLAC
    transcript = samples / "transcripts" / "en_complaint_good.json"  # real text: evidence is not empty
    db = str(tmp_path / "calls.duckdb")
    runner = CliRunner()
    res = runner.invoke(main, ["score", str(audio), str(transcript), "--config", config, "--db", db, "-q"])
    assert res.exit_code == 0, res.output
    assert "2 call(s) scored, 0 failed" in res.output

    audio_id = sha16(audio)
    res = runner.invoke(main, ["show", audio_id, "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    card = json.loads(res.output)
    check_show_json(card, audio_id)
    assert card["source"] == "audio" and card["turns"]
    assert card["models"]["asr"]["model_path"] == tiny_whisper
    assert all(t["sentiment"]["backend"].startswith("transformers:") for t in card["turns"])

    text_id = json.loads(transcript.read_text(encoding="utf-8"))["call_id"]
    res = runner.invoke(main, ["show", text_id, "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    card = json.loads(res.output)
    assert check_show_json(card, text_id) > 0


def test_cli_missing_asr_model_fails_naming_file_and_setting(samples, tmp_path, tiny_pyannote, tiny_sentiment):
    missing = str(tmp_path / "no-such-whisper")
    config = write_config(tmp_path / "bad.yaml", missing, tiny_pyannote, tiny_sentiment)
    audio = str(samples / "audio" / STEREO)
    res = CliRunner().invoke(main, ["score", audio, "--config", config, "--db", str(tmp_path / "c.duckdb"), "-q"])
    assert res.exit_code == 1, res.output
    assert audio in res.output and "asr.model" in res.output and missing in res.output
