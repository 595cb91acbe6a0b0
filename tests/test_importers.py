"""Transcripts from other tools, read from real public samples of each format (tests/data/imports/PROVENANCE.md):
turns, times, speakers, words, the call id and language, roles through the pipeline, and clear refusals."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from transcribe.errors import InputError
from transcribe.formats import Limits
from transcribe.importers import ImportSettings, detect_format, load_call
from transcribe.importers.common import seconds
from transcribe.types import AGENT, CUSTOMER

DATA = Path(__file__).parent / "data" / "imports"


def pipeline(**imports) -> Pipeline:
    s = Settings()
    s.sentiment.backend = "lexicon"
    for k, v in imports.items():
        setattr(s.imports, k, v)
    return Pipeline(s)


def test_srt_sample_one_turn_per_subtitle():
    t = load_call(DATA / "webvtt_py_sample.srt")
    assert t.call_id == "webvtt_py_sample" and t.source == "transcript" and t.extra["import_format"] == "srt"
    assert [x.text for x in t.turns] == [f"Caption text #{i}" for i in range(1, 6)]
    assert [(x.start, x.end) for x in t.turns][:2] == [(0.5, 7.0), (7.0, 11.89)]
    assert t.duration == 23.88 and {x.speaker for x in t.turns} == {"unknown"}
    assert t.extra["speakers_from"] == "none" and len(t.sha256 or "") == 64


def test_srt_speaker_prefixes_become_speakers(tmp_path):
    f = tmp_path / "call_42.srt"
    f.write_text("1\n00:00:01,000 --> 00:00:03,000\nNhân viên: Xin chào, em là Lan.\n\n"
                 "2\n00:00:03,500 --> 00:00:05,000\nKhách hàng: Chào em.\n\n"
                 "3\n00:00:05,000 --> 00:00:06,000\ntôi cần hỗ trợ\n", encoding="utf-8")
    t = load_call(f, settings=ImportSettings(agent_labels=["nhân viên"], customer_labels=["khách hàng"]))
    assert [(x.speaker, x.text) for x in t.turns] == [(AGENT, "Xin chào, em là Lan."), (CUSTOMER, "Chào em."),
                                                      (CUSTOMER, "tôi cần hỗ trợ")]
    assert t.turns[0].extra["label"] == "Nhân viên" and t.language == "vi" and t.call_id == "call_42"


def test_webvtt_teams_sample_voice_tags_are_speakers():
    t = load_call(DATA / "webvtt_py_teams.vtt")
    assert [(x.speaker, x.start, x.end, x.text) for x in t.turns] == [
        ("Yuri Bakulin", 0.0, 0.57, "There you go."), ("Adrian Petrescu", 0.21, 1.13, "Why hello there, Yuri.")]
    assert t.extra["speakers_from"] == "voice"


def test_webvtt_voice_spans_with_classes_and_markup():
    t = load_call(DATA / "vttjs_voice_spans.vtt")
    assert [x.speaker for x in t.turns] == ["Esme", "Mary", "Esme", "Mary"]
    assert t.turns[2].text == "Hee! laughter"  # <i> removed, text kept as plain text
    assert t.turns[3].end == 8.0


def test_amazon_speaker_labels_sample():
    t = load_call(DATA / "amazon_speaker_labels.json", settings=ImportSettings(language="en"))
    assert t.call_id == "03-speaker-identification" and t.language == "en"
    assert [x.speaker for x in t.turns] == ["spk_0", "spk_1"]
    first, second = t.turns
    assert first.start == 0.49 and first.text.startswith("She was gone out into the village on some errand when,")
    assert second.start == 15.09 and second.end == 25.35 and second.channel is None
    assert all(w.start >= first.start for w in first.words) and 0.9 < first.confidence <= 1.0
    assert ", " in first.text and " ," not in first.text  # punctuation joins the word before it


def test_amazon_channel_identification_sample_keeps_channels():
    t = load_call(DATA / "amazon_channels.json")
    assert [(x.speaker, x.channel) for x in t.turns] == [("ch_1", 1), ("ch_0", 0)]
    assert t.turns[1].text.startswith("it will be well for you if you join, not with those who,")
    assert t.extra["speakers_from"] == "channel_labels"


def test_amazon_channels_take_roles_from_the_agent_channel_setting():
    p = pipeline()
    p.settings.audio.agent_channel = "right"
    t = p.import_transcript(str(DATA / "amazon_channels.json"))
    assert [x.speaker for x in t.turns] == [AGENT, CUSTOMER] and t.roles["method"] == "channel"
    p.settings.audio.agent_channel = "left"
    t = p.import_transcript(str(DATA / "amazon_channels.json"))
    assert [x.speaker for x in t.turns] == [CUSTOMER, AGENT]
    assert t.turns[0].extra["label"] == "ch_1"


def test_whisperx_sample_segments_words_and_scores():
    t = load_call(DATA / "whisperx_trimit.json")
    assert [x.text for x in t.turns] == ["Yeah, sorry, what is his number?", "My case number.", "OK, yeah."]
    assert {x.speaker for x in t.turns} == {"SPEAKER_04"} and t.extra["speakers_from"] == "diarization"
    w = t.turns[0].words
    assert (w[0].text, w[0].start, w[0].end, w[0].probability) == ("Yeah,", 1.238, 1.478, 0.719)
    assert t.turns[1].confidence == pytest.approx((0.648 + 0.484 + 0.494) / 3, abs=1e-4)


def test_whisperx_unaligned_words_and_language(tmp_path):
    data = json.loads((DATA / "whisperx_trimit.json").read_text())
    data["language"] = "en"
    data["segments"][0]["words"].append({"word": "42"})  # whisperX leaves numbers it cannot align untimed
    f = tmp_path / "x.json"
    f.write_text(json.dumps(data))
    t = load_call(f)
    assert t.language == "en" and len(t.turns[0].words) == 6


def test_azure_sample_ticks_display_and_display_words():
    t = load_call(DATA / "azure_hello.json", settings=ImportSettings(language="en"))
    (turn,) = t.turns
    assert (turn.start, turn.end, turn.text) == (0.76, 2.08, "Hello world.")
    assert [(w.text, w.start, w.end) for w in turn.words] == [("Hello", 0.76, 1.52), ("world.", 1.52, 2.08)]
    assert turn.confidence == pytest.approx(0.5643338) and t.call_id == "azure_hello"


def test_azure_diarized_sample_speaker_and_words():
    t = load_call(DATA / "azure_diarized.json")
    (turn,) = t.turns
    assert turn.speaker == "speaker_1" and (turn.start, turn.end) == (0.07, 1.66)
    assert [(w.text, w.probability) for w in turn.words] == [("hello", 0.987572), ("world", 0.906032)]


def test_azure_iso_durations_channels_and_failed_phrases(tmp_path):
    data = json.loads((DATA / "azure_hello.json").read_text())
    left = data["recognizedPhrases"][0]
    right = {**json.loads(json.dumps(left)), "channel": 1}
    for p in (left, right):
        del p["offsetInTicks"], p["durationInTicks"]
    right["offset"], right["duration"] = "PT0.5S", "PT1M2.25S"
    right["nBest"][0]["display"] = "Dạ, em chào anh."
    data["recognizedPhrases"] = [left, right, {"recognitionStatus": "NoMatch", "channel": 1}]
    data["locale"] = "vi-VN"
    f = tmp_path / "stereo.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    t = load_call(f, settings=ImportSettings(language="en"))
    assert [(x.speaker, x.channel, x.start) for x in t.turns] == [("ch_1", 1, 0.5), ("ch_0", 0, 0.76)]
    assert t.turns[0].end == pytest.approx(62.75) and t.language == "vi" and t.extra["failed_phrases"] == 1


def test_csv_sample_clock_times():
    t = load_call(DATA / "transcript_turns.csv")
    assert [(x.speaker, x.start, x.end) for x in t.turns] == [("Bob", 3600.0, 3680.0), ("Tay", 43294.0, 43310.0)]
    assert t.turns[1].text == "Awesome, thanks for informing about that!"


def test_csv_columns_from_settings_vietnamese_bom_and_semicolons(tmp_path):
    f = tmp_path / "export.csv"
    f.write_bytes("\ufeffMã cuộc gọi;Người nói;Bắt đầu;Nội dung\n"
                  "C-7;Nhân viên;0.5;Dạ, em chào anh ạ\n"
                  "C-7;Khách hàng;2;\"Chào em; anh cần hỏi\"\n".encode())
    s = ImportSettings(csv_call_id=["mã cuộc gọi"], csv_speaker=["người nói"], csv_start=["bắt đầu"],
                       csv_text=["nội dung"], agent_labels=["nhân viên"])
    t = load_call(f, settings=s)
    assert t.call_id == "C-7" and [x.speaker for x in t.turns] == [AGENT, CUSTOMER]
    assert t.turns[1].text == "Chào em; anh cần hỏi"
    assert [(x.start, x.end) for x in t.turns] == [(0.5, 2.0), (2.0, 2.0)]  # no end column: until the next turn


def test_csv_without_needed_columns_or_with_many_calls_is_refused(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("when,who,said\n1,A,hi\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_call(f)
    assert "has no text, start, speaker column (its header is when, who, said)" in err.value.message
    assert "imports.csv_*" in err.value.message
    f.write_text("call_id,speaker,start,text\nA,x,1,hi\nB,y,2,ho\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds 2 calls"):
        load_call(f)
    f.write_text("speaker,start,text\nx,soon,hi\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'start' is not a time in seconds \('soon'\)"):
        load_call(f)


def test_content_decides_over_extension(tmp_path):
    vtt = tmp_path / "teams.srt"
    shutil.copy(DATA / "webvtt_py_teams.vtt", vtt)
    assert detect_format(str(vtt), vtt.read_text()) == "webvtt"
    assert load_call(vtt).turns[0].speaker == "Yuri Bakulin"
    srt = tmp_path / "sub.vtt"
    shutil.copy(DATA / "webvtt_py_sample.srt", srt)
    assert load_call(srt).extra["import_format"] == "srt"


@pytest.mark.parametrize("name,text,problem", [
    ("bad.srt", "1\n00:00:01,000 --> xx\nhello\n", "is not valid SRT"),
    ("bad.vtt", "no header\n\n00:01.000 --> 00:02.000\nhi\n", "is not valid WebVTT"),
    ("garbage.vtt", "WEBVTT\n\nnot a cue at all\n00:01 --> \n", "has no speech to score"),
    ("other.json", '{"hello": "world"}', "is JSON in no format callqa reads (top level: hello)"),
    ("list.json", "[1, 2]", "is JSON in no format callqa reads (top level: a JSON list)"),
    ("amazon.json", '{"results": {"transcripts": [], "items": [{"type": "pronunciation", "start_time": "x", '
                    '"end_time": "1", "alternatives": [{"content": "a"}]}]}}', "results.items[0] has no usable"),
    ("azure.json", '{"recognizedPhrases": [{"nBest": [{"display": "hi"}]}]}', "has no offsetInTicks"),
    ("empty.vtt", "WEBVTT\n", "has no speech to score"),
    ("latin1.srt", None, "is not UTF-8 text"),
])
def test_bad_files_fail_with_the_file_and_the_problem(tmp_path, name, text, problem):
    f = tmp_path / name
    if text is None:
        f.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nXin ch\xe0o\n".encode("latin-1"))
    else:
        f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_call(f)
    assert err.value.path == str(f) and problem in err.value.message


def test_callqa_json_still_reads_as_before(samples):
    t = load_call(next((samples / "transcripts").glob("*.json")))
    assert t.roles["method"] == "transcript" and t.turns and "import_format" not in t.extra


def test_limits_apply_to_imported_files(tmp_path):
    f = tmp_path / "big.vtt"
    f.write_text("WEBVTT\n\n" + "".join(f"00:00:{i:02d}.000 --> 00:00:{i:02d}.500\nhi\n\n" for i in range(30)))
    with pytest.raises(InputError, match="more than the 10 one call may have"):
        load_call(f, limits=Limits(max_turns=10))


@pytest.mark.parametrize("value,expected", [("15.09", 15.09), (3, 3.0), ("01:02:03.5", 3723.5), ("02:03,5", 123.5),
                                            ("PT1.59S", 1.59), ("PT1H2M", 3720.0), ("-1", None), ("nan", None),
                                            (True, None), ("PT", None), ("soon", None)])
def test_seconds(value, expected):
    assert seconds(value) == expected


def test_imported_calls_are_scored_with_roles_from_cues(tmp_path):
    f = tmp_path / "c1.vtt"
    f.write_text("WEBVTT\n\n00:00.000 --> 00:03.000\n<v Lan>Xin chào, em là Lan, tổng đài viên. Em có thể giúp gì "
                 "cho anh?\n\n00:03.500 --> 00:06.000\n<v Minh>Chào em, anh muốn hỏi về hóa đơn.\n\n"
                 "00:06.000 --> 00:09.000\n<v Lan>Dạ vâng, cảm ơn anh đã gọi. Chúc anh một ngày tốt lành.\n",
                 encoding="utf-8")
    p = pipeline()
    result = p.process(str(f))
    t = result.transcript
    assert [x.speaker for x in t.turns] == [AGENT, CUSTOMER, AGENT] and t.turns[0].extra["label"] == "Lan"
    assert t.roles["method"] == "transcript labels+cues" and result.scorecard.criteria


def test_a_file_naming_no_speakers_is_flagged_for_review():
    t = pipeline(language="en").import_transcript(str(DATA / "webvtt_py_sample.srt"))
    assert t.roles["review"] is True and "the file names no speakers" in t.roles["evidence"]


def test_an_imported_file_is_a_speech_reference_by_its_text():
    from qa.evaluation.speech import reference_text

    assert reference_text(str(DATA / "webvtt_py_teams.vtt")) == "There you go. Why hello there, Yuri."
    assert reference_text(str(DATA / "webvtt_py_sample.srt")).startswith("Caption text #1 Caption text #2")


def test_hostile_json_nesting_and_long_turns_are_refused_not_crashes(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"segments": [{"text": "x", "start": 0, "end": 1, "words": ' + "[" * 600 + "]" * 600 + "}]}")
    with pytest.raises(InputError, match="nested more than 32 levels deep"):
        load_call(deep)
    long = tmp_path / "long.vtt"
    long.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n<v A>" + "a" * 60 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="turn 0 is 60 characters long, more than the 50"):
        load_call(long, limits=Limits(max_text_chars=50))
    odd = tmp_path / "odd.json"
    odd.write_text('{"segments": [1, 2, 3]}')
    with pytest.raises(InputError, match="no format callqa reads"):
        load_call(odd)


def test_speaker_markup_in_a_voice_tag_stays_text(tmp_path):
    f = tmp_path / "x.vtt"
    f.write_text('WEBVTT\n\n00:00.000 --> 00:01.000\n<v Bob &amp; "Co">Hi <b>there</b> &lt;script&gt;\n',
                 encoding="utf-8")
    (turn,) = load_call(f).turns
    assert turn.text == "Hi there <script>"  # entities decoded into plain text; the app shows it as text
    assert turn.speaker == 'Bob & "Co"'
