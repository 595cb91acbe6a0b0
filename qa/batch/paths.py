"""The path pattern of a batch against the database: `{agent_id}` matches the agent ids the database knows, every
file is read once before the run (`callqa batch plan` shows the same reading), and a run refuses a pattern that
matches no file or that gives agent ids the database does not know (unless `batch.allow_unknown_agents`)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from qa.config.batch import BatchSettings, batch_pattern
from qa.config.path_pattern import AGENT, PathMatch, PathPattern
from qa.store.database import Store
from transcribe.errors import InputError

FIX_PATTERN = ("check it with `callqa batch plan FOLDER --show-metadata` and correct batch.path_pattern "
               "(docs/batch.md, 'Metadata from file names')")


@dataclass
class PathPlan:
    """What the pattern reads from every file of a run: `matches` by path, and the agent ids it gave that the
    database does not know."""

    pattern: PathPattern | None
    matches: dict[str, PathMatch] = field(default_factory=dict)
    known_agents: tuple[str, ...] = ()

    @property
    def matched(self) -> list[PathMatch]:
        return [m for m in self.matches.values() if m.matched]

    @property
    def unmatched(self) -> list[PathMatch]:
        return [m for m in self.matches.values() if not m.matched]

    @property
    def unknown_agents(self) -> dict[str, str]:
        """agent id -> the first file that gave it, for agent ids not known to the database."""
        known, out = set(self.known_agents), dict[str, str]()
        for m in self.matched:
            agent = m.meta.get(AGENT)
            if agent is not None and agent not in known:
                out.setdefault(agent, m.path)
        return out

    def metadata(self, path: str) -> dict[str, Any]:
        """The metadata a call scored from `path` gets ({} without a pattern)."""
        m = self.matches.get(path)
        if self.pattern is None or m is None:
            return {}
        return dict(m.meta) if m.matched else {"path_pattern": f"no match: {m.reason}"}


def known_agent_ids(store: Store | None) -> tuple[str, ...]:
    """Every agent id the database knows (the agents table, agent users, stored calls); () without a database."""
    if store is None or not os.path.exists(store.path):
        return ()
    with store.connect() as con:
        rows = con.execute("SELECT agent_id FROM agents UNION SELECT agent_id FROM users WHERE agent_id IS NOT NULL "
                           "UNION SELECT agent_id FROM calls WHERE agent_id IS NOT NULL").fetchall()
    return tuple(sorted(r[0] for r in rows if r[0]))


def plan_paths(files: list[str], settings: BatchSettings, store: Store | None) -> PathPlan:
    """Read every file's path with the batch's pattern (InputError naming the pattern when it does not compile)."""
    agents = known_agent_ids(store) if settings.path_pattern else ()
    try:
        pattern = batch_pattern(settings, agents)
    except ValueError as exc:
        raise InputError("batch.path_pattern", str(exc), FIX_PATTERN, key="path_pattern_unusable",
                         pattern=settings.path_pattern or "", detail=str(exc)) from None
    if pattern is None:
        return PathPlan(None)
    return PathPlan(pattern, {f: pattern.match(f) for f in files}, agents)


def refusal(plan: PathPlan, allow_unknown_agents: bool = False) -> InputError | None:
    """Why a run with this reading must not start (None: it may): a pattern that matches none of the files, or
    agent ids the database does not know."""
    if plan.pattern is None or not plan.matches:
        return None
    pattern = plan.pattern.pattern
    if not plan.matched:
        example = plan.unmatched[0]
        return InputError("batch.path_pattern", f"the pattern {pattern!r} matches none of the "
                          f"{len(plan.matches)} file(s); e.g. {example.path}: {example.reason}", FIX_PATTERN,
                          key="path_pattern_no_match", pattern=pattern, n=len(plan.matches), example=example.path,
                          reason=example.reason or "")
    unknown = plan.unknown_agents
    if unknown and not allow_unknown_agents:
        agent, first = next(iter(unknown.items()))
        shown = ", ".join(sorted(unknown)[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        return InputError("batch.path_pattern", f"the pattern {pattern!r} gives {len(unknown)} agent id(s) the "
                          f"database does not know: {shown} (e.g. {agent!r} from {first})",
                          "add them (`callqa agents set AGENT_ID --team TEAM`), correct the pattern, or pass "
                          "--allow-unknown-agents (batch.allow_unknown_agents) if they are new agents",
                          key="path_pattern_unknown_agents", pattern=pattern, n=len(unknown), agents=shown,
                          example=first)
    return None
