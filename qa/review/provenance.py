"""Rubric provenance: which rubric scored each stored call (id, version, file, content hash), the call's own
rubric found again for a re-score or a role swap, and a rubric whose content changed under the same id and
version (`callqa rubric check`).

A call keeps the rubric that scored it: `callqa rescore` and `callqa roles swap` (and the app's swap) score each
call with its own rubric — the file it was scored from when that file still has the same id, else the built-in
rubric of that id — unless a rubric is given. When that rubric's content hash differs from the stored one, the
call is still scored and the result says so (`warning`)."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass

from qa.store.database import Store
from scoring.rubric import Rubric, builtin_rubrics, resolve_rubric
from transcribe.errors import CallQAError, InputError

logger = logging.getLogger("qa")


def short(sha: str | None) -> str:
    """The first 12 hex digits of a content hash ("—" when none was recorded)."""
    return sha[:12] if sha else "—"


@dataclass(frozen=True)
class StoredRubric:
    """What a stored call records of the rubric that scored it (sha256 None: scored before hashes were kept)."""

    id: str | None
    version: str | None
    path: str | None
    sha256: str | None

    def label(self) -> str:
        return f"{self.id or '?'} {self.version or '?'}"


@dataclass(frozen=True)
class OwnRubric:
    """A call's own rubric as found now, and a warning when its content is not what scored the call."""

    rubric: Rubric
    stored: StoredRubric
    warning: str | None = None


def stored_rubric(store: Store, call_id: str) -> StoredRubric | None:
    """The rubric record of a stored call (None: no scorecard)."""
    with store.connect() as con:
        row = con.execute("SELECT rubric_id, rubric_version, rubric_sha256, models FROM scorecards WHERE call_id = ?",
                          [call_id]).fetchone()
    if row is None:
        return None
    try:
        described = json.loads(row[3] or "{}").get("rubric") or {}
    except (ValueError, AttributeError):
        described = {}
    return StoredRubric(row[0], row[1], described.get("path"), row[2] or described.get("sha256"))


def _find(stored: StoredRubric) -> Rubric | None:
    if stored.path and os.path.isfile(stored.path):
        try:
            rubric = resolve_rubric(stored.path)
        except CallQAError as exc:
            logger.warning("the rubric file %s that scored a call cannot be used now (%s)", stored.path, exc)
        else:
            if rubric.id == stored.id:
                return rubric
    for name in builtin_rubrics():
        rubric = resolve_rubric(name)
        if rubric.id == stored.id:
            return rubric
    return None


def own_rubric(store: Store, call_id: str) -> OwnRubric:
    """The rubric that scored `call_id`, found again (InputError when it cannot be: give a rubric instead)."""
    stored = stored_rubric(store, call_id)
    if stored is None or not stored.id:
        raise InputError(store.path, f"call {call_id!r} has no stored scorecard to take its rubric from",
                         "give the rubric to score it with (--rubric)", key="rubric_not_stored", call=call_id)
    rubric = _find(stored)
    if rubric is None:
        raise InputError(stored.path or store.path, f"the rubric {stored.label()} that scored call {call_id!r} "
                         "is no longer found (not at its file, not built in)",
                         "give the rubric to score it with (--rubric FILE)", key="rubric_not_found",
                         call=call_id, rubric=stored.label())
    warning = None
    if stored.sha256 and rubric.sha256 != stored.sha256:
        warning = (f"the rubric {stored.label()} ({rubric.path}) has changed since call {call_id} was scored "
                   f"(content {short(stored.sha256)} then, {short(rubric.sha256)} now) without a new version")
    elif rubric.version != stored.version:
        warning = (f"call {call_id} was scored with {stored.label()}; the rubric {rubric.id} found now is version "
                   f"{rubric.version}")
    if warning:
        logger.warning("%s", warning)
    return OwnRubric(rubric, stored, warning)


@dataclass(frozen=True)
class ContentClash:
    """Stored calls scored under the same rubric id and version as `rubric` but with other content."""

    rubric: Rubric
    hashes: dict[str, int]  # other content hash -> calls scored with it

    @property
    def calls(self) -> int:
        return sum(self.hashes.values())

    def message(self) -> str:
        others = ", ".join(f"{short(h)} ({n} call(s))" for h, n in sorted(self.hashes.items()))
        return (f"{self.rubric.path}: rubric {self.rubric.id} {self.rubric.version} has content "
                f"{short(self.rubric.sha256)}, but {self.calls} stored call(s) were scored under the same id and "
                f"version with other content ({others}) — bump its version (e.g. version: \"{_next(self.rubric)}\") "
                f"so that scores under \"{self.rubric.id} {self.rubric.version}\" stay comparable")


def _next(rubric: Rubric) -> str:
    head, dot, tail = rubric.version.rpartition(".")
    return f"{head}{dot}{int(tail) + 1}" if tail.isdigit() else f"{rubric.version}.1"


def content_clash(store: Store, rubric: Rubric) -> ContentClash | None:
    """The calls stored under `rubric`'s id and version with another content hash (None: none)."""
    with store.connect() as con:
        rows = con.execute("SELECT rubric_sha256, count(*) FROM scorecards WHERE rubric_id = ? AND rubric_version = ? "
                           "AND rubric_sha256 IS NOT NULL AND rubric_sha256 <> ? GROUP BY 1",
                           [rubric.id, rubric.version, rubric.sha256]).fetchall()
    return ContentClash(rubric, dict(rows)) if rows else None
