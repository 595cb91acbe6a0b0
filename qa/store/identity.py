"""Call identity across sources: a `call_id` names one call's content. A file that brings a call_id already
stored for other content from another file (another agent's call, a different export) is refused with the
reason, never stored over it. The same content again is the same call, and a changed file under the same name
is a new version of its call (re-scored, as the batch always did: docs/batch.md, "Resumable")."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

__all__ = ["Claim", "conflicts"]


@dataclass(frozen=True)
class Claim:
    """A file's claim on a call_id: the content hash of what it would store (`sha256`) and where it came from."""

    call_id: str
    sha256: str | None
    source_path: str | None = None
    agent_id: str | None = None


def _same_source(a: Claim, b: Claim) -> bool:
    if not a.source_path or not b.source_path:
        return False
    return a.source_path == b.source_path or os.path.abspath(a.source_path) == os.path.abspath(b.source_path)


def _may_store(held: Claim, claim: Claim) -> bool:
    """The same content is the same call; a changed file under the same name is a new version of its call."""
    return bool(held.sha256 and claim.sha256 and held.sha256 == claim.sha256) or _same_source(held, claim)


def conflicts(con: Any, claims: list[Claim]) -> dict[int, str]:
    """{index in `claims`: reason} for each claim on a call_id that is stored (or claimed earlier in `claims`) for
    other content. The first claim of an id in `claims` is checked against the store; later ones against it."""
    ids = list(dict.fromkeys(c.call_id for c in claims if c.call_id))
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    held: dict[str, Claim] = {
        r[0]: Claim(r[0], r[1], r[2], r[3]) for r in con.execute(
            f"SELECT call_id, sha256, source_path, agent_id FROM calls WHERE call_id IN ({marks})", ids).fetchall()}
    out: dict[int, str] = {}
    for i, claim in enumerate(claims):
        prev = held.get(claim.call_id)
        if prev is None:
            held[claim.call_id] = claim
            continue
        if _may_store(prev, claim):
            continue
        whose = f", agent {prev.agent_id}" if prev.agent_id else ""
        out[i] = (f"call_id {claim.call_id!r} is already stored for other content from another file "
                  f"({prev.source_path or '?'}"
                  f"{whose}); this file was not stored and the stored call is unchanged — give each call its own "
                  "call_id (e.g. prefix it with the recording system's name); to change a stored call's scores "
                  "use `callqa rescore`")
    return out
