"""Decoding: formats, rates, channel layouts, silence and broken files."""
import wave

import av
import numpy as np
import pytest

from transcribe.audio import SAMPLE_RATE, decode, speech_regions
from transcribe.errors import InputError


def tone(seconds, rate, freq=440.0):
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def encode(path, channels, rate, codec, fmt=None):
    """Write `channels` (list of float arrays) with PyAV (FFmpeg) in the container implied by `path`."""
    layout = "stereo" if len(channels) == 2 else "mono" if len(channels) == 1 else "5.1"
    with av.open(str(path), "w", format=fmt) as out:
        options = {"strict": "experimental"} if codec == "vorbis" else {}  # FFmpeg's own Vorbis encoder
        stream = out.add_stream(codec, rate=rate, layout=layout, options=options)
        data = np.stack(channels)
        frame_fmt = "s16p" if codec in ("flac", "pcm_s16le") else "fltp"
        if frame_fmt == "s16p":
            data = (data * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(data, format=frame_fmt, layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


@pytest.mark.parametrize("ext, codec, fmt", [("wav", "pcm_s16le", None), ("flac", "flac", None),
                                             ("ogg", "vorbis", None), ("mp3", "libmp3lame", None),
                                             ("m4a", "aac", "mp4")])
@pytest.mark.parametrize("rate", [8000, 16000, 44100, 48000])
def test_formats_and_rates_decode_to_16k(tmp_path, ext, codec, fmt, rate):
    path = tmp_path / f"call.{ext}"
    encode(path, [tone(2.0, rate, 300), tone(2.0, rate, 600)], rate, codec, fmt)
    audio = decode(path)
    assert audio.sample_rate == SAMPLE_RATE and audio.source_rate == rate
    assert len(audio.channels) == 2 and all(c.dtype == np.float32 for c in audio.channels)
    assert abs(audio.duration - 2.0) < 0.25  # lossy codecs add priming samples


def test_mono_stays_mono(tmp_path):
    path = tmp_path / "mono.wav"
    encode(path, [tone(1.0, 8000)], 8000, "pcm_s16le")
    audio = decode(path)
    assert len(audio.channels) == 1 and not audio.is_stereo
    assert abs(audio.duration - 1.0) < 0.01


def test_identical_stereo_channels_are_treated_as_mono(tmp_path):
    path = tmp_path / "dual.wav"
    x = tone(1.0, 16000)
    encode(path, [x, x], 16000, "pcm_s16le")
    audio = decode(path)
    assert len(audio.channels) == 1 and "identical" in audio.notes[0]


def test_six_channels_are_mixed_down(tmp_path):
    path = tmp_path / "six.wav"
    encode(path, [tone(1.0, 16000, 200 + 100 * i) for i in range(6)], 16000, "pcm_s16le")
    audio = decode(path)
    assert len(audio.channels) == 1 and "6 channels" in audio.notes[0]


def test_channels_keep_their_party(tmp_path):
    """Left holds speech only in the first half, right only in the second: decoding keeps them apart."""
    rate = 8000
    left = np.concatenate([tone(1.0, rate), np.zeros(rate, np.float32)])
    right = np.concatenate([np.zeros(rate, np.float32), tone(1.0, rate)])
    path = tmp_path / "lr.wav"
    encode(path, [left, right], rate, "pcm_s16le")
    audio = decode(path)
    (l0, l1), = speech_regions(audio.channels[0])
    (r0, r1), = speech_regions(audio.channels[1])
    assert l1 <= 1.1 and r0 >= 0.9


def test_silence_has_no_speech_regions(tmp_path):
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 8000 * 2)
    audio = decode(path)
    assert speech_regions(audio.channels[0]) == []


def test_sha256_identifies_content(tmp_path):
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    encode(a, [tone(1.0, 8000)], 8000, "pcm_s16le")
    b.write_bytes(a.read_bytes())
    assert decode(a).sha256 == decode(b).sha256


@pytest.mark.parametrize("content, needle", [(b"", "is empty (0 bytes)"),
                                             (b"this is not audio at all" * 20, "cannot be decoded as audio"),
                                             (b"RIFF\x24\x00\x00\x00WAVEfmt ", "cannot be decoded as audio")])
def test_broken_files_give_actionable_errors(tmp_path, content, needle):
    path = tmp_path / "broken.wav"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        decode(path)
    assert str(path) in err.value.message and needle in err.value.message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        decode(tmp_path / "nope.wav")


@pytest.mark.parametrize("ext, codec, fmt", [("wav", "pcm_s16le", None), ("mp3", "libmp3lame", None),
                                             ("flac", "flac", None), ("m4a", "aac", "mp4")])
def test_a_recording_cut_off_at_40_percent_fails_with_the_second_where_audio_stopped(tmp_path, ext, codec, fmt):
    whole = tmp_path / f"whole.{ext}"
    encode(whole, [tone(20.0, 16000, 300)], 16000, codec, fmt)
    assert abs(decode(whole).duration - 20.0) < 0.25, "the complete file decodes"
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(data[: int(len(data) * 0.4)])
    with pytest.raises(InputError) as exc:
        decode(cut)
    assert str(cut) in exc.value.message
    assert "cut off" in exc.value.message or "damaged" in exc.value.message or "cannot be decoded" in exc.value.message


def test_a_cut_off_wav_names_the_declared_and_the_decoded_length(tmp_path):
    whole = tmp_path / "whole.wav"
    encode(whole, [tone(20.0, 16000, 300)], 16000, "pcm_s16le")
    data = whole.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: int(len(data) * 0.4)])
    with pytest.raises(InputError, match=r"is cut off: its header declares 20\.0 s of audio but the audio stops at 8\.0 s"):
        decode(cut)


def test_cut_off_tolerates_encoder_padding():
    from transcribe.audio import cut_off

    assert not cut_off(0.0, 5.0) and not cut_off(20.0, 19.8) and not cut_off(600.0, 590.0)
    assert cut_off(20.0, 8.0) and cut_off(1.0, 0.5) and cut_off(600.0, 580.0)
