"""Settings are validated by type and range when loaded: file, command line and $CALLQA_CONFIG alike."""
import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.config.settings import SECTIONS, Settings, load_settings
from qa.config.validation import expectation
from transcribe.asr import AsrSettings, Recognizer
from transcribe.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def load_yaml(tmp_path, text: str) -> Settings:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(str(path))


def refused(tmp_path, text: str) -> str:
    with pytest.raises(InputError) as err:
        load_yaml(tmp_path, text)
    assert err.value.path == str(tmp_path / "settings.yaml")
    return err.value.message


# (yaml, key, given as shown, expected) — per section at least one wrong type and one out of range
BAD = [
    ("asr: {beam_size: five}", "asr.beam_size", "'five'", "a whole number >= 1"),
    ("asr: {beam_size: 0}", "asr.beam_size", "0", "a whole number >= 1"),
    ("asr: {beam_size: 2.5}", "asr.beam_size", "2.5", "a whole number >= 1"),
    ("asr: {vad: 'yes'}", "asr.vad", "'yes'", "true or false"),
    ("asr: {model: [tiny]}", "asr.model", "['tiny']", "non-empty text"),
    ("asr: {temperature: [0.0, hot]}", "asr.temperature[1]", "'hot'", "a number >= 0 or a non-empty list"),
    ("asr: {temperature: -0.5}", "asr.temperature[0]", "-0.5", "a number >= 0 or a non-empty list"),
    ("asr: {temperature: []}", "asr.temperature", "[]", "a number >= 0 or a non-empty list"),
    ("asr: {no_speech_threshold: 1.5}", "asr.no_speech_threshold", "1.5", "a number from 0 to 1"),
    ("asr: {chunk_seconds: 10}", "asr.chunk_seconds", "10", "a number of seconds >= 30"),
    ("asr: {language: fr}", "asr.language", "'fr'", "one of auto, vi, en, segment"),
    ("asr: {compute_type: int4}", "asr.compute_type", "'int4'", "one of auto, default, int8"),
    ("asr: {channel_languages: {left: fr}}", "asr.channel_languages.left", "'fr'", "left/right to one of auto, vi"),
    ("diarization: {num_speakers: two}", "diarization.num_speakers", "'two'", "a whole number >= 1 or null"),
    ("diarization: {num_speakers: 0}", "diarization.num_speakers", "0", "a whole number >= 1 or null"),
    ("diarization: {max_speakers: true}", "diarization.max_speakers", "True", "a whole number >= 1 or null"),
    ("diarization: {backend: magic}", "diarization.backend", "'magic'", "one of auto, pyannote, offline"),
    ('audio: {turn_gap: "abc"}', "audio.turn_gap", "'abc'", "a number of seconds >= 0"),
    ("audio: {turn_gap: -1}", "audio.turn_gap", "-1", "a number of seconds >= 0"),
    ("audio: {spool_after: true}", "audio.spool_after", "True", "a number of seconds >= 0 or null"),
    ("audio: {agent_channel: middle}", "audio.agent_channel", "'middle'", "one of left, right, auto"),
    ("roles: {review_below: high}", "roles.review_below", "'high'", "a number from 0.5 to 1"),
    ("roles: {review_below: 1.2}", "roles.review_below", "1.2", "a number from 0.5 to 1"),
    ("roles: {voice_margin: -0.1}", "roles.voice_margin", "-0.1", "a number from 0 to 1"),
    ("roles: {opener: boss}", "roles.opener", "'boss'", "one of agent, customer, unknown"),
    ("imports: {language: fr}", "imports.language", "'fr'", "one of vi, en"),
    ("imports: {csv_text: note}", "imports.csv_text", "'note'", "a list"),
    ("sentiment: {batch_size: -3}", "sentiment.batch_size", "-3", "a whole number >= 1"),
    ("sentiment: {batch_size: '16'}", "sentiment.batch_size", "'16'", "a whole number >= 1"),
    ("sentiment: {max_length: 0}", "sentiment.max_length", "0", "a whole number >= 1"),
    ("sentiment: {models: {en: 5}}", "sentiment.models.en", "5", "a mapping of en/vi to non-empty text"),
    ("sentiment: {backend: bert}", "sentiment.backend", "'bert'", "one of auto, transformers, lexicon"),
    ("batch: {workers: '4'}", "batch.workers", "'4'", "a whole number >= 1"),
    ("batch: {workers: 0}", "batch.workers", "0", "a whole number >= 1"),
    ("batch: {engine: spark}", "batch.engine", "'spark'", "one of local, ray"),
    ("batch: {file_timeout: .inf}", "batch.file_timeout", "inf", "a number of seconds >= 0 or null"),
    ("batch: {max_transcript_mb: 0}", "batch.max_transcript_mb", "0", "a number of MB > 0"),
    ("batch: {date_format: [1]}", "batch.date_format", "[1]", "non-empty text"),
    ("privacy: {redact: maybe}", "privacy.redact", "'maybe'", "true or false"),
    ("privacy: {entities: [IBAN]}", "privacy.entities[0]", "'IBAN'", "one of PHONE, CCCD"),
    ("kpis: {fcr_days: '7'}", "kpis.fcr_days", "'7'", "a whole number >= 1"),
    ("kpis: {min_calls: 0}", "kpis.min_calls", "0", "a whole number >= 1"),
    ("kpis: {key_file: ''}", "kpis.key_file", "''", "non-empty text or null"),
    ("rubric: [last]", "rubric", "['last']", "non-empty text"),
    ("models_dir: 5", "models_dir", "5", "non-empty text or null"),
    ("asr: 5", "asr", "5", "a mapping of asr settings"),
]


@pytest.mark.parametrize("text,key,given,expected", BAD, ids=[b[0] for b in BAD])
def test_wrong_type_or_range_is_refused_naming_file_key_value_and_expectation(tmp_path, text, key, given, expected):
    message = refused(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'settings.yaml'}: {key} must be ")
    assert f"not {given}" in message and expected in message
    assert "docs/configuration.md" in message


def test_every_section_has_a_wrong_type_and_an_out_of_range_case():
    for section in [*SECTIONS, "rubric", "models_dir"]:
        assert any(b[1].split(".")[0].split("[")[0] == section for b in BAD), section
    for section in SECTIONS:
        cases = [b for b in BAD if b[1].startswith(section + ".")]
        assert any(b[2].startswith(("'", "[", "True")) for b in cases), f"{section}: no wrong-type case"
        assert any(not b[2].startswith(("'", "[", "True")) or "one of" in b[3] for b in cases), \
            f"{section}: no out-of-range case"


def test_the_three_reported_examples(tmp_path):
    assert "asr.beam_size must be a whole number >= 1, not 'five'" in refused(tmp_path, "asr: {beam_size: five}")
    assert "sentiment.batch_size must be a whole number >= 1, not -3" in refused(tmp_path,
                                                                               "sentiment: {batch_size: -3}")
    assert "audio.turn_gap must be a number of seconds >= 0, not 'abc'" in refused(tmp_path,
                                                                                 'audio: {turn_gap: "abc"}')


def test_several_wrong_keys_are_all_listed_in_one_error(tmp_path):
    message = refused(tmp_path, "asr: {beam_size: five, modle: tiny}\naudio: {turn_gap: abc}\n"
                                "sentiment: {batch_size: -3}\ndiarization: {min_speakers: 3, max_speakers: 2}\n")
    assert "5 invalid settings:" in message
    for part in ("asr.beam_size must be", "unknown setting asr.modle", "audio.turn_gap must be",
                 "sentiment.batch_size must be",
                 "diarization.min_speakers (3) is larger than diarization.max_speakers (2)"):
        assert part in message


def test_unknown_keys_are_still_refused(tmp_path):
    message = refused(tmp_path, "asr: {modle: tiny}")
    assert "unknown setting asr.modle" in message and "known asr settings:" in message and "model," in message
    message = refused(tmp_path, "colour: blue")
    assert "unknown setting 'colour'" in message and "asr" in message
    assert "unknown setting asr.1 (known asr settings:" in refused(tmp_path, "asr: {1: 2}")
    assert "unknown setting 1 (known: asr," in refused(tmp_path, "1: x")


def test_a_bad_path_pattern_is_refused_at_load(tmp_path):
    message = refused(tmp_path, 'batch: {path_pattern: "re:("}')
    assert "batch.path_pattern is not a valid regular expression" in message


def test_yaml_numbers_are_stored_with_the_declared_type(tmp_path):
    s = load_yaml(tmp_path, "audio: {turn_gap: 2, spool_after: null}\nbatch: {file_timeout: 90, workers: 3}\n"
                            "roles: {review_below: 1}\nasr: {chunk_seconds: 60}\n")
    assert s.audio.turn_gap == 2.0 and isinstance(s.audio.turn_gap, float) and s.audio.spool_after is None
    assert s.batch.file_timeout == 90.0 and isinstance(s.batch.file_timeout, float) and s.batch.workers == 3
    assert isinstance(s.roles.review_below, float) and isinstance(s.asr.chunk_seconds, float)
    assert load_yaml(tmp_path, "batch: {file_timeout: null}").batch.file_timeout == 0.0
    assert load_yaml(tmp_path, "asr:\naudio:\n").asr == AsrSettings()  # empty sections: the defaults


@pytest.mark.parametrize("value,expected", [("0.0", [0.0]), ("0", [0.0]), ("[0.0, 0.2]", [0.0, 0.2]),
                                            ("[0, 1]", [0.0, 1.0])])
def test_temperature_takes_a_number_or_a_list(tmp_path, value, expected):
    s = load_yaml(tmp_path, f"asr: {{temperature: {value}}}")
    assert s.asr.temperature == expected and all(isinstance(t, float) for t in s.asr.temperature)
    assert AsrSettings(temperature=0.2).temperature == [0.2]  # constructed in code, the same normalisation


@pytest.mark.parametrize("value,expected", [("0.0", [0.0]), ("[0.0, 0.2]", [0.0, 0.2])])
def test_temperature_setting_reaches_the_recognizer(tmp_path, tiny_whisper, value, expected):
    """`asr.temperature: 0.0` used to fail every file ("'float' object is not iterable")."""
    s = load_yaml(tmp_path, f"asr: {{model: {json.dumps(tiny_whisper)}, beam_size: 1, vad: false, "
                            f"language: en, temperature: {value}}}")
    rec = Recognizer(s.asr)
    assert rec.describe()["temperature"] == expected
    t = np.arange(16000 * 2) / 16000.0
    got = rec.transcribe((0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    assert got.language == "en"


def test_docs_configuration_block_loads_and_is_the_defaults(tmp_path):
    block = re.search(r"## All settings with their defaults.*?```yaml\n(.*?)```", DOCS, re.S).group(1)
    assert load_yaml(tmp_path, block) == Settings()


def test_docs_list_every_key_with_its_type_range_and_default():
    def default(f):
        value = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        return json.dumps(value)

    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            row = f"| `{section}.{f.name}` | {expectation(cls, f.name)} | `{default(f)}` |"
            assert row in DOCS, f"docs/configuration.md lacks or misstates: {row}"
    for f in dataclasses.fields(Settings):
        if f.name not in SECTIONS:
            assert f"| `{f.name}` | {expectation(Settings, f.name)} | `{default(f)}` |" in DOCS


def test_command_line_values_go_through_the_same_checks(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("asr: {beam_size: 3}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_settings(str(path), {"asr": {"model": ""}, "batch": {"workers": 0}})
    assert err.value.path == str(path)
    assert "asr.model must be non-empty text, not '' (given on the command line)" in err.value.message
    assert "batch.workers must be a whole number >= 1, not 0 (given on the command line)" in err.value.message
    run = CliRunner().invoke(main, ["score", str(tmp_path / "x.json"), "--config", str(path), "--model", ""])
    assert run.exit_code == 2 and "asr.model must be non-empty text, not ''" in run.output
    run = CliRunner().invoke(main, ["score", str(tmp_path / "x.json"), "--compute-type", "int4"])
    assert run.exit_code == 2 and "<command line>: asr.compute_type must be one of auto" in run.output


def test_settings_file_from_the_environment_is_checked(tmp_path):
    path = tmp_path / "env.yaml"
    path.write_text("asr: {beam_size: five}\nbatch: {workers: -1}\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["score", str(tmp_path / "x.json")], env={"CALLQA_CONFIG": str(path)})
    assert run.exit_code == 2  # the run could not start (docs/batch.md, Exit status)
    assert f"{path}: 2 invalid settings:" in run.output and "asr.beam_size must be" in run.output
    assert "batch.workers must be a whole number >= 1, not -1" in run.output
