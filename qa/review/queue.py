"""Review queue: the scored calls a viewer may see, filtered, one page at a time, and review samples.

Every query here ANDs `qa.accounts.access.call_scope(viewer)` into its WHERE clause, so a filter or a sample never
reaches
a call the viewer may not see. Totals, service levels and failed criteria are the results in force the viewer
sees (`qa.store.in_force`: a supervisor's newest override when there is one, else the automatic result; an agent sees
overrides from Shared on), read from the per-call summary the store keeps. A call the viewer has yet to rate in an
open calibration session is listed without its results (`QueueRow.blind`).

Sampling picks up to N calls per agent per ISO week of the call date, by one of `SAMPLE_METHODS`; ties and the
random method are ordered by md5(call_id, seed), so the same seed gives the same sample, and adding calls does
not reshuffle the ones already there.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from qa.accounts.access import Viewer, call_scope, require_role
from qa.calibration.sessions import UNRATED, blind_calls
from qa.review.audit import VISIBLE_TO_AGENT
from qa.review.search import calls_saying
from qa.store.database import Store
from qa.store.vocabulary import REVIEW_STATES as STORED_STATES

logger = logging.getLogger("qa")

REVIEW_STATES = ("unreviewed", *STORED_STATES)  # unreviewed: no assessment
SAMPLE_METHODS = ("random", "lowest", "low_confidence", "flagged", "unreviewed")
INFO_FLAGS = ("sentiment_lexicon_fallback",)  # technical notes on how a call was scored, not a reason to review it
LOW_CONFIDENCE_FLAGS = ("low_confidence", "low_confidence_turns", "roles_uncertain")
MAX_PER_AGENT_WEEK = 1000

# SQL over a scorecard `s`: its flags as a list, and each flag's kind (the part before ":").
FLAG_LIST = "coalesce(from_json(s.flags, '[\"VARCHAR\"]'), [])"
FLAG_KINDS = f"list_transform({FLAG_LIST}, lambda x: split_part(x, ':', 1))"
# The calls of the queue: stored calls (c; the store writes a call and its scorecard together), with their
# scorecard (s), their agent's team (ag) and their review state (a) joined when a query needs them.
SCORE_JOIN = " JOIN scorecards s ON s.call_id = c.call_id"
TEAM_JOIN = " LEFT JOIN agents ag ON ag.agent_id = c.agent_id"
STATE_JOIN = " LEFT JOIN assessments a ON a.call_id = c.call_id"
ORDERS = ("newest", "lowest")


@dataclass(frozen=True)
class InForce:
    """SQL over a scorecard `s` (and, for an agent, the assessment `a`) for the results in force a viewer sees
    (`qa.store.in_force`): reviewers see every override; an agent sees them from Shared on, the automatic results
    before."""

    total: str
    level: str
    label: str
    passed: str
    failed: str
    needs_state: bool

    @staticmethod
    def of(viewer: Viewer) -> InForce:
        if not viewer.is_agent:
            return InForce("s.reviewed_total", "s.reviewed_level", "s.reviewed_label", "s.passed", "s.failed", False)
        seen = f"coalesce(a.state, '') IN {tuple(VISIBLE_TO_AGENT)!r}"
        total, level, label, passed, failed = (
            f"CASE WHEN {seen} THEN s.{forced} ELSE s.{auto} END" for forced, auto in (
                ("reviewed_total", "total"), ("reviewed_level", "service_level"), ("reviewed_label", "service_label"),
                ("passed", "auto_passed"), ("failed", "auto_failed")))
        return InForce(total, level, label, passed, failed, True)

    def order(self, order: str) -> str:
        """ORDER BY keys of the queue's orders over c and s."""
        if order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
        return ("c.call_date DESC, s.scored_at DESC, c.call_id" if order == "newest"
                else f"{self.total} ASC NULLS LAST, c.call_id")

    def row_columns(self) -> str:
        """A queue row's columns in QueueRow's field order, over c, s, ag and a."""
        return f"""c.call_id, c.call_date, c.agent_id, ag.name, ag.team, c.language, c.duration, {self.total},
            {self.level}, {self.label}, {FLAG_LIST}, {self.failed}, coalesce(a.state, 'unreviewed')"""


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. Empty tuples and None mean "any". Dates are inclusive; `score_min`/`score_max` bound
    the total (0-100); `failed_criteria`: calls failing any of these criteria; `flags`: calls carrying any of these
    flags, by full text ("critical_failure:rude") or by kind ("critical_failure"); `review_states`: assessment
    states, "unreviewed" for calls nobody has assessed; `says`: calls with a turn saying these words (whole
    words, in this order; case, diacritics and Unicode form ignored: qa.review.search); `assigned_to`: calls
    assigned to this reviewer, in any week (qa.review.assignments)."""

    date_from: date | None = None
    date_to: date | None = None
    agent_ids: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    score_min: float | None = None
    score_max: float | None = None
    failed_criteria: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    review_states: tuple[str, ...] = ()
    says: str = ""
    assigned_to: str = ""


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One scored call in the queue: `total`, `service_level`/`service_label` and `failed` (ids of the criteria
    it fails, in rubric order) are the results in force the viewer sees."""

    call_id: str
    call_date: date | None
    agent_id: str | None
    agent_name: str | None
    team: str | None
    language: str | None
    duration: float | None
    total: float | None
    service_level: int | None
    service_label: str | None
    flags: tuple[str, ...]
    failed: tuple[str, ...]
    review_state: str
    blind: bool = False  # results hidden: the viewer has yet to rate this call in a calibration session

    @property
    def week(self) -> str:
        """ISO week of the call date, e.g. "2026-W47"."""
        if self.call_date is None:
            return ""
        year, week, _ = self.call_date.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the number of calls matching the filter in all pages."""

    rows: list[QueueRow]
    total: int


@dataclass(frozen=True)
class FilterOptions:
    """The values the queue's filters can take among the calls a viewer may see."""

    agents: list[str]
    teams: list[str]
    languages: list[str]
    criteria: list[tuple[str, str]]  # (criterion_id, stored name)
    flags: list[str]
    first_date: date | None
    last_date: date | None


def filter_sql(filt: QueueFilter, forced: InForce) -> tuple[str, list[Any]]:
    """The SQL condition (over the aliases c, s, ag, a of `calls_sql`) and parameters selecting the calls `filt`
    asks for; totals and failed criteria are the results in force (`forced`)."""
    conds: list[str] = []
    params: list[Any] = []

    def add(cond: str, *values: Any) -> None:
        conds.append(cond)
        params.extend(values)

    if filt.date_from is not None:
        add("c.call_date >= ?", filt.date_from)
    if filt.date_to is not None:
        add("c.call_date <= ?", filt.date_to)
    if filt.agent_ids:
        add("c.agent_id = ANY(?::VARCHAR[])", list(filt.agent_ids))
    if filt.teams:
        add("ag.team = ANY(?::VARCHAR[])", list(filt.teams))
    if filt.languages:
        add("c.language = ANY(?::VARCHAR[])", list(filt.languages))
    if filt.score_min is not None:
        add(f"{forced.total} >= ?", float(filt.score_min))
    if filt.score_max is not None:
        add(f"{forced.total} <= ?", float(filt.score_max))
    if filt.failed_criteria:
        add(f"list_has_any({forced.failed}, ?::VARCHAR[])", list(filt.failed_criteria))
    if filt.flags:
        add(f"s.flags <> '[]' AND list_has_any(list_concat({FLAG_LIST}, {FLAG_KINDS}), ?::VARCHAR[])",
            list(filt.flags))
    if filt.review_states:
        unknown = set(filt.review_states) - set(REVIEW_STATES)
        if unknown:
            raise ValueError(f"unknown review state(s) {sorted(unknown)}; use {', '.join(REVIEW_STATES)}")
        add("coalesce(a.state, 'unreviewed') = ANY(?::VARCHAR[])", list(filt.review_states))
    if filt.assigned_to:
        add("c.call_id IN (SELECT call_id FROM assignments WHERE reviewer = ?)", filt.assigned_to)
    saying = calls_saying(filt.says) if filt.says else None
    if saying is not None:
        add(saying[0], *saying[1])
    return (" AND ".join(conds) or "TRUE"), params


def calls_sql(viewer: Viewer, filt: QueueFilter, *, score: bool = False, team: bool = False, state: bool = False,
              join: str = "") -> tuple[str, list[Any]]:
    """"FROM ... WHERE ..." over the calls `viewer` may see (their scope is always ANDed in) that match `filt`,
    and its parameters: the base of every queue and dashboard query. `score`/`team`/`state`: join the scorecard
    (alias s), the agent's team (ag) and the assessment (a) for the caller's own use (a filter that needs one joins
    it anyway); `join`: a further JOIN clause of the caller's."""
    scope, scope_params = call_scope(viewer, "c")
    forced = InForce.of(viewer)
    cond, params = filter_sql(filt, forced)
    score = score or score_used(filt)
    state = state or bool(filt.review_states) or (score and forced.needs_state)
    joins = ("FROM calls c" + (SCORE_JOIN if score else "") + (TEAM_JOIN if team or filt.teams else "")
             + (STATE_JOIN if state else "") + (f" {join}" if join else ""))
    if viewer.reviews and (score_used(filt)):  # a filter on results never picks a call its viewer rates blind
        cond, params = f"({cond}) AND c.call_id NOT IN (SELECT call_id FROM ({UNRATED}))", [*params, viewer.username]
    return f"{joins} WHERE ({scope}) AND ({cond})", [*scope_params, *params]


def score_used(filt: QueueFilter) -> bool:
    """Whether `filt` selects calls by their results (total, failed criteria, flags)."""
    return filt.score_min is not None or filt.score_max is not None or bool(filt.failed_criteria or filt.flags)


def _fetch(con: Any, viewer: Viewer, page: str, params: list[Any], order: str) -> tuple[list[QueueRow], int]:
    """Queue rows of the calls that the SQL `page` selects (a call_id column, an n_all column: the number of calls
    before paging, and any columns `order` sorts p by) and that number. Details are read for these calls only;
    a call with a calibration session the viewer has not rated yet shows no results (`mask_blind`)."""
    forced = InForce.of(viewer)
    cur = con.execute(f"""
        WITH p AS ({page})
        SELECT {forced.row_columns()}, p.n_all
        FROM p JOIN calls c ON c.call_id = p.call_id JOIN scorecards s ON s.call_id = p.call_id
        LEFT JOIN agents ag ON ag.agent_id = c.agent_id LEFT JOIN assessments a ON a.call_id = p.call_id
        ORDER BY {order}""", params)
    found = cur.fetchall()
    rows = [_queue_row(v) for v in found]
    return mask_blind(rows, blind_calls(con, viewer, [r.call_id for r in rows])), found[0][-1] if found else 0


def _queue_row(v: tuple[Any, ...]) -> QueueRow:
    """A QueueRow from the first 13 columns of a row selected with `InForce.row_columns`."""
    call_id, call_date, agent_id, agent_name, team, language, duration, total, level, label = v[:10]
    return QueueRow(call_id, call_date, agent_id, agent_name, team, language, duration, total, level, label,
                    tuple(v[10]), tuple(v[11] or ()), v[12])


def mask_blind(rows: list[QueueRow], blind: set[str]) -> list[QueueRow]:
    """`rows` with the results (total, service level, flags, failed criteria) of the `blind` calls left out:
    a reviewer who has yet to rate a call in a calibration session must not see how it scored."""
    return [replace(r, total=None, service_level=None, service_label=None, flags=(), failed=(), blind=True)
            if r.call_id in blind else r for r in rows]


def list_queue(store: Store, viewer: Viewer, filt: QueueFilter = QueueFilter(), limit: int | None = 100,
               offset: int = 0, order: str = "newest") -> QueuePage:
    """One page (`limit` rows from `offset`) of the scored calls `viewer` may see that match `filt`, newest call
    date first (`order="lowest"`: lowest total in force first), and how many match in all pages."""
    keys = InForce.of(viewer).order(order)
    base, params = calls_sql(viewer, filt, score=True)
    count, count_params = calls_sql(viewer, filt)
    with store.connect() as con:
        rows, _ = _fetch(con, viewer, f"SELECT c.call_id, NULL AS n_all {base} ORDER BY {keys} LIMIT ? OFFSET ?",
                         [*params, limit, offset], keys)
        counted = con.execute(f"SELECT count(*) {count}", count_params).fetchone()
    assert counted is not None  # an aggregate without GROUP BY always gives one row
    return QueuePage(rows, counted[0])


def sample_order(method: str, forced: InForce) -> tuple[str, list[str]]:
    """(eligibility condition, ranking keys) in SQL for a sampling method: the calls it may pick, and the keys
    (each "expression ASC|DESC") that order an agent's week, best pick first. The last key is the seeded hash
    (parameter: the seed), so the order is total and reproducible. `forced`: the results in force the viewer
    sees."""
    total = forced.total
    seeded = "md5_number(c.call_id || ':' || ?) ASC"
    review_flags = f"list_filter({FLAG_KINDS}, lambda k: NOT list_contains({list(INFO_FLAGS)!r}, k))"
    if method == "random":
        return "TRUE", [seeded]
    if method == "lowest":
        return f"{total} IS NOT NULL", [f"{total} ASC", seeded]
    if method == "low_confidence":
        n_low = (f"coalesce(list_max(list_transform(list_filter({FLAG_LIST}, "
                 "lambda x: x LIKE 'low_confidence_turns:%'), "
                 "lambda x: try_cast(split_part(x, ':', 2) AS INTEGER))), 0)")
        roles = "coalesce(try_cast(json_extract_string(c.roles, '$.confidence') AS DOUBLE), 1.0)"
        return (f"s.flags <> '[]' AND list_has_any({FLAG_KINDS}, {list(LOW_CONFIDENCE_FLAGS)!r})",
                [f"list_contains({FLAG_KINDS}, 'roles_uncertain') DESC", f"{n_low} DESC", f"{roles} ASC", seeded])
    if method == "flagged":
        return (f"s.flags <> '[]' AND len({review_flags}) > 0",
                [f"list_contains({FLAG_KINDS}, 'critical_failure') DESC", f"len({review_flags}) DESC", seeded])
    if method == "unreviewed":
        return "a.state IS NULL", [seeded]
    raise ValueError(f"sampling method must be one of {', '.join(SAMPLE_METHODS)}, not {method!r}")


def sample_page(store: Store, viewer: Viewer, filt: QueueFilter = QueueFilter(), method: str = "random",
                per_agent_per_week: int = 5, seed: int = 0, limit: int | None = 100, offset: int = 0) -> QueuePage:
    """A review sample: up to `per_agent_per_week` calls per agent per ISO week among the calls `viewer` may see
    that match `filt`, picked by `method` (random, lowest totals in force first, low-confidence transcripts or
    roles first, flagged calls first, never-reviewed calls), ordered by agent, week, then pick order; one page
    of it (`limit` rows from `offset`; None: all) and its size. Only reviewers (admin, supervisor) may sample."""
    require_role(viewer, "admin", "supervisor")
    if not 1 <= int(per_agent_per_week) <= MAX_PER_AGENT_WEEK:
        raise ValueError(f"calls per agent per week must be between 1 and {MAX_PER_AGENT_WEEK}")
    eligible, ranking = sample_order(method, InForce.of(viewer))
    base, params = calls_sql(viewer, filt, score=True, state=method == "unreviewed")
    keys = [k.rsplit(" ", 1) for k in ranking]  # the keys are computed once per call, then ranked
    key_cols = ", ".join(f"{expr} AS k{i}" for i, (expr, _) in enumerate(keys))
    key_order = ", ".join(f"k{i} {way}" for i, (_, way) in enumerate(keys))
    order = "pick_agent NULLS FIRST, pick_week, pick"
    picked = f"""
        SELECT *, count(*) OVER () AS n_all FROM (
            SELECT call_id, agent_id AS pick_agent, week AS pick_week,
                   row_number() OVER (PARTITION BY agent_id, week ORDER BY {key_order}) AS pick
            FROM (SELECT c.call_id, c.agent_id, yearweek(c.call_date) AS week, {key_cols}
                  {base} AND {eligible})
            QUALIFY pick <= ?)
        ORDER BY {order} LIMIT ? OFFSET ?"""
    seeds = [str(seed)] * key_cols.count("?")
    with store.connect() as con:
        rows, n_all = _fetch(con, viewer, picked, [*seeds, *params, int(per_agent_per_week), limit, offset],
                             ", ".join(f"p.{k}" for k in order.split(", ")))
    logger.info("sample %s seed %s: %d calls (%d shown)", method, seed, n_all, len(rows))
    return QueuePage(rows, n_all)


def sample(store: Store, viewer: Viewer, filt: QueueFilter = QueueFilter(), method: str = "random",
           per_agent_per_week: int = 5, seed: int = 0) -> list[QueueRow]:
    """The whole review sample of `sample_page`."""
    return sample_page(store, viewer, filt, method, per_agent_per_week, seed, limit=None).rows


def flag_options(flags: list[str]) -> list[str]:
    """The flag filter's choices for stored flags: each flag's kind, plus the full flag where its value names
    something (critical_failure:rude) rather than counts it (low_confidence_turns:3)."""
    out = set()
    for f in flags:
        kind, _, value = f.partition(":")
        out.add(kind)
        if value and not value.isdigit():
            out.add(f)
    return sorted(out)


def filter_options(store: Store, viewer: Viewer) -> FilterOptions:
    """The agents, teams, languages, criteria, flags and date range among the calls `viewer` may see."""
    base, params = calls_sql(viewer, QueueFilter(), score=True, team=True)
    scope, scope_params = call_scope(viewer, "c")
    mine = "" if scope == "TRUE" else f"AND call_id IN (SELECT c.call_id FROM calls c WHERE {scope})"
    with store.connect() as con:
        found = con.execute(f"""
            SELECT list(DISTINCT c.agent_id ORDER BY c.agent_id) FILTER (WHERE c.agent_id IS NOT NULL),
                   list(DISTINCT ag.team ORDER BY ag.team) FILTER (WHERE ag.team IS NOT NULL),
                   list(DISTINCT c.language ORDER BY c.language) FILTER (WHERE c.language IS NOT NULL),
                   list(DISTINCT s.flags) FILTER (WHERE s.flags IS NOT NULL AND s.flags <> '[]'),
                   min(c.call_date), max(c.call_date) {base}""", params).fetchone()
        assert found is not None  # aggregates without GROUP BY always give one row
        agents, teams, languages, flag_texts, first, last = found
        criteria = con.execute(f"""
            SELECT criterion_id, any_value(name) FROM criterion_results
            WHERE NOT coalesce(critical, false) {mine}
            GROUP BY criterion_id ORDER BY min(position), criterion_id""", scope_params).fetchall()
    flags = [f for text in flag_texts or [] for f in json.loads(text)]
    return FilterOptions(agents or [], teams or [], languages or [], [(cid, name) for cid, name in criteria],
                         flag_options(flags), first, last)
