"""Calibration sessions: reviewers score the same call blind, then see how far they (and the automatic scorer)
agree, criterion by criterion.

Rules (all enforced here, not in the app):
- Only reviewers (admins, supervisors) take part; an agent gets `PermissionDenied` from every function.
- A session is on one call; a session on a call the viewer may not see behaves like a session that does not
  exist (`qa.accounts.access` scope).
- Blind: a rater gives one status (pass, fail, na) for every criterion of the call, once; the ratings cannot be
  changed afterwards. Before submitting, a rater sees neither the others' ratings nor the automatic result
  (`blind_call` gives the call without its results). After submitting, they see everything of that session.
  The creator (or an admin) closes the session; after that every reviewer who may see the call sees all.
- The automatic scorer is one more rater: its status is the call's current automatic result
  (`criterion_results`); a criterion rated by the reviewers that the call no longer has gets no automatic status.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from qa.accounts.access import PermissionDenied, Viewer, call_scope, can_see, get_call, require_call, require_role
from qa.calibration.agreement import cohen_kappa, fleiss_kappa, percent_agreement
from qa.calibration.scorer_agreement import ScorerAgreement, ScorerReport, scorer_agreement  # noqa: F401  (re-exported)
from qa.store.database import Store
from qa.store.scorecard_view import CallView
from transcribe.errors import InputError

STATUSES = ("pass", "fail", "na")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class CalibrationSession:
    """A calibration session; `raters` are the reviewers who have submitted, in the order they did."""

    session_id: int
    call_id: str
    title: str | None
    created_by: str
    created_at: datetime
    closed_at: datetime | None
    raters: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Criterion:
    criterion_id: str
    name: str


@dataclass(frozen=True)
class CriterionAgreement:
    """One criterion of a session: each reviewer's status, the automatic result, and the share of agreeing
    rater pairs among the reviewers and the automatic scorer (`percent`, 0..1; None with fewer than 2 ratings)."""

    criterion_id: str
    name: str
    ratings: dict[str, str]
    auto: str | None
    percent: float | None

    @property
    def unanimous(self) -> bool:
        """Every reviewer and the automatic scorer gave the same status."""
        labels = list(self.ratings.values()) + ([self.auto] if self.auto else [])
        return len(labels) >= 2 and len(set(labels)) == 1


@dataclass(frozen=True)
class SessionResults:
    """Agreement in one session. The items of the kappas are the call's criteria: `fleiss` over the reviewers and
    the automatic scorer, `fleiss_reviewers` over the reviewers only, `cohen_vs_auto[r]` reviewer r against the
    automatic scorer, `agree_with_auto[r]` the share of criteria on which r gave the automatic result.
    (A kappa of one criterion within one call would rest on a single item; see `calibration_summary` for kappas
    per criterion across sessions.)"""

    session: CalibrationSession
    criteria: tuple[CriterionAgreement, ...]
    percent: float | None
    fleiss: float | None
    fleiss_reviewers: float | None
    cohen_vs_auto: dict[str, float | None]
    agree_with_auto: dict[str, float | None]


@dataclass(frozen=True)
class CriterionSummary:
    """One criterion across closed sessions: `sessions` counted, `percent` (mean share of agreeing pairs, the
    automatic scorer included), `fleiss` (items: the sessions; None when sessions had different numbers of raters),
    `cohen_vs_auto` and `agree_with_auto` over every (reviewer rating, automatic result) pair."""

    criterion_id: str
    name: str
    sessions: int
    percent: float | None
    fleiss: float | None
    cohen_vs_auto: float | None
    agree_with_auto: float | None


def _require_reviewer(viewer: Viewer) -> None:
    require_role(viewer, "admin", "supervisor")


def _session_rows(con: Any, viewer: Viewer, where: str, params: list[Any]) -> list[CalibrationSession]:
    cond, scope = call_scope(viewer, "c")
    rows = con.execute(f"""
        SELECT s.session_id, s.call_id, s.title, s.created_by, s.created_at, s.closed_at,
               (SELECT list(rater ORDER BY first_at, rater) FROM (
                    SELECT rater, min(rated_at) AS first_at FROM calibration_ratings r
                    WHERE r.session_id = s.session_id GROUP BY rater))
        FROM calibration_sessions s JOIN calls c ON c.call_id = s.call_id
        WHERE {cond} AND {where} ORDER BY s.created_at DESC, s.session_id DESC""", [*scope, *params]).fetchall()
    return [CalibrationSession(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6] or ())) for r in rows]


def get_session(store: Store, viewer: Viewer, session_id: int) -> CalibrationSession:
    """The session, when `viewer` is a reviewer who may see its call; else `PermissionDenied` (the same for a
    session that does not exist)."""
    _require_reviewer(viewer)
    with store.connect() as con:
        found = _session_rows(con, viewer, "s.session_id = ?", [session_id])
    if not found:
        raise PermissionDenied(None, f"calibration session {session_id} not found", "pick a session from the list",
                               key="cal_session_not_found", session=session_id)
    return found[0]


def list_sessions(store: Store, viewer: Viewer, *, open_only: bool | None = None) -> list[CalibrationSession]:
    """Sessions on calls `viewer` may see, newest first (`open_only`: True open, False closed, None all)."""
    _require_reviewer(viewer)
    where = {None: "TRUE", True: "s.closed_at IS NULL", False: "s.closed_at IS NOT NULL"}[open_only]
    with store.connect() as con:
        return _session_rows(con, viewer, where, [])


def _criteria(con: Any, call_id: str) -> list[tuple[str, str, str]]:
    """(criterion_id, name, automatic status) of the call, in rubric order."""
    return [tuple(r) for r in con.execute("SELECT criterion_id, coalesce(name, criterion_id), status FROM "
                                          "criterion_results WHERE call_id = ? ORDER BY position, criterion_id",
                                          [call_id]).fetchall()]


def create_session(store: Store, viewer: Viewer, call_id: str, title: str | None = None) -> int:
    """Open a calibration session on `call_id` (a scored call `viewer` may see); returns its id."""
    _require_reviewer(viewer)
    require_call(store, viewer, call_id)
    with store.transaction() as con:
        if not _criteria(con, call_id):
            raise InputError(None, f"call {call_id} has no scored criteria", "score the call first",
                             key="cal_no_criteria", call=call_id)
        row = con.execute("INSERT INTO calibration_sessions (call_id, title, created_by, created_at) "
                          "VALUES (?, ?, ?, ?) RETURNING session_id",
                          [call_id, (title or "").strip() or None, viewer.username, _now()]).fetchone()
    assert row is not None  # INSERT ... RETURNING gives the inserted row
    return int(row[0])


def rating_criteria(store: Store, viewer: Viewer, session_id: int) -> list[Criterion]:
    """The criteria a rater rates, without the automatic results."""
    session = get_session(store, viewer, session_id)
    with store.connect() as con:
        return [Criterion(cid, name) for cid, name, _ in _criteria(con, session.call_id)]


def blind_call(store: Store, viewer: Viewer, session_id: int) -> CallView:
    """The session's call as `Store.get_call` gives it, less everything the automatic scorer concluded (total,
    flags, service level, criteria, critical items, the criteria marked on turns): what a rater works from."""
    session = get_session(store, viewer, session_id)
    card = get_call(store, viewer, session.call_id)
    if card is None:  # the call was removed since
        raise PermissionDenied(None, f"call {session.call_id} not found", "pick a call from your list",
                               key="call_not_found", call=session.call_id)
    return card.without_results()


def my_ratings(store: Store, viewer: Viewer, session_id: int) -> dict[str, str]:
    """`viewer`'s own ratings in the session (empty before submitting)."""
    get_session(store, viewer, session_id)
    with store.connect() as con:
        rows = con.execute("SELECT criterion_id, status FROM calibration_ratings WHERE session_id = ? AND rater = ?",
                           [session_id, viewer.username]).fetchall()
    return dict(rows)


def submit_ratings(store: Store, viewer: Viewer, session_id: int, statuses: dict[str, str]) -> None:
    """Submit `viewer`'s blind ratings: one of pass, fail, na for every criterion of the call, once."""
    session = get_session(store, viewer, session_id)
    if not session.is_open:
        raise InputError(None, f"calibration session {session_id} is closed", "open a new session to rate again",
                         key="cal_closed", session=session_id)
    bad = {k: v for k, v in statuses.items() if v not in STATUSES}
    if bad:
        raise InputError(None, f"unknown status {sorted(bad.items())}", f"use one of: {', '.join(STATUSES)}",
                         key="cal_bad_status", statuses=sorted(set(bad.values())))
    now = _now()
    with store.transaction() as con:
        wanted = [cid for cid, _, _ in _criteria(con, session.call_id)]
        missing, extra = [c for c in wanted if c not in statuses], sorted(set(statuses) - set(wanted))
        if missing or extra:
            raise InputError(None, f"ratings do not match the call's criteria (missing {missing}, unknown {extra})",
                             "rate every criterion of the call, and only those", key="cal_mismatch",
                             missing=missing, unknown=extra)
        if con.execute("SELECT 1 FROM calibration_ratings WHERE session_id = ? AND rater = ? LIMIT 1",
                       [session_id, viewer.username]).fetchone():
            raise InputError(None, f"{viewer.username} has already rated session {session_id}",
                             "ratings are final once submitted", key="cal_already_rated", session=session_id)
        con.executemany("INSERT INTO calibration_ratings VALUES (?, ?, ?, ?, ?)",
                        [[session_id, viewer.username, cid, statuses[cid], now] for cid in wanted])


def may_close(session: CalibrationSession, viewer: Viewer) -> bool:
    """The session is open and `viewer` started it or is an admin."""
    return session.is_open and (viewer.username == session.created_by or viewer.role == "admin")


def close_session(store: Store, viewer: Viewer, session_id: int) -> None:
    """Close the session (its creator or an admin): no more ratings, and every reviewer sees the results."""
    session = get_session(store, viewer, session_id)
    if viewer.username != session.created_by and viewer.role != "admin":
        raise PermissionDenied(None, f"only {session.created_by} or an admin may close session {session_id}",
                               "ask them to close it", key="cal_close_denied", user=session.created_by,
                               session=session_id)
    if not session.is_open:
        raise InputError(None, f"calibration session {session_id} is already closed", "nothing to do",
                         key="cal_already_closed", session=session_id)
    with store.transaction() as con:
        con.execute("UPDATE calibration_sessions SET closed_at = ? WHERE session_id = ? AND closed_at IS NULL",
                    [_now(), session_id])


def may_see_results(session: CalibrationSession, viewer: Viewer) -> bool:
    """Blindness: the session is closed, or `viewer` has submitted their own ratings."""
    return not session.is_open or viewer.username in session.raters


def _agreement_rows(con: Any, session: CalibrationSession) -> list[CriterionAgreement]:
    crit = _criteria(con, session.call_id)
    ratings = con.execute("SELECT criterion_id, rater, status FROM calibration_ratings WHERE session_id = ?",
                          [session.session_id]).fetchall()
    by_crit: dict[str, dict[str, str]] = {}
    for cid, rater, status in ratings:
        by_crit.setdefault(cid, {})[rater] = status
    names = {cid: name for cid, name, _ in crit}
    autos = {cid: status for cid, _, status in crit}
    order = list(names) + sorted(set(by_crit) - set(names))
    out = []
    for cid in order:
        given = {r: by_crit.get(cid, {})[r] for r in session.raters if r in by_crit.get(cid, {})}
        labels = list(given.values()) + ([autos[cid]] if autos.get(cid) else [])
        out.append(CriterionAgreement(cid, names.get(cid, cid), given, autos.get(cid), percent_agreement([labels])))
    return out


def session_results(store: Store, viewer: Viewer, session_id: int) -> SessionResults:
    """Ratings and agreement of a session. `PermissionDenied` while the viewer may not see them yet (the session
    is open and they have not submitted)."""
    session = get_session(store, viewer, session_id)
    if not may_see_results(session, viewer):
        raise PermissionDenied(None, f"the ratings of session {session_id} are hidden until you submit yours",
                               "rate the call first, or wait until the session is closed", key="cal_hidden",
                               session=session_id)
    with store.connect() as con:
        rows = _agreement_rows(con, session)
    raters = session.raters
    all_items = [[r.ratings[x] for x in raters] + [r.auto] for r in rows
                 if r.auto and all(x in r.ratings for x in raters)]
    cohen, agree = {}, {}
    for rater in raters:
        pairs = [(r.ratings[rater], r.auto) for r in rows if r.auto and rater in r.ratings]
        cohen[rater] = cohen_kappa([p[0] for p in pairs], [p[1] for p in pairs])
        agree[rater] = sum(a == b for a, b in pairs) / len(pairs) if pairs else None
    return SessionResults(
        session=session, criteria=tuple(rows),
        percent=percent_agreement([list(r.ratings.values()) + ([r.auto] if r.auto else []) for r in rows]),
        fleiss=fleiss_kappa(all_items),
        fleiss_reviewers=fleiss_kappa([items[:-1] for items in all_items]),
        cohen_vs_auto=cohen, agree_with_auto=agree)


def calibration_summary(store: Store, viewer: Viewer) -> list[CriterionSummary]:
    """Per criterion, agreement across the closed sessions on calls `viewer` may see (sessions with at least one
    reviewer rating). Only closed sessions count, so nothing here reveals an open session's ratings."""
    sessions = [s for s in list_sessions(store, viewer, open_only=False) if s.raters]
    items: dict[str, list[list[str]]] = {}
    pairs: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    with store.connect() as con:
        for s in sorted(sessions, key=lambda s: s.session_id):
            for row in _agreement_rows(con, s):
                if not row.ratings:
                    continue
                names.setdefault(row.criterion_id, row.name)
                items.setdefault(row.criterion_id, []).append(
                    list(row.ratings.values()) + ([row.auto] if row.auto else []))
                pairs.setdefault(row.criterion_id, []).extend((v, row.auto) for v in row.ratings.values() if row.auto)
    out = []
    for cid, its in items.items():
        ps = pairs.get(cid, [])
        same_size = len({len(x) for x in its}) == 1
        out.append(CriterionSummary(
            cid, names[cid], len(its), percent_agreement(its), fleiss_kappa(its) if same_size else None,
            cohen_kappa([p[0] for p in ps], [p[1] for p in ps]),
            sum(a == b for a, b in ps) / len(ps) if ps else None))
    return out


def calls_to_calibrate(store: Store, viewer: Viewer, limit: int = 500) -> list[str]:
    """Ids of scored calls `viewer` may open a session on, newest first."""
    _require_reviewer(viewer)
    cond, params = call_scope(viewer, "c")
    with store.connect() as con:
        rows = con.execute(f"""
            SELECT c.call_id FROM calls c JOIN scorecards s USING (call_id)
            WHERE {cond} AND EXISTS (SELECT 1 FROM criterion_results r WHERE r.call_id = c.call_id)
            ORDER BY s.scored_at DESC, c.call_id LIMIT ?""", [*params, limit]).fetchall()
    return [r[0] for r in rows]


UNRATED = """
    SELECT s.session_id, s.call_id FROM calibration_sessions s
    WHERE s.closed_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM calibration_ratings r WHERE r.session_id = s.session_id AND r.rater = ?)"""


def blind_calls(con: Any, viewer: Viewer, call_ids: list[str]) -> set[str]:
    """Those of `call_ids` that have an open calibration session `viewer` (a reviewer) has not rated yet: lists
    must not show their results to them (see `pending_blind_sessions`)."""
    if not viewer.reviews or not call_ids:
        return set()
    rows = con.execute(f"SELECT DISTINCT call_id FROM ({UNRATED}) WHERE call_id IN (SELECT unnest(?::VARCHAR[]))",
                       [viewer.username, call_ids]).fetchall()
    return {r[0] for r in rows}


def pending_blind_sessions(store: Store, viewer: Viewer, call_id: str) -> list[int]:
    """Open calibration sessions on `call_id` that `viewer` (a reviewer) has not rated yet. While there is one,
    the call view hides the call's automatic and reviewed results from them, so that opening the call does not
    unblind their rating ([] for agents, who do not calibrate, and for calls the viewer may not see)."""
    if not viewer.reviews or not can_see(store, viewer, call_id):
        return []
    with store.connect() as con:
        rows = con.execute(f"SELECT session_id FROM ({UNRATED}) WHERE call_id = ? ORDER BY session_id",
                           [viewer.username, call_id]).fetchall()
    return [r[0] for r in rows]
