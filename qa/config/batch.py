"""Batch settings and call metadata from file paths (agent id, date, customer id), as recording systems name files.

A path pattern is a template matched against the end of a file's path, without its extension:

    "{agent_id}_{date}_{customer_id}"          agent_lan_20261121_0912345678.wav
    "{agent_id}/{date}/{customer_id}-*"        recordings/agent_lan/2026-11-21/0912345678-1.wav

`{name}` matches one or more characters other than "/", `*` matches anything but "/"; any other text is
literal. Known names: agent_id, date, customer_id; other names are kept as extra metadata. `{date}` is
read with `batch.date_format` and stored as YYYY-MM-DD. A pattern starting with "re:" is a Python regular
expression with named groups instead.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator

from transcribe.errors import InputError
from transcribe.setting_types import SETTINGS_CONFIG, Count, Gt, Name, Number, Seconds, Text, Unit

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
    date_format: Name = "%Y%m%d"     # how {date} is written in file names
    results_dir: Name | None = None  # ray engine: per-call Parquet results (a shared folder on a cluster)
    ray_address: Name | None = None  # ray engine: cluster address (None: start or join a local Ray)
    max_transcript_mb: Annotated[Number, Gt(0), Unit("MB")] = 20.0  # larger transcript files fail, not loaded
    # seconds one file may take (read, decode, score); then it fails. 0 or None: no limit (stored as 0.0)
    file_timeout: Seconds | None = 3600.0

    def __post_init__(self) -> None:
        if self.file_timeout is None:
            self.file_timeout = 0.0


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression for a path template (see the module docstring)."""
    if pattern.startswith("re:"):
        try:
            return re.compile(pattern[3:] + r"$")
        except re.error as exc:
            raise ValueError(f"batch.path_pattern is not a valid regular expression ({exc})") from None
    out, pos = [], 0
    for m in re.finditer(r"\{([A-Za-z_][A-Za-z0-9_]*)\}|\*", pattern):
        out.append(re.escape(pattern[pos:m.start()]))
        out.append(f"(?P<{m.group(1)}>[^/]+?)" if m.group(1) else "[^/]*")
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    try:
        return re.compile("(?:^|/)" + "".join(out) + "$")
    except re.error as exc:  # e.g. the same {name} twice
        raise ValueError(f"batch.path_pattern {pattern!r} is not usable ({exc})") from None


def checked_pattern(pattern: str) -> str:
    """`pattern` unchanged when it compiles (ValueError naming the setting when it does not)."""
    if pattern:
        compile_pattern(pattern)
    return pattern


def path_metadata(path: str, settings: BatchSettings) -> dict[str, Any]:
    """Metadata read from `path` by `settings.path_pattern` ({} without a pattern).

    A path that does not match gets {"path_pattern": "no match"}; an unreadable date keeps the raw text and
    says so, so the call is still scored and the mismatch is visible in `callqa status`."""
    if not settings.path_pattern:
        return {}
    stem = os.path.splitext(path.replace(os.sep, "/"))[0]
    m = compile_pattern(settings.path_pattern).search(stem)
    if m is None:
        return {"path_pattern": "no match"}
    meta: dict[str, Any] = {k: v for k, v in m.groupdict().items() if v is not None}
    if "date" in meta:
        try:
            meta["date"] = datetime.strptime(meta["date"], settings.date_format).date().isoformat()
        except ValueError:
            meta["date_error"] = f"{meta.pop('date')!r} does not match batch.date_format {settings.date_format!r}"
    return meta


def check_pattern(pattern: str, source: str = "--path-pattern") -> None:
    try:
        compile_pattern(pattern)
    except ValueError as exc:
        raise InputError(source, str(exc),
                         "see docs/batch.md, 'Metadata from file names', for the pattern syntax") from None
