"""Settings: one YAML file with a section per stage; unknown keys are errors, never ignored.

    asr:         {model, device, compute_type, language, vad, beam_size, temperature, ...}
    diarization: {backend: auto|pyannote|offline, model, device, num_speakers, min_speakers, max_speakers}
    audio:       {agent_channel: left|right|auto, turn_gap, spool_after, spool_dir, allowed_roots}
    roles:       {opener: agent|customer|unknown, review_below}
    sentiment:   {backend: auto|transformers|lexicon, models: {en, vi}, device, batch_size, max_length}
    batch:       {workers, engine: local|ray, path_pattern, date_format, results_dir, ray_address, max_transcript_mb,
                  file_timeout}
    rubric:      last | path/to/rubric.yaml
    models_dir:  folder where `callqa models pull` stores models (default: the Hugging Face cache)
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from qa.config.batch import BatchSettings
from scoring.sentiment import SentimentSettings
from transcribe.asr import AsrSettings
from transcribe.diarize import DiarizationSettings
from transcribe.errors import InputError, yaml_error
from transcribe.roles import RoleSettings

CHANNELS = ("left", "right", "auto")


@dataclass
class AudioSettings:
    """`agent_channel`: which stereo channel is the agent (auto: decided by greeting cues, like mono);
    `turn_gap`: longest pause (s) inside one turn; `spool_after`: recordings longer than this many seconds
    are decoded into private temporary files in `spool_dir` (default: the system's, $TMPDIR) instead of
    memory (null: never); `allowed_roots`: the folders an imported transcript's "audio" recording may lie in,
    checked after following symbolic links (empty: the transcript's own folder and its subfolders; see
    docs/privacy.md)."""

    agent_channel: str = "left"
    turn_gap: float = 1.5
    spool_after: float | None = 600.0
    spool_dir: str | None = None
    allowed_roots: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.agent_channel not in CHANNELS:
            raise ValueError(f"audio.agent_channel must be left, right or auto, not {self.agent_channel!r}")
        if self.spool_after is not None and (isinstance(self.spool_after, bool)
                                             or not isinstance(self.spool_after, (int, float))
                                             or self.spool_after < 0):
            raise ValueError(f"audio.spool_after must be a number of seconds >= 0 or null, not {self.spool_after!r}")
        roots = self.allowed_roots
        if roots is None:
            roots = []
        if isinstance(roots, str) or not isinstance(roots, list) or not all(isinstance(r, str) and r for r in roots):
            raise ValueError(f"audio.allowed_roots must be a list of folders, not {roots!r}")
        self.allowed_roots = [os.path.abspath(os.path.expanduser(r)) for r in roots]


@dataclass
class Settings:
    asr: AsrSettings = field(default_factory=AsrSettings)
    diarization: DiarizationSettings = field(default_factory=DiarizationSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    sentiment: SentimentSettings = field(default_factory=SentimentSettings)
    batch: BatchSettings = field(default_factory=BatchSettings)
    roles: RoleSettings = field(default_factory=RoleSettings)
    rubric: str = "last"
    models_dir: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


SECTIONS = {"asr": AsrSettings, "diarization": DiarizationSettings, "audio": AudioSettings,
            "sentiment": SentimentSettings, "batch": BatchSettings, "roles": RoleSettings}


def _build(cls: type, values: dict[str, Any], where: str, source: str) -> Any:
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(source, f"unknown setting {where}.{unknown[0]}",
                         f"known {where} settings: {', '.join(sorted(known))}")
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise InputError(source, f"invalid {where} settings: {exc}") from None


def settings_from_dict(data: dict[str, Any], source: str = "<settings>") -> Settings:
    """Build `Settings` from nested dicts (a parsed YAML file plus command-line overrides)."""
    if not isinstance(data, dict):
        raise InputError(source, "settings must be a mapping of sections (asr, diarization, audio, sentiment)")
    top_known = set(SECTIONS) | {"rubric", "models_dir"}
    unknown = sorted(set(data) - top_known)
    if unknown:
        raise InputError(source, f"unknown setting {unknown[0]!r}", f"known: {', '.join(sorted(top_known))}")
    kwargs: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        section = data.get(name) or {}
        if not isinstance(section, dict):
            raise InputError(source, f"section {name!r} must be a mapping")
        kwargs[name] = _build(cls, section, name, source)
    for key in ("rubric", "models_dir"):
        if data.get(key) is not None:
            kwargs[key] = str(data[key])
    return Settings(**kwargs)


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
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh) or {}
        except OSError as exc:
            raise InputError(path, f"cannot read settings file ({exc.strerror})", "check --config") from None
        except yaml.YAMLError as exc:
            raise yaml_error(path, exc) from None
    return settings_from_dict(merge(data, overrides or {}), source)
