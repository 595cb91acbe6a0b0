"""P4: the reviewer app's queries over a large store — 100,000 synthetic calls / 3 million turns
(target p95 ≤ 200 ms per query), and the Search page's query (`qa.review.search.search_turns`).

    python bench/p4_duckdb_dashboard.py [--calls 100000] [--turns-per-call 30] [--repeat 20]

Builds the store through the product's migrations, fills it with SQL-generated rows (200 agents in 10 teams,
90 days of calls, flags, metrics, assessments and overrides), then times the app's own functions — the review
queue (`qa.review.queue.list_queue`, `sample_page`, `filter_options`; 100 rows a page, as the app shows them), the
dashboard (`qa.review.dashboard.dashboard`), its customer KPIs (`qa.review.kpis.kpi_rows`, `correlations`; a survey on
one call in three, customers calling about three times each) and the call page (`qa.accounts.access.get_call`, and every read the page makes in one
connection, as the app holds it: `Store.reading`) — for a supervisor and for an agent, each call opening the
database anew as the app does.
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import date

from _bigstore import build_store
from _common import percentile

from qa.accounts.access import Viewer, call_scope, get_call
from qa.calibration.sessions import pending_blind_sessions
from qa.review.assessments import allowed_actions, audit_trail, get_assessment, results
from qa.review.dashboard import dashboard, records
from qa.review.kpis import correlations, kpi_records, kpi_rows
from qa.review.notes import visible_notes
from qa.review.queue import QueueFilter, filter_options, list_queue, sample_page
from qa.review.search import search_turns
from qa.store.database import Store


def call_page(store: Store, viewer: Viewer, call_id: str) -> None:
    """Every read the app's call page makes, in one connection as the app holds it (`Store.reading`)."""
    with store.reading():
        get_call(store, viewer, call_id)
        pending_blind_sessions(store, viewer, call_id)
        results(store, viewer, call_id)
        visible_notes(store, viewer, call_id)
        get_assessment(store, viewer, call_id)
        allowed_actions(store, viewer, call_id)
        audit_trail(store, viewer, call_id)
        store.list_calls(limit=200, scope=call_scope(viewer))  # the page's call picker


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=100_000)
    ap.add_argument("--turns-per-call", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, took = build_store(f"{tmp}/big.duckdb", args.calls, args.turns_per_call)
        print(f"filled {args.calls} calls / {args.calls * args.turns_per_call} turns in {took:.1f} s")
        sup = Viewer("sup", "supervisor")
        team_sup = Viewer("north", "supervisor", teams=("team1", "team2"))
        agent = Viewer("a7", "agent", agent_id="agent7")
        week = QueueFilter(date_from=date(2026, 11, 23), date_to=date(2026, 11, 29))
        narrow = QueueFilter(failed_criteria=("listen",), flags=("low_confidence",), score_max=60,
                             review_states=("unreviewed",), languages=("en",))
        timings: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}

        def timed(name, fn):
            t, c = time.perf_counter(), time.process_time()
            fn()
            timings.setdefault(name, []).append((time.perf_counter() - t) * 1000)
            cpu.setdefault(name, []).append((time.process_time() - c) * 1000)

        rng = random.Random(0)
        cases = {
            "queue page, supervisor": lambda: list_queue(store, sup, limit=100),
            "queue page 50, lowest first": lambda: list_queue(store, sup, limit=100, offset=5000, order="lowest"),
            "queue, all filters": lambda: list_queue(store, sup, narrow, limit=100),
            "queue, team supervisor": lambda: list_queue(store, team_sup, limit=100),
            "queue, agent": lambda: list_queue(store, agent, limit=100),
            "filter options, supervisor": lambda: filter_options(store, sup),
            "sample random 5/agent/week": lambda: sample_page(store, sup, QueueFilter(), "random", 5, seed=1),
            "sample lowest, one week": lambda: sample_page(store, sup, week, "lowest", 5),
            "sample low confidence": lambda: sample_page(store, sup, QueueFilter(), "low_confidence", 5),
            "sample flagged": lambda: sample_page(store, sup, QueueFilter(), "flagged", 5),
            "sample never reviewed": lambda: sample_page(store, sup, QueueFilter(), "unreviewed", 5),
            "dashboard week x agent": lambda: records(dashboard(store, sup, period="week", group="agent")),
            "dashboard day x team": lambda: records(dashboard(store, sup, period="day", group="team")),
            "dashboard all x agent": lambda: records(dashboard(store, sup, period="all", group="agent")),
            "dashboard, agent viewer": lambda: records(dashboard(store, agent, period="week")),
            "KPIs week x agent (FCR 7 days)": lambda: kpi_records(kpi_rows(store, sup, period="week")),
            "KPIs, team supervisor": lambda: kpi_records(kpi_rows(store, team_sup, period="week", group="team")),
            "KPI x criterion correlations": lambda: correlations(store, sup),
            "search 'giao chậm' (1 in 8 turns)": lambda: search_turns(store, sup, "giao chậm", limit=25),
            "search rare phrase, page 1": lambda: search_turns(store, sup, "huy hop dong", limit=25),
            "search, agent": lambda: search_turns(store, agent, "xin lỗi", limit=25),
        }
        for _ in range(args.repeat):
            for name, fn in cases.items():
                timed(name, fn)
            cid = f"c{rng.randrange(args.calls)}"
            timed("get_call (call page)", lambda: get_call(store, sup, cid))
            timed("call page, every read", lambda: call_page(store, sup, cid))
        worst = 0.0
        for name, ms in timings.items():
            p95 = percentile(ms, 95)
            worst = max(worst, p95)
            print(f"  {name:<30} p50 {percentile(ms, 50):8.1f} ms   p95 {p95:8.1f} ms   "
                  f"(CPU time p50 {percentile(cpu[name], 50):6.1f} ms, all threads)")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine inflates wall times)")
        print(f"P4 worst p95 {worst:.1f} ms over {args.calls} calls; ratio to the 200 ms target {worst / 200:.2f} "
              f"(target <= 1.0)")


if __name__ == "__main__":
    main()
