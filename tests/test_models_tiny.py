"""Each model wrapper loads a tiny random model through the product's own loading code and returns
well-formed output. Random weights emit garbage: assert structure and invariants, never words."""
import pytest

from scoring.sentiment import SentimentScorer, SentimentSettings
from scoring.types import LABELS
from transcribe.asr import AsrSettings, ChannelResult, Recognizer
from transcribe.audio import decode
from transcribe.diarize import DiarizationSettings, Diarizer
from transcribe.errors import ModelUnavailable
from transcribe.types import Turn

STEREO = "en_complaint_good.wav"   # agent left, customer right
MONO = "vi_complaint_bad.wav"      # both parties mixed, the shortest call


def fast_asr(model: str, **kw) -> AsrSettings:
    """Greedy decoding without temperature fallback: ~1 s per 30 s with the tiny model on CPU."""
    return AsrSettings(model=model, beam_size=1, temperature=[0.0], **kw)


# -- speech recognition --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stereo_audio(samples):
    audio = decode(samples / "audio" / STEREO)
    assert audio.is_stereo and audio.sample_rate == 16000
    return audio


@pytest.mark.parametrize("vad", [True, False])
def test_tiny_whisper_transcribes_a_channel_with_ordered_times_inside_the_audio(tiny_whisper, stereo_audio, vad):
    rec = Recognizer(fast_asr(tiny_whisper, vad=vad, language="vi"))
    assert rec.model_path == tiny_whisper
    channel = stereo_audio.channels[0]
    duration = len(channel) / 16000
    res = rec.transcribe(channel)
    assert isinstance(res, ChannelResult)
    assert res.language == "vi"  # the setting is honoured (CTranslate2 sees a multilingual model)
    assert 0.0 <= res.language_probability <= 1.0
    assert res.words, "the tiny model produced no words at all: the invariants below would be vacuous"
    for w in res.words:
        assert 0.0 <= w.start <= w.end <= duration, w
        assert w.text.strip() == w.text and w.text
        assert 0.0 <= w.probability <= 1.0
    starts = [w.start for w in res.words]
    assert starts == sorted(starts)


def test_tiny_whisper_language_argument_overrides_setting(tiny_whisper, stereo_audio):
    rec = Recognizer(fast_asr(tiny_whisper, language="vi"))
    assert rec.transcribe(stereo_audio.channels[1][: 16000 * 10], language="en").language == "en"
    info = rec.describe()
    assert info["model_path"] == tiny_whisper and info["device"] == "cpu" and info["compute_type"] == "int8"


def test_recognizer_missing_folder_names_the_setting(tmp_path):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(ModelUnavailable) as err:
        Recognizer(fast_asr(missing))
    assert err.value.setting == "asr.model"
    assert "asr.model" in err.value.message and missing in err.value.message


def test_recognizer_folder_without_a_model_is_model_unavailable(tmp_path):
    empty = tmp_path / "empty-model"
    empty.mkdir()
    (empty / "README.txt").write_text("not a model")
    with pytest.raises(ModelUnavailable) as err:
        Recognizer(fast_asr(str(empty)))
    assert err.value.setting == "asr.model"
    assert "asr.model" in err.value.message and str(empty) in err.value.message


# -- sentiment -----------------------------------------------------------------------------------------
TURNS = [
    Turn("agent", 0.0, 2.0, "Thank you for calling, how can I help you today?"),
    Turn("customer", 2.5, 5.0, "My order is late and I want a refund!"),
    Turn("agent", 5.5, 7.0, "Xin chào, cảm ơn anh chị đã gọi tổng đài."),
    Turn("customer", 7.5, 9.0, "Dịch vụ rất tệ, nhân viên thô lỗ."),
    Turn("agent", 9.5, 10.0, ""),
]
VI_TURNS = {2, 3}


def test_tiny_sentiment_model_scores_every_turn(tiny_sentiment):
    scorer = SentimentScorer(SentimentSettings(backend="transformers", models={"en": tiny_sentiment,
                                                                               "vi": tiny_sentiment}))
    out = scorer.score(TURNS, "en")
    assert len(out) == len(TURNS)
    for i, s in enumerate(out):
        assert s.label in LABELS
        assert 0.0 <= s.score <= 1.0 and -1.0 <= s.polarity <= 1.0
        assert s.backend == f"transformers:{tiny_sentiment}"
        assert s.language == ("vi" if i in VI_TURNS else "en")
    described = scorer.describe()
    assert set(described) == {"en", "vi"}
    for info in described.values():
        assert info["backend"] == "transformers" and info["path"] == tiny_sentiment


def test_auto_backend_falls_back_to_lexicon_for_a_missing_model_and_says_why(tiny_sentiment, tmp_path):
    missing = str(tmp_path / "no-vi-model")
    scorer = SentimentScorer(SentimentSettings(backend="auto", models={"en": tiny_sentiment, "vi": missing}))
    out = scorer.score(TURNS, "en")
    assert len(out) == len(TURNS)
    for i, s in enumerate(out):
        assert s.label in LABELS
        if i in VI_TURNS:
            assert not s.backend.startswith("transformers"), s
        else:
            assert s.backend.startswith("transformers:"), s
    described = scorer.describe()
    assert described["en"]["backend"] == "transformers"
    assert described["vi"]["backend"] != "transformers"
    assert described["vi"]["backend"] == out[2].backend
    assert described["vi"]["reason"].startswith("model unavailable")
    assert missing in described["vi"]["reason"]


def test_transformers_backend_with_a_missing_model_raises(tiny_sentiment, tmp_path):
    missing = str(tmp_path / "no-vi-model")
    scorer = SentimentScorer(SentimentSettings(backend="transformers", models={"en": tiny_sentiment, "vi": missing}))
    with pytest.raises(ModelUnavailable) as err:
        scorer.score(TURNS, "en")
    assert err.value.setting == "sentiment.models.vi"
    assert "sentiment.models.vi" in err.value.message


# -- diarization ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mono_diarization(tiny_pyannote, samples):
    audio = decode(samples / "audio" / MONO)
    assert not audio.is_stereo
    diarizer = Diarizer(DiarizationSettings(model=tiny_pyannote))
    assert diarizer.model_path == tiny_pyannote and diarizer.settings.num_speakers == 2
    return audio, diarizer(audio.channels[0])


def test_tiny_pyannote_diarizes_a_mono_call(mono_diarization):
    audio, segments = mono_diarization
    assert segments, "no speech segments at all: the invariants below would be vacuous"
    for start, end, label in segments:
        assert 0.0 <= start <= end, (start, end, label)
        assert start < audio.duration, (start, end, label)
        assert isinstance(label, str) and label
    assert segments == sorted(segments)
    assert 1 <= len({label for _, _, label in segments}) <= 2  # num_speakers=2 by default


def test_diarization_segments_end_inside_the_audio(mono_diarization):
    audio, segments = mono_diarization
    assert all(end <= audio.duration + 1e-3 for _, end, _ in segments), segments[-3:]


def test_diarizer_folder_without_a_pipeline_is_model_unavailable(tmp_path):
    with pytest.raises(ModelUnavailable) as err:
        Diarizer(DiarizationSettings(model=str(tmp_path)))
    assert err.value.setting == "diarization.model"
    assert "diarization.model" in err.value.message
