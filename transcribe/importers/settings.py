"""The `imports` settings: how transcripts from other tools are read (see docs/importing.md).

`language`: the call's language when the file does not say (SRT, WebVTT, CSV, most Amazon/whisperX files);
`agent_labels` / `customer_labels`: speaker names that already say the role (compared case-insensitively; add
your own, e.g. "Nhân viên", "Khách hàng");
`csv_*`: the header names (first one found wins) of a CSV transcript's columns, and its delimiter."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from transcribe.setting_types import SETTINGS_CONFIG, Name

ImportLanguage = Literal["vi", "en"]
Delimiter = Literal["auto", "comma", "semicolon", "tab", "pipe"]
DELIMITERS: tuple[str, ...] = get_args(Delimiter)
DELIMITER_CHARS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


@dataclass
class ImportSettings:
    """How SRT, WebVTT, CSV, Amazon Transcribe, whisperX and Azure files become calls."""

    __pydantic_config__ = SETTINGS_CONFIG

    language: ImportLanguage = "vi"
    agent_labels: list[Name] = field(default_factory=lambda: ["agent"])
    customer_labels: list[Name] = field(default_factory=lambda: ["customer", "caller"])
    csv_call_id: list[Name] = field(default_factory=lambda: ["call_id", "call"])
    csv_speaker: list[Name] = field(default_factory=lambda: ["speaker", "role", "speaker_label"])
    csv_start: list[Name] = field(default_factory=lambda: ["start", "start_time", "begin"])
    csv_end: list[Name] = field(default_factory=lambda: ["end", "end_time", "stop"])
    csv_text: list[Name] = field(default_factory=lambda: ["text", "transcript", "utterance", "content"])
    csv_delimiter: Delimiter = "auto"
