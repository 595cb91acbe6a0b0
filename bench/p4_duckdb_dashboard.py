"""P4: the reviewer app's queries over a large store — 100,000 synthetic calls / 3 million turns
(target p95 ≤ 200 ms per query).

    python bench/p4_duckdb_dashboard.py [--calls 100000] [--turns-per-call 30] [--repeat 20]

Builds the store through the product's migrations, fills it with SQL-generated rows, then times the
app's calls into `qa.store.Store` (`list_calls`, `get_call`) and typical dashboard aggregates, each
opening its own connection as the app does.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time

from _common import percentile

from qa.store import Store

FILL = """
INSERT INTO calls SELECT 'c' || i, 'audio', 'in/' || i || '.wav', NULL, NULL, CASE WHEN i % 3 = 0 THEN 'vi' ELSE 'en' END,
       'agent' || (i % 200), 300 + i % 600, '{{}}', '{{}}', '{{}}', 'r1', TIMESTAMP '2026-11-01' + INTERVAL (i % 2592000) SECOND
FROM range({n}) t(i);
INSERT INTO scorecards SELECT 'c' || i, 'last', '1.0', (i * 37) % 101, '[]', '{{}}', '0.1.0', 'r1',
       TIMESTAMP '2026-11-01' + INTERVAL (i % 2592000) SECOND FROM range({n}) t(i);
INSERT INTO criterion_results SELECT 'c' || i, c.id, c.pos, c.id, CASE WHEN (i + c.pos) % 4 = 0 THEN 'fail' ELSE 'pass' END,
       1, 25, '' FROM range({n}) t(i), (VALUES ('listen', 0), ('apologize', 1), ('solve', 2), ('thank', 3)) c(id, pos);
INSERT INTO turns SELECT 'c' || i, k, CASE WHEN k % 2 = 0 THEN 'agent' ELSE 'customer' END, k * 4.0, k * 4.0 + 3.5,
       'turn text ' || k, k % 2, 0.9, false, '[]', '{{}}', 'neutral', 0.5, 0.0, 'en', 'lexicon', '[]'
FROM range({n}) t(i), range({k}) u(k);
"""

AGGREGATES = {
    "agent leaderboard": "SELECT agent_id, count(*), avg(total) FROM calls JOIN scorecards USING (call_id) "
                         "GROUP BY agent_id ORDER BY 3 DESC",
    "criterion fail rates": "SELECT criterion_id, avg((status = 'fail')::INT) FROM criterion_results GROUP BY 1",
    "daily volume and score": "SELECT date_trunc('day', scored_at) d, count(*), avg(total) FROM scorecards GROUP BY d "
                              "ORDER BY d",
    "talk share per agent": "SELECT c.agent_id, sum(CASE WHEN t.speaker = 'agent' THEN t.end_s - t.start_s END) / "
                            "sum(t.end_s - t.start_s) FROM turns t JOIN calls c USING (call_id) GROUP BY 1",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=100_000)
    ap.add_argument("--turns-per-call", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"{tmp}/big.duckdb")
        t0 = time.perf_counter()
        with store.transaction() as con:
            for stmt in FILL.format(n=args.calls, k=args.turns_per_call).split(";"):
                if stmt.strip():
                    con.execute(stmt)
        print(f"filled {args.calls} calls / {args.calls * args.turns_per_call} turns in {time.perf_counter() - t0:.1f} s")
        timings: dict[str, list[float]] = {}

        def timed(name, fn):
            t = time.perf_counter()
            fn()
            timings.setdefault(name, []).append((time.perf_counter() - t) * 1000)

        rng = random.Random(0)
        for _ in range(args.repeat):
            timed("list_calls, one page of 500", lambda: store.list_calls(limit=500))
            if len(timings.get("list_calls, all rows", [])) < 3:
                timed("list_calls, all rows", store.list_calls)
            cid = f"c{rng.randrange(args.calls)}"
            timed("get_call (app call page)", lambda: store.get_call(cid))
            for name, sql in AGGREGATES.items():
                def run(sql=sql):
                    with store.connect() as con:
                        con.execute(sql).fetchall()
                timed(name, run)
        worst = 0.0
        for name, ms in timings.items():
            p95 = percentile(ms, 95)
            if name != "list_calls, all rows":  # not a dashboard query: shown for scale
                worst = max(worst, p95)
            print(f"  {name:<28} p50 {percentile(ms, 50):8.1f} ms   p95 {p95:8.1f} ms")
        print(f"P4 worst p95 {worst:.1f} ms over {args.calls} calls; ratio to the 200 ms target {worst / 200:.2f} "
              f"(target <= 1.0)")


if __name__ == "__main__":
    main()
