"""Long calls in bounded memory: decoding into private temporary files (spooling) gives the same samples,
speech regions, words, speakers and voice measures as decoding into memory; the files are private and gone
after success and after failure; a file broken mid-stream is an InputError naming it."""
import os
import stat
import warnings
import wave

import librosa
import numpy as np
import pytest
import yaml
from test_audio import encode, tone
from tiny_models import RANDOM_MODEL_ASR

from qa.config.settings import load_settings, settings_from_dict
from qa.pipeline.call import Pipeline
from scoring.prosody import turn_prosody
from transcribe.asr import AsrSettings, Recognizer
from transcribe.audio import SAMPLE_RATE, _Sink, decode, frame_rms, mix_down, speech_regions
from transcribe.diarize import DiarizationSettings, Diarizer
from transcribe.errors import CallQAError, InputError
from transcribe.offline_diarize import _frames, diarize_offline
from transcribe.spool import SpooledChannel, SpoolWriter
from transcribe.types import Turn

STEREO = "en_complaint_good.wav"  # agent left, customer right, 8 kHz
MONO = "vi_complaint_bad.wav"


def spooled_fds(folder) -> list[str]:
    """This process's open file descriptors that point into `folder` (Linux /proc)."""
    out = []
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith(str(folder) + os.sep):
            out.append(name)
    return out


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")


def spool(array: np.ndarray, folder=None) -> SpooledChannel:
    writer = SpoolWriter(1, folder)
    writer.write(np.asarray(array, np.float32)[None, :])
    return writer.finish()[0]


# -- decoding ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, channels, rate, codec", [
    ("stereo8k.wav", 2, 8000, "pcm_s16le"), ("stereo.flac", 2, 44100, "flac"),
    ("six.wav", 6, 16000, "pcm_s16le"), ("hi96k.wav", 2, 96000, "pcm_s16le"), ("mono.flac", 1, 22050, "flac"),
    ("dual.wav", 2, 16000, "pcm_s16le")])
def test_spooled_decoding_gives_the_samples_of_decoding_in_memory(tmp_path, name, channels, rate, codec):
    parts = [tone(7.0, rate, 200 + 90 * i) * (1 + np.sin(np.arange(7 * rate) / rate)) / 2 for i in range(channels)]
    if name.startswith("dual"):
        parts[1] = parts[0]
    path = tmp_path / name
    encode(path, parts, rate, codec)
    whole = decode(path, spool_after=None)
    with decode(path, spool_after=0, spool_dir=str(tmp_path)) as spooled:
        assert spooled.spooled and not whole.spooled
        assert len(spooled.channels) == len(whole.channels) == (1 if channels != 2 or name.startswith("dual") else 2)
        assert spooled.notes == whole.notes and spooled.sha256 == whole.sha256
        assert (spooled.source_rate, spooled.source_channels) == (whole.source_rate, whole.source_channels)
        assert (whole.source_rate, whole.source_channels) == (rate, channels)
        assert spooled.duration == pytest.approx(7.0, abs=0.01)
        for a, b in zip(spooled.channels, whole.channels):
            assert isinstance(a, SpooledChannel) and len(a) == len(b)
            np.testing.assert_allclose(a[:], b, atol=1e-7)
            np.testing.assert_allclose(a[12345:23456], b[12345:23456], atol=1e-7)


def test_spilling_in_the_middle_of_decoding_keeps_every_sample(tmp_path):
    """A container that does not declare its length spills once the threshold is passed."""
    rng = np.random.default_rng(0)
    blocks = [rng.normal(0, 0.1, (2, int(n))).astype(np.float32) for n in rng.integers(1, 3000, 60)]
    sinks = {}
    for name, limit in (("memory", None), ("spilled", 1.5)):  # 1.5 s: spills after ~30 blocks
        sink = sinks[name] = _Sink("x.wav", limit, str(tmp_path))
        sink.start(2, 0.0)
        for b in blocks:
            sink.add(b)
        assert (sink.writer is not None) == (name == "spilled")
    (mem, same_mem), (disk, same_disk) = sinks["memory"].channels(), sinks["spilled"].channels()
    assert not same_mem and not same_disk
    for a, b in zip(disk, mem):
        np.testing.assert_array_equal(a[:], b)
        a.close()


def test_spooled_channel_reads_like_an_array(tmp_path):
    x = np.arange(1000, dtype=np.float32)
    ch = spool(x, tmp_path)
    assert len(ch) == 1000 and ch.shape == (1000,) and ch.dtype == np.float32
    for key in (slice(None), slice(10, 20), slice(-5, None), slice(990, 2000), slice(500, 400), slice(1, 50, 7)):
        np.testing.assert_array_equal(ch[key], x[key])
    np.testing.assert_array_equal(np.asarray(ch), x)
    np.testing.assert_array_equal(ch.memmap(), x)
    assert [s for s, _ in ch.blocks(300)] == [0, 300, 600, 900]
    with pytest.raises(TypeError, match="slices"):
        ch[3]
    ch.close()
    assert ch.closed


# -- measures read block by block -----------------------------------------------------------------------
def split_reference(samples, top_db=35.0):
    """The speech gate as it was: librosa on the whole array (a channel quieter than -55 dBFS: none)."""
    rms = librosa.feature.rms(y=samples, frame_length=800, hop_length=400)[0]
    if 20 * np.log10(max(float(rms.max()), 1e-10)) < -55.0:
        return []
    return [(a / SAMPLE_RATE, b / SAMPLE_RATE)
            for a, b in librosa.effects.split(samples, top_db=top_db, frame_length=800, hop_length=400)]


@pytest.mark.parametrize("n", [400, 801, 16000 * 3 + 7, 16000 * 230 + 123])
def test_speech_gate_in_blocks_equals_librosa_on_the_whole_channel(tmp_path, n):
    rng = np.random.default_rng(n)
    t = np.arange(n) / SAMPLE_RATE
    x = (rng.normal(0, 1e-3, n) + 0.3 * np.sin(2 * np.pi * 300 * t) * (np.sin(2 * np.pi * 0.37 * t) > 0.3))
    x = x.astype(np.float32)
    np.testing.assert_array_equal(frame_rms(x, block_frames=7),
                                  librosa.feature.rms(y=x, frame_length=800, hop_length=400)[0])
    regions = speech_regions(x)
    assert regions == split_reference(x)
    assert speech_regions(spool(x, tmp_path)) == regions
    if n > 16000 * 100:
        assert len(regions) > 50  # the bursts were found, across many blocks


def frames_reference(samples, sr=SAMPLE_RATE):
    """The offline diarizer's features as they were: one STFT of the whole array."""
    hop, n_fft = int(sr * 0.02), 512
    power = np.abs(librosa.stft(samples, n_fft=n_fft, hop_length=hop)) ** 2
    mel = librosa.feature.melspectrogram(S=power, sr=sr, n_mels=40, fmin=60, fmax=4000)
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=21)
    freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    band = power[(freqs >= 100) & (freqs <= 3800)] + 1e-12
    rms = librosa.feature.rms(y=samples, frame_length=n_fft, hop_length=hop)[0]
    flatness = np.exp(np.log(band).mean(0)) / band.mean(0)
    return mfcc[1:].T.astype(np.float64), 20 * np.log10(np.maximum(rms, 1e-10)), flatness


def test_offline_diarizer_features_in_blocks_equal_whole_call_features(samples, tmp_path):
    x = decode(samples / "audio" / MONO).channels[0]
    want = frames_reference(x)
    for got, ref in zip(_frames(x, SAMPLE_RATE, block_frames=10 ** 9), want):
        np.testing.assert_array_equal(got, ref)
    for got, ref in zip(_frames(x, SAMPLE_RATE, block_frames=97), want):  # many blocks: float rounding only
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-3)
    ch = spool(x, tmp_path)
    assert diarize_offline(ch) == diarize_offline(x) != []


def test_offline_diarizer_clusters_a_subset_of_windows_on_long_calls(samples):
    x = decode(samples / "audio" / MONO).channels[0]
    full = diarize_offline(x)
    capped = diarize_offline(x, max_windows=40)  # every 2nd-3rd window, as on a call of over an hour
    assert len({lb for *_, lb in capped}) == 2

    def labels(segments):
        frames = np.full(int(len(x) / SAMPLE_RATE * 50), -1)
        for a, b, lb in segments:
            frames[int(a * 50):int(b * 50)] = int(lb[-2:])
        return frames
    f, c = labels(full), labels(capped)
    agree = max(np.mean(f[f >= 0] == c[f >= 0]), np.mean(f[f >= 0] == 1 - c[f >= 0]))  # labels may swap
    assert agree > 0.8


def test_pyannote_gets_the_spooled_channel_without_a_copy(tiny_pyannote, samples, tmp_path):
    x = decode(samples / "audio" / MONO).channels[0][:12 * SAMPLE_RATE]
    diarizer = Diarizer(DiarizationSettings(model=tiny_pyannote))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        segments = diarizer(spool(x, tmp_path))  # a copy-on-write map: writable, so torch does not warn
    assert segments == diarizer(x) != []
    assert not [w for w in caught if "not writable" in str(w.message)]


def test_voice_measures_and_mix_down_read_slices_of_spooled_channels(samples, tmp_path):
    audio = decode(samples / "audio" / STEREO, spool_after=None)
    turns = [Turn("agent", 0.5, 3.0, "a"), Turn("customer", 3.0, 9.5, "b"), Turn("agent", 40.0, 99.0, "c")]
    want = turn_prosody(audio.channels, audio.sample_rate, turns, {"agent": 0, "customer": 1})
    with decode(samples / "audio" / STEREO, spool_after=0, spool_dir=str(tmp_path)) as spooled:
        assert turn_prosody(spooled.channels, spooled.sample_rate, turns, {"agent": 0, "customer": 1}) == want
        mixed = mix_down(spooled, str(tmp_path))
        np.testing.assert_allclose(mixed[:], mix_down(audio), atol=1e-7)
        mixed.close()
    assert want[0] is not None and want[2] is not None


# -- the pipeline -----------------------------------------------------------------------------------------
def long_call(path, samples, repeats=4, gap_s=5.0):
    """A few minutes of stereo speech: the sample call `repeats` times with silences between."""
    audio = decode(samples / "audio" / STEREO)
    gap = np.zeros((2, int(gap_s * SAMPLE_RATE)), np.float32)
    data = np.concatenate([np.concatenate([np.stack(audio.channels), gap], axis=1)] * repeats, axis=1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(data.T, -1, 1) * 32767).astype("<i2").tobytes())
    return data.shape[1] / SAMPLE_RATE


def pipeline_for(tmp_path, tiny_whisper, tiny_sentiment, **audio) -> Pipeline:
    data = {"asr": {"model": tiny_whisper, "beam_size": 1, "temperature": [0.0], "vad": False,
                    "chunk_seconds": 60, **RANDOM_MODEL_ASR},
            "sentiment": {"backend": "lexicon"}, "audio": audio}
    config = tmp_path / f"callqa-{len(list(tmp_path.glob('callqa-*')))}.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    return Pipeline(load_settings(str(config)))


@needs_proc
def test_long_call_through_spooled_path_matches_in_memory_path(tmp_path, samples, tiny_whisper, tiny_sentiment):
    path = tmp_path / "long.wav"
    duration = long_call(path, samples)
    assert duration > 180
    folder = tmp_path / "spool"
    folder.mkdir()
    seen = []

    def progress(stage, fraction):  # while the call is processed: its samples are in private temporary files
        fds = spooled_fds(folder)
        seen.append((stage, len(fds), {stat.S_IMODE(os.stat(f"/proc/self/fd/{fd}").st_mode) for fd in fds}))

    memory = pipeline_for(tmp_path, tiny_whisper, tiny_sentiment, spool_after=None).process(str(path))
    spooled = pipeline_for(tmp_path, tiny_whisper, tiny_sentiment, spool_after=60,
                           spool_dir=str(folder)).process(str(path), progress)
    assert seen and all(n == 2 and modes == {0o600} for _, n, modes in seen), seen
    assert spooled_fds(folder) == [] and os.listdir(folder) == []  # gone after success

    a, b = memory.transcript, spooled.transcript
    assert a.duration == b.duration == pytest.approx(duration, abs=0.01)
    def turns(transcript):
        return [(t.speaker, t.start, t.end, t.text, t.words) for t in transcript.turns]
    assert turns(a) == turns(b) and turns(a)
    assert a.asr["channels"] == b.asr["channels"]
    assert [c.score for c in memory.scorecard.criteria] == [c.score for c in spooled.scorecard.criteria]
    # times are original-recording seconds: each word lies in the piece (cut at silences) it was recognised in
    for side, info in b.asr["channels"].items():
        pieces = info["pieces"]
        assert len(pieces) >= 3 and pieces[-1][1] > 150, pieces
        words = [w for t in b.turns if t.channel == ("left", "right").index(side) for w in t.words]
        assert words and max(w.end for w in words) > 120
        for w in words:
            assert any(s - 0.01 <= w.start <= w.end <= e + 0.01 for s, e, _ in pieces), (w, pieces)


@needs_proc
def test_temporary_files_go_after_a_failure(tmp_path, samples, tiny_sentiment):
    folder = tmp_path / "spool"
    folder.mkdir()
    path = tmp_path / "call.wav"
    long_call(path, samples, repeats=1)
    missing = str(tmp_path / "no-such-whisper")  # the model fails to load after decoding
    pipeline = pipeline_for(tmp_path, missing, tiny_sentiment, spool_after=1, spool_dir=str(folder))
    with pytest.raises(CallQAError, match="asr.model"):
        pipeline.process(str(path))
    assert spooled_fds(folder) == [] and os.listdir(folder) == []


def broken_mp3(tmp_path):
    path = tmp_path / "broken.mp3"
    encode(path, [tone(20.0, 16000, 300), tone(20.0, 16000, 500)], 16000, "libmp3lame")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4000] = np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    return path


@needs_proc
@pytest.mark.parametrize("spool_after", [None, 1.0])
def test_file_broken_mid_stream_is_an_input_error_naming_it(tmp_path, spool_after):
    folder = tmp_path / "spool"
    folder.mkdir()
    path = broken_mp3(tmp_path)
    with pytest.raises(InputError) as err:
        decode(path, spool_after=spool_after, spool_dir=str(folder))
    message = err.value.message
    assert str(path) in message and "cannot be decoded as audio after" in message and "complete" in message
    seconds = float(message.split("after ")[1].split(" s")[0])
    assert 5.0 < seconds < 15.0  # where it broke
    assert spooled_fds(folder) == [] and os.listdir(folder) == []


def test_unwritable_spool_folder_is_an_actionable_error(tmp_path):
    path = tmp_path / "call.wav"
    encode(path, [tone(2.0, 8000), tone(2.0, 8000, 500)], 8000, "pcm_s16le")
    with pytest.raises(CallQAError) as err:
        decode(path, spool_after=0, spool_dir=str(tmp_path / "no-such-folder"))
    assert "audio.spool_dir" in err.value.message and str(path) in err.value.message


def test_recognizer_reads_only_pieces_of_a_spooled_channel(tiny_whisper, samples, tmp_path):
    x = decode(samples / "audio" / STEREO).channels[0]
    rec = Recognizer(AsrSettings(model=tiny_whisper, beam_size=1, temperature=[0.0], language="en",
                                 chunk_seconds=30))
    regions = speech_regions(x)
    got = rec.transcribe(spool(x, tmp_path), regions=regions)
    assert got == rec.transcribe(x)
    assert len(got.pieces) >= 2 and got.words


def test_spool_settings_are_checked():
    assert settings_from_dict({"audio": {"spool_after": None}}).audio.spool_after is None
    with pytest.raises(InputError, match="spool_after"):
        settings_from_dict({"audio": {"spool_after": -1}})
