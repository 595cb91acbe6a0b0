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

import math
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transcribe.errors import InputError

ENGINES = ("local", "ray")


@dataclass
class BatchSettings:
    """How `callqa score` runs a batch (see docs/batch.md)."""

    workers: int = 1                 # processes (local engine) or actors (ray engine); models load once in each
    engine: str = "local"            # local | ray
    path_pattern: str | None = None  # call metadata from file paths (module docstring)
    date_format: str = "%Y%m%d"      # how {date} is written in file names
    results_dir: str | None = None   # ray engine: per-call Parquet results (a shared folder on a cluster)
    ray_address: str | None = None   # ray engine: cluster address (None: start or join a local Ray)
    max_transcript_mb: float = 20.0  # transcript files larger than this fail instead of being loaded
    file_timeout: float = 3600.0     # seconds one file may take (read, decode, score); then it fails. 0: no limit

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"batch.engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if int(self.workers) < 1:
            raise ValueError(f"batch.workers must be at least 1, not {self.workers!r}")
        self.workers = int(self.workers)
        limit = 0.0 if self.file_timeout is None else self.file_timeout
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not math.isfinite(limit) or limit < 0:
            raise ValueError(f"batch.file_timeout must be a number of seconds >= 0 (0: no limit), not {limit!r}")
        self.file_timeout = float(limit)
        if self.path_pattern:
            compile_pattern(self.path_pattern)  # fail early, at settings time


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
        raise InputError(source, str(exc), "see docs/batch.md, 'Metadata from file names', for the pattern syntax") from None
