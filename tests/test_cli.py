"""The `callqa` command line, end to end on the sample transcripts and on bad input."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "sample_calls"


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_score_and_show_every_sample_transcript(runner, tmp_path):
    db = tmp_path / "x.duckdb"
    res = run(runner, "score", SAMPLES / "transcripts", "--db", db, "--sentiment-backend", "lexicon")
    assert res.exit_code == 0, res.output
    ids = sorted(p.stem for p in (SAMPLES / "transcripts").glob("*.json"))
    assert "7 call(s) scored, 0 failed" in res.output
    for call_id in ids:
        shown = run(runner, "show", call_id, "--db", db, "--json")
        assert shown.exit_code == 0, shown.output
        card = json.loads(shown.output)
        assert card["call_id"] == call_id and card["language"] in ("en", "vi")
        assert [c["id"] for c in card["criteria"]] == ["listen", "apologize", "solve", "thank"]
        for c in card["criteria"]:
            assert c["status"] in ("pass", "fail", "na") and c["weight"] > 0
            for e in c["evidence"]:
                assert set(e) >= {"turn", "start", "end", "text"}
                assert 0 <= e["turn"] < len(card["turns"])
        assert card["total"] is not None and 0 <= card["total"] <= 100
        assert all(t["sentiment"]["label"] in ("negative", "neutral", "positive") for t in card["turns"])
        assert card["rubric_version"] and card["models"]["rubric"]["id"] == "last"
    listed = run(runner, "list", "--db", db)
    assert all(i in listed.output for i in ids)


def test_a_bad_file_is_reported_and_the_batch_goes_on(runner, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SAMPLES / "transcripts" / "en_request.json", batch / "good.json")
    (batch / "noise.wav").write_bytes(b"definitely not audio" * 50)
    broken = json.loads((SAMPLES / "transcripts" / "vi_request.json").read_text(encoding="utf-8"))
    del broken["turns"][2]["end"]
    (batch / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    res = run(runner, "score", batch, "--db", db, "--sentiment-backend", "lexicon")
    assert res.exit_code == 1
    assert "1 call(s) scored, 2 failed" in res.output
    assert f"{batch / 'noise.wav'}: cannot be decoded as audio" in res.output
    assert f"{batch / 'broken.json'}: turns[2]: missing field 'end'" in res.output
    assert json.loads(run(runner, "show", "en_request", "--db", db, "--json").output)["call_id"] == "en_request"


def test_missing_speech_model_names_model_setting_and_fix(runner, tmp_path):
    res = run(runner, "score", SAMPLES / "audio" / "en_request.flac", "--db", tmp_path / "x.duckdb",
              "--model", "large-v3-turbo")
    assert res.exit_code == 1
    assert "en_request.flac" in res.output and "faster-whisper-large-v3-turbo" in res.output
    assert "asr.model" in res.output and "callqa models pull" in res.output


def test_rubric_with_an_error_is_named(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\ncriteria:\n  - id: a\n    weight: 0\n    phrases: {en: [hi]}\n")
    res = run(runner, "score", SAMPLES / "transcripts", "--db", tmp_path / "x.duckdb", "--rubric", bad)
    assert res.exit_code == 2  # the run could not start (not "some files failed")
    assert f"{bad}: line 5: criteria[0].weight: expected a positive number" in res.output
    assert run(runner, "check-rubric", bad).exit_code == 1
    assert "listen (25)" in run(runner, "check-rubric", "last").output


def test_unknown_setting_is_an_error(runner, tmp_path):
    cfg = tmp_path / "callqa.yaml"
    cfg.write_text("asr:\n  modle: small\n")
    res = run(runner, "score", SAMPLES / "transcripts", "--config", cfg, "--db", tmp_path / "x.duckdb")
    assert res.exit_code == 2 and f"{cfg}: unknown setting asr.modle" in res.output


def test_show_unknown_call_and_missing_db(runner, tmp_path):
    res = run(runner, "show", "nope", "--db", tmp_path / "none.duckdb")
    assert res.exit_code == 1 and "no such database" in res.output
    db = tmp_path / "x.duckdb"
    run(runner, "score", SAMPLES / "transcripts" / "en_request.json", "--db", db)
    res = run(runner, "show", "nope", "--db", db)
    assert res.exit_code == 1 and "no call 'nope'" in res.output


def test_missing_path_is_a_failure_not_silence(runner, tmp_path):
    res = run(runner, "score", tmp_path / "nothing-here.wav", "--db", tmp_path / "x.duckdb")
    assert res.exit_code == 1 and "file or folder not found" in res.output


def test_models_list_works_offline(runner, tmp_path):
    res = run(runner, "models", "list")
    assert res.exit_code == 0
    assert "asr.model" in res.output and "sentiment.models.vi" in res.output


def test_demo_falls_back_to_reference_transcripts_explicitly(runner, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"asr:\n  model: {tmp_path / 'no-model-here'}\nsentiment:\n  backend: lexicon\n")
    res = run(runner, "demo", "--no-app", "--config", cfg, "--db", tmp_path / "d.duckdb")
    assert res.exit_code == 0, res.output
    assert "Scoring the sample calls' reference transcripts instead" in res.output
    assert "7 call(s) scored, 0 failed" in res.output
