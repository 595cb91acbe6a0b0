"""Settings: one YAML file with a section per stage, validated by pydantic against the section dataclasses.

    asr:         {model, device, compute_type, language, vad, beam_size, temperature, ...}
    diarization: {backend: auto|pyannote|offline, model, device, num_speakers, min_speakers, max_speakers}
    audio:       {agent_channel: left|right|auto, turn_gap, spool_after, spool_dir, allowed_roots}
    roles:       {opener: agent|customer|unknown, review_below, voices_dir, voice_margin}
    imports:     {language, agent_labels, customer_labels, csv_call_id, csv_speaker, csv_start, csv_end, csv_text,
                  csv_delimiter} (transcripts from other tools: docs/importing.md)
    sentiment:   {backend: auto|transformers|lexicon, models: {en, vi}, device, batch_size, max_length}
    batch:       {workers, engine: local|ray, path_pattern, date_format, path_fields, allow_unknown_agents, results_dir,
                  ray_address, max_transcript_mb, file_timeout}
    privacy:     {redact, entities}
    kpis:        {fcr_days, phone_region, key_file, min_calls}
    rubric:      last | path/to/rubric.yaml
    models_dir:  folder where `callqa models install|pull` put models (default: $CALLQA_MODELS_DIR or the user data
                 folder for installed models, the Hugging Face cache for pulled ones)

Every key has a type and a range (see docs/configuration.md); unknown keys, wrong types ("five" for a whole number,
true for a number, a list for text) and out-of-range values are refused when the settings are loaded — the file,
command-line overrides and `$CALLQA_CONFIG` alike — with one `InputError` listing every wrong key.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, get_args

import yaml
from pydantic import TypeAdapter, ValidationError

from qa.config.batch import BatchSettings
from qa.config.kpis import KpiSettings
from qa.config.validation import explain
from scoring.sentiment import SentimentSettings
from transcribe.asr import AsrSettings
from transcribe.diarize import DiarizationSettings
from transcribe.errors import InputError, yaml_error
from transcribe.importers.settings import ImportSettings
from transcribe.roles import RoleSettings
from transcribe.setting_types import SETTINGS_CONFIG, Name, Seconds

Channel = Literal["left", "right", "auto"]
CHANNELS: tuple[str, ...] = get_args(Channel)


@dataclass
class AudioSettings:
    """`agent_channel`: which stereo channel is the agent (auto: decided by greeting cues, like mono);
    `turn_gap`: longest pause (s) inside one turn; `spool_after`: recordings longer than this many seconds
    are decoded into private temporary files in `spool_dir` (default: the system's, $TMPDIR) instead of
    memory (null: never); `allowed_roots`: the folders an imported transcript's "audio" recording may lie in,
    checked after following symbolic links (empty: the transcript's own folder and its subfolders; see
    docs/privacy.md)."""

    __pydantic_config__ = SETTINGS_CONFIG

    agent_channel: Channel = "left"
    turn_gap: Seconds = 1.5
    spool_after: Seconds | None = 600.0
    spool_dir: Name | None = None
    allowed_roots: list[Name] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.allowed_roots = [os.path.abspath(os.path.expanduser(r)) for r in self.allowed_roots or []]


Entity = Literal["PHONE", "CCCD", "CARD", "ACCOUNT", "EMAIL", "SSN", "ADDRESS", "NAME"]


@dataclass
class PrivacySettings:
    """`redact`: before a call is scored and stored, the personal data in its turns (text and words) is replaced
    by a placeholder of its kind ("[PHONE]"), word times kept (qa.privacy; see docs/privacy.md) — on unless set
    false; `entities`: the kinds redacted (default: all)."""

    __pydantic_config__ = SETTINGS_CONFIG

    redact: bool = True
    entities: list[Entity] = field(default_factory=lambda: list(get_args(Entity)))


@dataclass
class Settings:
    __pydantic_config__ = SETTINGS_CONFIG

    asr: AsrSettings = field(default_factory=AsrSettings)
    diarization: DiarizationSettings = field(default_factory=DiarizationSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    sentiment: SentimentSettings = field(default_factory=SentimentSettings)
    batch: BatchSettings = field(default_factory=BatchSettings)
    roles: RoleSettings = field(default_factory=RoleSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    imports: ImportSettings = field(default_factory=ImportSettings)
    kpis: KpiSettings = field(default_factory=KpiSettings)
    rubric: Name = "last"            # built-in rubric name or rubric YAML file
    models_dir: Name | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


SECTIONS = {"asr": AsrSettings, "diarization": DiarizationSettings, "audio": AudioSettings,
            "sentiment": SentimentSettings, "batch": BatchSettings, "roles": RoleSettings,
            "privacy": PrivacySettings, "imports": ImportSettings, "kpis": KpiSettings}


FIX = "see docs/configuration.md for every key, its type, range and default"


@cache
def _adapter() -> TypeAdapter[Settings]:
    return TypeAdapter(Settings)


def settings_from_dict(data: dict[str, Any], source: str = "<settings>",
                       from_command_line: frozenset[str] = frozenset()) -> Settings:
    """Build `Settings` from nested dicts (a parsed YAML file plus command-line overrides), checked by pydantic
    against the dataclasses' annotations; every wrong key is listed in one `InputError` naming `source`.
    `from_command_line`: dotted keys whose values came from the command line (said so in the error)."""
    if not isinstance(data, dict):
        raise InputError(source, "settings must be a mapping of sections (asr, diarization, audio, sentiment, "
                                 "batch, roles, privacy, imports, kpis, rubric, models_dir)", FIX)
    # an empty section (`asr:` with nothing under it) and `rubric: null` mean the defaults
    data = {k: v for k, v in data.items() if not (v is None and (k in SECTIONS or k == "rubric"))}
    try:
        return _adapter().validate_python(data)
    except ValidationError as exc:
        lines = explain(exc, Settings, from_command_line)
    problem = lines[0] if len(lines) == 1 else f"{len(lines)} invalid settings:\n  " + "\n  ".join(lines)
    raise InputError(source, problem, FIX)


def _dotted_keys(values: dict[str, Any], prefix: str = "") -> frozenset[str]:
    out: set[str] = set()
    for key, value in values.items():
        if value is None:
            continue
        name = f"{prefix}{key}"
        out |= _dotted_keys(value, name + ".") if isinstance(value, dict) else {name}
    return frozenset(out)


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge `overrides` into a copy of `base` (None values in overrides are skipped)."""
    out = dict(base)
    for key, value in overrides.items():
        if value is None:
            continue
        if isinstance(value, dict):
            out[key] = merge(out[key] if isinstance(out.get(key), dict) else {}, value)
        else:
            out[key] = value
    return out


def load_settings(path: str | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Settings from `path` (or $CALLQA_CONFIG), with `overrides` (e.g. from the command line) on top."""
    path = path or os.environ.get("CALLQA_CONFIG")
    data: dict[str, Any] = {}
    source = path or "<command line>"
    overrides = overrides or {}
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh) or {}
        except OSError as exc:
            raise InputError(path, f"cannot read settings file ({exc.strerror})", "check --config") from None
        except yaml.YAMLError as exc:
            raise yaml_error(path, exc) from None
    return settings_from_dict(merge(data, overrides), source, _dotted_keys(overrides) if path else frozenset())
