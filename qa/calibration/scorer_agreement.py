"""How often the automatic scorer agrees with the supervisors: the product measuring its own accuracy.

What counts (per criterion):
- The calls counted are *reviewed* calls the viewer may see: calls whose assessment is shared, acknowledged,
  disputed or final, plus any call with an override in force (whatever its assessment state). A draft
  assessment without overrides is not a review yet and does not count.
- An override is in force when it is the newest row of `overrides` for its (call, criterion) and its status is
  not NULL (a NULL status withdraws the override; the automatic result then stands again).
- For each counted call and each criterion of its automatic result (`criterion_results`, the call's current
  scoring): the automatic status is that result; the supervisor's status is the status of the override in force,
  or else the automatic status (a reviewed call's criterion that nobody overrode was accepted as scored).
  Automatic and supervisor status agree when they are equal. An override on a criterion the call's current
  result no longer has is not counted.
- `percent` is agreed / n; `kappa` is Cohen's kappa between the automatic and the supervisor statuses over the n
  calls (None when undefined, e.g. every status the same: see qa.calibration.agreement); `overrides` counts the
  overrides in
  force (an override to the automatic status itself counts as an override and as agreement).
- `since`: only calls whose latest review activity (the assessment's last update while in a reviewed state, or
  an override in force) is at or after `since`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from qa.accounts.access import Viewer, call_scope, require_role
from qa.calibration.agreement import cohen_kappa
from qa.store.database import Store
from qa.store.vocabulary import SHARED_STATES

REVIEWED_STATES = SHARED_STATES
ALL = "*"  # criterion_id of the row that pools every criterion


@dataclass(frozen=True)
class ScorerAgreement:
    """One criterion (or every criterion pooled: `criterion_id` "*"): n reviewed calls, how many of them the
    automatic result agreed with the supervisor's, `percent` (0..1), Cohen's `kappa`, overrides in force."""

    criterion_id: str
    name: str
    n: int
    agreed: int
    percent: float | None
    kappa: float | None
    overrides: int


@dataclass(frozen=True)
class ScorerReport:
    calls: int
    criteria: tuple[ScorerAgreement, ...]
    overall: ScorerAgreement


def _row(cid: str, name: str, pairs: list[tuple[str, str, bool]]) -> ScorerAgreement:
    n, agreed = len(pairs), sum(a == s for a, s, _ in pairs)
    return ScorerAgreement(cid, name, n, agreed, agreed / n if n else None,
                           cohen_kappa([p[0] for p in pairs], [p[1] for p in pairs]),
                           sum(o for _, _, o in pairs))


def scorer_agreement(store: Store, viewer: Viewer, since: datetime | None = None) -> ScorerReport:
    """Agreement of the automatic scorer with the supervisors per criterion, over the reviewed calls `viewer`
    may see (reviewers only). See the module docstring for exactly what counts."""
    require_role(viewer, "admin", "supervisor")
    cond, params = call_scope(viewer, "c")
    states = ", ".join("?" * len(REVIEWED_STATES))
    when, when_params = ("r.last_at >= ?", [since]) if since is not None else ("TRUE", [])
    with store.connect() as con:
        rows = con.execute(f"""
            WITH latest AS (
                SELECT call_id, criterion_id, status, created_at, row_number() OVER (
                    PARTITION BY call_id, criterion_id ORDER BY created_at DESC, override_id DESC) AS rn
                FROM overrides),
            in_force AS (SELECT call_id, criterion_id, status, created_at FROM latest
                         WHERE rn = 1 AND status IS NOT NULL),
            activity AS (
                SELECT call_id, coalesce(updated_at, created_at) AS done_at FROM assessments WHERE state IN ({states})
                UNION ALL SELECT call_id, created_at FROM in_force),
            reviewed AS (SELECT call_id, max(done_at) AS last_at FROM activity GROUP BY call_id)
            SELECT cr.call_id, cr.criterion_id, coalesce(cr.name, cr.criterion_id), cr.status,
                   coalesce(f.status, cr.status), f.status IS NOT NULL
            FROM reviewed r JOIN calls c ON c.call_id = r.call_id
            JOIN criterion_results cr ON cr.call_id = r.call_id
            LEFT JOIN in_force f ON f.call_id = cr.call_id AND f.criterion_id = cr.criterion_id
            WHERE {cond} AND {when}
            ORDER BY cr.position, cr.criterion_id, cr.call_id""",
                           [*REVIEWED_STATES, *params, *when_params]).fetchall()
    by_crit: dict[str, list[tuple[str, str, bool]]] = {}
    names: dict[str, str] = {}
    for _, cid, name, auto, final, overridden in rows:
        names.setdefault(cid, name)
        by_crit.setdefault(cid, []).append((auto, final, bool(overridden)))
    criteria = tuple(_row(cid, names[cid], pairs) for cid, pairs in by_crit.items())
    everything = [p for pairs in by_crit.values() for p in pairs]
    return ScorerReport(len({r[0] for r in rows}), criteria, _row(ALL, "all criteria", everything))
