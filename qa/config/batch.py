"""Batch settings, and call metadata from file paths (agent id, date, customer id), as recording systems name files.

The path pattern (`batch.path_pattern`) is a typed template, compiled by `qa.config.path_pattern` (see there and
docs/batch.md): `"{agent_id}_{date:%Y%m%d}_{customer_id}"` reads agent_lan_20261121_0912345678.wav as agent
`agent_lan`, 2026-11-21, customer `0912345678`. `batch.path_fields` gives a placeholder a regular expression;
the agent ids known to the database are what `{agent_id}` matches when it has none (qa.batch.paths).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator

from qa.config.path_pattern import PathPattern, compile_path_pattern
from transcribe.errors import InputError
from transcribe.setting_types import SETTINGS_CONFIG, Count, Flag, Gt, Name, Number, Seconds, Text, Unit

Engine = Literal["local", "ray"]
ENGINES: tuple[str, ...] = get_args(Engine)


@dataclass
class BatchSettings:
    """How `callqa score` runs a batch (see docs/batch.md)."""

    __pydantic_config__ = SETTINGS_CONFIG

    workers: Count = 1               # processes (local engine) or actors (ray engine); models load once in each
    engine: Engine = "local"
    # call metadata from file paths (module docstring; empty or None: none); compiled when loaded
    path_pattern: Annotated[Text, AfterValidator(checked_pattern)] | None = None
    date_format: Name = "%Y%m%d"     # how {date} is written in file names (when the pattern gives no {date:FORMAT})
    # a regular expression per placeholder, e.g. {customer_id: "\\d{9,11}"}; agent_id: instead of the known ids
    path_fields: Annotated[dict[Name, Name], AfterValidator(checked_fields)] = field(default_factory=dict)
    allow_unknown_agents: Flag = False  # a run whose paths give agent ids unknown to the database goes ahead
    results_dir: Name | None = None  # ray engine: per-call Parquet results (a shared folder on a cluster)
    ray_address: Name | None = None  # ray engine: cluster address (None: start or join a local Ray)
    max_transcript_mb: Annotated[Number, Gt(0), Unit("MB")] = 20.0  # larger transcript files fail, not loaded
    # seconds one file may take (read, decode, score); then it fails. 0 or None: no limit (stored as 0.0)
    file_timeout: Seconds | None = 3600.0

    def __post_init__(self) -> None:
        if self.file_timeout is None:
            self.file_timeout = 0.0
        if self.path_pattern:  # with this date format and these field expressions (ValueError naming the fault)
            compile_path_pattern(self.path_pattern, self.date_format, None, self.path_fields)


def checked_pattern(pattern: str) -> str:
    """`pattern` unchanged when it compiles (ValueError naming the setting when it does not)."""
    if pattern:
        compile_path_pattern(pattern)
    return pattern


def checked_fields(fields: dict[str, str]) -> dict[str, str]:
    """`batch.path_fields` unchanged when every expression compiles (ValueError naming the one that does not)."""
    for name, regex in fields.items():
        compile_path_pattern("{" + name + "}", regexes={name: regex})
    return fields


def batch_pattern(settings: BatchSettings, agent_ids: Iterable[str] | None = None) -> PathPattern | None:
    """The compiled `settings.path_pattern` (None without one), `{agent_id}` limited to `agent_ids`."""
    if not settings.path_pattern:
        return None
    return compile_path_pattern(settings.path_pattern, settings.date_format, agent_ids, settings.path_fields)


def path_metadata(path: str, settings: BatchSettings, pattern: PathPattern | None = None) -> dict[str, Any]:
    """Metadata read from `path` by the path pattern ({} without one; `pattern`: compiled already).

    A path that does not match, or that two readings fit, gets {"path_pattern": "no match: REASON"} and no other
    metadata, so the call is still scored and the mismatch is visible in `callqa status` and `callqa batch plan`."""
    pattern = pattern or batch_pattern(settings)
    if pattern is None:
        return {}
    m = pattern.match(path)
    return dict(m.meta) if m.matched else {"path_pattern": f"no match: {m.reason}"}


def check_pattern(pattern: str, source: str = "--path-pattern") -> None:
    try:
        compile_path_pattern(pattern)
    except ValueError as exc:
        raise InputError(source, str(exc),
                         "see docs/batch.md, 'Metadata from file names', for the pattern syntax") from None
