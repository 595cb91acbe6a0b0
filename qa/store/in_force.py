"""Results in force: a criterion's automatic result unless a reviewer's override replaces it, and the call's total
and service level with those results.

Pure functions (`in_force`, `effective_total`, `summarize`) plus the per-call summary the store keeps beside each
scorecard (migration 8): the criteria passed and failed, automatically and in force, and the total, service level
and label in force. The queue and the dashboard filter and aggregate over these columns instead of re-reading
every criterion result of every call. `refresh` rewrites a call's summary whenever an input changes: the call is
stored or re-scored (`qa.store.database.Store.write_calls`) and an override is made or withdrawn
(`qa.review.overrides`).
Agents see overrides only from Shared on (`qa.review.audit.agent_sees`), so queries pick the automatic columns for an
agent while the assessment is a Draft.
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qa.store.scorecard_view import CallView

logger = logging.getLogger("qa")

SUMMARY_COLUMNS = ("auto_passed", "auto_failed", "passed", "failed", "reviewed_total", "reviewed_level",
                   "reviewed_label")


@dataclass(frozen=True)
class Override:
    """One override row: `status` None withdraws; `auto_status` is the automatic result when it was made."""

    override_id: int
    call_id: str
    criterion_id: str
    auto_status: str | None
    status: str | None
    reason: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class Result:
    """A criterion's automatic result and the override in force beside it (None: none, or not visible)."""

    criterion_id: str
    name: str
    critical: bool
    auto_status: str
    auto_score: float | None
    weight: float | None
    override: Override | None

    @property
    def status(self) -> str:
        """The result in force: the override's status, else the automatic one."""
        return self.override.status if self.override and self.override.status else self.auto_status

    @property
    def auto_changed(self) -> bool:
        """The automatic result changed (a re-score) since the override was made."""
        return bool(self.override and self.override.auto_status != self.auto_status)


@dataclass(frozen=True)
class Summary:
    """A call's results in one row: criteria (non-critical, rubric order) passed and failed, automatically and
    in force, and the total (0-100), service level and label in force."""

    auto_passed: list[str]
    auto_failed: list[str]
    passed: list[str]
    failed: list[str]
    reviewed_total: float | None
    reviewed_level: int | None
    reviewed_label: str | None

    def row(self) -> list[Any]:
        return [getattr(self, name) for name in SUMMARY_COLUMNS]


def in_force(history: Sequence[Override]) -> dict[str, Override]:
    """The override in force per criterion: the newest row, unless it withdraws."""
    newest: dict[str, Override] = {}
    for o in history:
        newest[o.criterion_id] = o
    return {k: o for k, o in newest.items() if o.status is not None}


def effective_total(items: Sequence[Result]) -> float | None:
    """The call's total (0-100) with the overrides in force, by the rubric's rule: points earned over the weight
    of the criteria that applied; an overridden pass earns the full weight, a fail nothing, na drops out; a
    failed critical item makes it 0. None when no criterion applied."""
    applied = [r for r in items if not r.critical and r.status != "na"]
    weight = sum(r.weight or 0.0 for r in applied)
    if not weight:
        return None
    earned = sum((r.weight or 0.0) if r.status == "pass" and r.override else 0.0 if r.override
                 else (r.auto_score or 0.0) for r in applied)
    total = round(100.0 * earned / weight, 1)
    return 0.0 if any(r.critical and r.status == "fail" for r in items) else total


def level_for(scale: Sequence[Sequence[Any]], total: float | None) -> tuple[int | None, str | None]:
    """The service level (level, label) of `total` on a rubric's scale [[level, label, min_total], ...]."""
    if total is None or not scale:
        return None, None
    reached = [(lv, label) for lv, label, low in sorted(scale, key=lambda s: s[2]) if total >= low]
    return reached[-1] if reached else (None, None)


def summarize(items: Sequence[Result], total: float | None, level: int | None, label: str | None,
              scale: Sequence[Sequence[Any]] | None) -> Summary:
    """The summary of one call: `items` its criteria with the overrides in force; `total`, `level`, `label` its
    automatic total and service level; `scale` its rubric's levels (None: unknown, then a changed total has no
    level)."""
    plain = [r for r in items if not r.critical]
    auto = [r.auto_status for r in plain]
    forced = any(r.override for r in items)
    if forced:
        new_total = effective_total(items)
        new_level, new_label = ((level, label) if new_total == total else level_for(scale or [], new_total))
    else:
        new_total, new_level, new_label = total, level, label
    return Summary([r.criterion_id for r, s in zip(plain, auto) if s == "pass"],
                   [r.criterion_id for r, s in zip(plain, auto) if s == "fail"],
                   [r.criterion_id for r in plain if r.status == "pass"],
                   [r.criterion_id for r in plain if r.status == "fail"], new_total, new_level, new_label)


def rubric_scale(models_json: str | dict[str, Any] | None) -> list[list[Any]] | None:
    """The service-level scale of the rubric a call was scored with: stored with the call's models since
    migration 8, else read from the rubric file the call names when it is still there with the same id and
    version (None when unknown)."""
    try:
        models = models_json if isinstance(models_json, dict) else json.loads(models_json or "{}")
        rubric = (models or {}).get("rubric") or {}
    except (ValueError, AttributeError):
        return None
    if "levels" in rubric:
        return rubric["levels"]
    path = rubric.get("path")
    if not path or not os.path.isfile(path):
        return None
    from scoring.rubric import resolve_rubric

    try:
        found = resolve_rubric(path)
    except Exception as exc:  # a rubric file edited into an invalid one: the level stays unknown
        logger.warning("cannot read rubric %s for service levels: %s", path, exc)
        return None
    if (found.id, found.version) != (rubric.get("id"), rubric.get("version")):
        return None
    return [[lv.level, lv.name, lv.min_total] for lv in found.service_levels]


def call_summary(card: CallView, items: Sequence[Result]) -> Summary:
    """The summary of a call as its viewer sees it: `card` its scorecard (`qa.accounts.access.get_call`), `items` its
    criteria with the overrides in force that the viewer may see (`qa.review.overrides.results`)."""
    return summarize(items, card.total, card.service_level, card.service_label,
                     rubric_scale(card.models) if any(r.override for r in items) else None)


def refresh(con: Any, call_ids: Sequence[str]) -> None:
    """Rewrite the stored summary of `call_ids` (inside the caller's transaction) from their criterion results,
    overrides and scorecards."""
    ids = list(dict.fromkeys(call_ids))
    if not ids:
        return
    cards = {r[0]: r[1:] for r in con.execute(
        "SELECT call_id, total, service_level, service_label, models FROM scorecards "
        "WHERE call_id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()}
    crit: dict[str, list[Any]] = {}
    for r in con.execute("SELECT call_id, criterion_id, name, coalesce(critical, false), status, score, weight "
                         "FROM criterion_results WHERE call_id IN (SELECT unnest(?::VARCHAR[])) "
                         "ORDER BY call_id, coalesce(critical, false), position", [ids]).fetchall():
        crit.setdefault(r[0], []).append(r[1:])
    history: dict[str, list[Override]] = {}
    for r in con.execute("SELECT override_id, call_id, criterion_id, auto_status, status, reason, author, "
                         "created_at FROM overrides WHERE call_id IN (SELECT unnest(?::VARCHAR[])) "
                         "ORDER BY override_id", [ids]).fetchall():
        history.setdefault(r[1], []).append(Override(*r))
    sets = ", ".join(f"{name} = ?" for name in SUMMARY_COLUMNS)
    for call_id, (total, level, label, models) in cards.items():
        forced = in_force(history.get(call_id, []))
        items = [Result(cid, name, bool(c), status, score, weight, forced.get(cid))
                 for cid, name, c, status, score, weight in crit.get(call_id, [])]
        scale = rubric_scale(models) if forced else None
        summary = summarize(items, total, level, label, scale)
        con.execute(f"UPDATE scorecards SET {sets} WHERE call_id = ?", [*summary.row(), call_id])


def rebuild(con: Any) -> None:
    """Rewrite every call's stored summary (inside the caller's transaction): the automatic lists in one statement,
    then `refresh` for the calls with overrides."""
    con.execute("""
        UPDATE scorecards s SET auto_passed = coalesce(r.passed, []), auto_failed = coalesce(r.failed, [])
        FROM (SELECT c.call_id, list(r.criterion_id ORDER BY r.position) FILTER (WHERE r.status = 'pass') AS passed,
                     list(r.criterion_id ORDER BY r.position) FILTER (WHERE r.status = 'fail') AS failed
              FROM scorecards c LEFT JOIN criterion_results r
                ON r.call_id = c.call_id AND NOT coalesce(r.critical, false) GROUP BY c.call_id) r
        WHERE r.call_id = s.call_id""")
    con.execute("UPDATE scorecards SET passed = auto_passed, failed = auto_failed, reviewed_total = total, "
                "reviewed_level = service_level, reviewed_label = service_label")
    refresh(con, [r[0] for r in con.execute("SELECT DISTINCT call_id FROM overrides").fetchall()])
