"""Transcript JSON import: the exact shape, extra fields kept, clear errors naming the file and field."""
import json
from pathlib import Path

import pytest

from transcribe.errors import InputError
from transcribe.formats import load_transcript

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
        t = load_transcript(f)
        langs.add(t.language)
        assert t.audio_path and Path(t.audio_path).exists()
        starts = [x.start for x in t.turns]
        assert starts == sorted(starts)
    assert langs == {"en", "vi"}
