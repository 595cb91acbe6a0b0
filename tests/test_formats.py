"""Transcript JSON import: the exact shape, extra fields kept, clear errors naming the file and field."""
import json
from pathlib import Path

import pytest

from transcribe.errors import InputError
from transcribe.formats import Limits, load_transcript

SAMPLES = Path(__file__).resolve().parent.parent / "sample_calls"


def write(tmp_path, data, name="call.json"):
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


GOOD = {"call_id": "c1", "language": "vi", "agent_id": "a7", "queue": "billing",
        "turns": [{"speaker": "agent", "start": 0.5, "end": 2.0, "text": "Dạ em chào anh", "emotion": "calm"},
                  {"speaker": "customer", "start": 2.5, "end": 4.0, "text": "Chào em"}]}


def test_valid_transcript_keeps_order_and_extra_fields(tmp_path):
    t = load_transcript(write(tmp_path, GOOD))
    assert t.call_id == "c1" and t.language == "vi" and t.agent_id == "a7"
    assert [x.speaker for x in t.turns] == ["agent", "customer"]
    assert t.extra == {"queue": "billing"}
    assert t.turns[0].extra == {"emotion": "calm"}
    assert t.duration == 4.0 and t.source == "transcript"


def test_agent_id_is_optional(tmp_path):
    data = dict(GOOD)
    del data["agent_id"]
    assert load_transcript(write(tmp_path, data)).agent_id is None


@pytest.mark.parametrize("mutate, needle", [
    (lambda d: d.pop("call_id"), "missing field 'call_id'"),
    (lambda d: d.pop("turns"), "missing field 'turns'"),
    (lambda d: d.update(language="fr"), "field 'language' must be one of vi, en"),
    (lambda d: d["turns"][1].pop("end"), "turns[1]: missing field 'end'"),
    (lambda d: d["turns"][0].update(speaker=""), "turns[0].speaker must be a non-empty string"),
    (lambda d: d["turns"][0].update(start=-1), "turns[0].start must be a non-negative number"),
    (lambda d: d["turns"][0].update(start=3.0), "turns[0]: end (2.0) is before start (3.0)"),
    (lambda d: d["turns"][0].update(text=5), "turns[0].text must be a string"),
    (lambda d: d.update(turns=[]), "'turns' must be a non-empty list"),
])
def test_bad_transcripts_name_file_and_field(tmp_path, mutate, needle):
    data = json.loads(json.dumps(GOOD))
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(InputError) as err:
        load_transcript(path)
    assert str(path) in err.value.message
    assert needle in err.value.message


def test_invalid_json_reports_line(tmp_path):
    path = write(tmp_path, '{"call_id": "x",\n "turns": [}')
    with pytest.raises(InputError, match=r"not valid JSON \(line 2"):
        load_transcript(path)


def test_sample_reference_transcripts_load_and_point_at_their_audio():
    files = sorted((SAMPLES / "transcripts").glob("*.json"))
    assert len(files) >= 6
    langs = set()
    for f in files:
        t = load_transcript(f, audio_roots=[str(SAMPLES)])  # they name ../audio/<call>: outside their folder
        langs.add(t.language)
        assert t.audio_path and Path(t.audio_path).exists()
        assert load_transcript(f).audio_path is None  # by default only the transcript's own folder
        starts = [x.start for x in t.turns]
        assert starts == sorted(starts)
    assert langs == {"en", "vi"}


# -- input limits (hostile files) ----------------------------------------------------------------------------------

def nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 600, 100_000])
def test_deeply_nested_field_is_refused_by_name(tmp_path, depth):
    """A 1.9 KB transcript with a field nested 600 levels used to crash the batch (RecursionError while pickling
    the call); 100,000 levels overflow the JSON decoder itself. Both are a clear InputError now."""
    text = json.dumps({**GOOD, "meta": "@@"}).replace('"@@"', nested(depth))
    path = write(tmp_path, text)
    with pytest.raises(InputError, match="nested more than 32 levels deep") as err:
        load_transcript(path)
    assert str(path) in err.value.message
    ok = json.dumps({**GOOD, "meta": "@@"}).replace('"@@"', nested(30))  # 30 + the top object: within 32
    assert load_transcript(write(tmp_path, ok, "ok.json")).extra["meta"]


def test_size_turn_count_and_text_length_limits(tmp_path):
    big = write(tmp_path, {**GOOD, "padding": "x" * 2000}, "big.json")
    with pytest.raises(InputError, match="larger than batch.max_transcript_mb"):
        load_transcript(big, limits=Limits(max_bytes=1000))
    many = {**GOOD, "turns": [GOOD["turns"][0]] * 11}
    with pytest.raises(InputError, match="has 11 turns, more than the 10"):
        load_transcript(write(tmp_path, many, "many.json"), limits=Limits(max_turns=10))
    long_turn = {**GOOD, "turns": [{**GOOD["turns"][0], "text": "a" * 101}]}
    with pytest.raises(InputError, match=r"turns\[0\].text is 101 characters long, more than the 100"):
        load_transcript(write(tmp_path, long_turn, "long.json"), limits=Limits(max_text_chars=100))


@pytest.mark.parametrize("call_id, needle", [
    ("x" * 100_000, "is 100000 characters long"),
    ("x" * 129, "at most 128"),
    ("abc\ndef", "line break"),
    ("abc\x1b[31mred", "control character"),
    ("a\u200bb", "control character"),  # zero-width space: looks like "ab"
])
def test_call_id_is_bounded_and_printable(tmp_path, call_id, needle):
    path = write(tmp_path, {**GOOD, "call_id": call_id})
    with pytest.raises(InputError, match="field 'call_id'") as err:
        load_transcript(path)
    assert needle in err.value.message and str(path) in err.value.message
    assert len(err.value.message) < 600  # the id is quoted cut short, not printed whole


def test_call_id_of_128_printable_characters_is_fine(tmp_path):
    assert load_transcript(write(tmp_path, {**GOOD, "call_id": "Đ" * 128})).call_id == "Đ" * 128


# -- the recording a transcript names ------------------------------------------------------------------------------

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28)


@pytest.fixture
def site(tmp_path):
    """An input folder with a transcript's own recordings, a database beside the transcripts, and a secret."""
    inbox = tmp_path / "inbox"
    (inbox / "rec").mkdir(parents=True)
    (inbox / "rec" / "c1.wav").write_bytes(WAV)
    (inbox / "qa.duckdb").write_bytes(b"DUCK" + bytes(60))
    (tmp_path / "secret.wav").write_bytes(WAV)
    return inbox


@pytest.mark.parametrize("reference, why", [
    ("../../../../../../../../etc/passwd", "outside the allowed folders"),
    ("/etc/passwd", "absolute path"),
    ("../secret.wav", "outside the allowed folders"),
    ("qa.duckdb", "not an audio file"),
    ("link-out.wav", "outside the allowed folders"),   # a link inside the folder, pointing outside
    ("link-db.wav", "not an audio file"),              # a link with an audio name, pointing at the database
    ("rec", "not a regular file"),
    (["c1.wav"], "must be a file name"),
])
def test_audio_reference_outside_the_allowed_folders_is_refused(site, reference, why, caplog):
    (site / "link-out.wav").symlink_to(site.parent / "secret.wav")
    (site / "link-db.wav").symlink_to(site / "qa.duckdb")
    path = write(site, {**GOOD, "audio": reference})
    t = load_transcript(path)
    assert t.audio_path is None  # the call is scored from its text, without the file
    assert why in t.extra["audio_refused"] and str(path) in t.extra["audio_refused"]
    assert " — " in t.extra["audio_refused"]  # then what to do
    assert t.extra["audio_refused"] in caplog.text  # logged where the batch's operator sees it


def test_audio_reference_inside_the_transcript_folder_is_resolved(site, tmp_path):
    t = load_transcript(write(site, {**GOOD, "audio": "rec/c1.wav"}))
    assert t.audio_path == str((site / "rec" / "c1.wav").resolve()) and "audio_refused" not in t.extra
    assert load_transcript(write(site, {**GOOD, "audio": "rec/missing.wav"})).audio_path is None  # not there yet
    elsewhere = load_transcript(write(site, {**GOOD, "audio": "../secret.wav"}), audio_roots=[str(tmp_path)])
    assert elsewhere.audio_path == str((tmp_path / "secret.wav").resolve())  # a configured root


def test_a_transcript_with_a_utf8_byte_order_mark_is_read(tmp_path):
    import json as _json

    from transcribe.formats import load_transcript

    p = tmp_path / "bom.json"
    data = {"call_id": "bom-1", "language": "vi", "turns": [
        {"speaker": "agent", "start": 0.0, "end": 1.0, "text": "Dạ em chào chị"},
        {"speaker": "customer", "start": 1.2, "end": 2.0, "text": "Chào em"}]}
    p.write_bytes(b"\xef\xbb\xbf" + _json.dumps(data, ensure_ascii=False).encode("utf-8"))
    t = load_transcript(str(p))
    assert t.call_id == "bom-1" and t.turns[0].text == "Dạ em chào chị"
