"""The large synthetic store of the benchmarks: N calls through the product's migrations, filled by SQL — 200 agents
in 10 teams, 90 days of calls, transcript turns (searchable), criteria, flags, metrics, assessments, overrides and
customer KPIs — calls the reviewer app can open like any other."""
from __future__ import annotations

import time

import _common  # noqa: F401  (the product's checkout on sys.path first)

from qa.store.database import Store
from qa.store.in_force import rebuild
from qa.store.search_text import fold

FILL = """
INSERT INTO agents SELECT 'agent' || j, 'Agent ' || j, 'team' || (j % 10) FROM range(200) t(j);
INSERT INTO calls SELECT 'c' || i, 'audio', 'in/' || i || '.wav', NULL, NULL, CASE WHEN i % 3 = 0 THEN 'vi' ELSE 'en' END,
       'agent' || (i % 200), 300 + i % 600, '{{"confidence": ' || (0.6 + (i % 5) / 10) || '}}', '{{}}', '{{}}', 'r1',
       TIMESTAMP '2026-11-01' + INTERVAL (i % 2592000) SECOND, DATE '2026-09-01' + CAST(i % 90 AS INTEGER), NULL
FROM range({n}) t(i);
INSERT INTO scorecards SELECT 'c' || i, 'last', '1.0', (i * 37) % 101,
       CASE WHEN i % 10 = 0 THEN '["low_confidence_turns:3", "low_confidence"]' WHEN i % 17 = 0 THEN '["critical_failure:rude"]'
            WHEN i % 23 = 0 THEN '["escalation:requested", "roles_uncertain"]' ELSE '[]' END, '{{}}', '0.1.0', 'r1',
       TIMESTAMP '2026-11-01' + INTERVAL (i % 2592000) SECOND, 1 + ((i * 37) % 101) // 20, 'level',
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM range({n}) t(i);
INSERT INTO criterion_results SELECT 'c' || i, c.id, c.pos, c.id, CASE WHEN (i + c.pos) % 4 = 0 THEN 'fail' ELSE 'pass' END,
       1, 25, '', false FROM range({n}) t(i), (VALUES ('listen', 0), ('apologize', 1), ('solve', 2), ('thank', 3)) c(id, pos);
INSERT INTO call_metrics (call_id, handling_time, silence_share, agent_interruptions, turned_around)
SELECT 'c' || i, 300 + i % 600, (i % 30) / 100, i % 4, CASE WHEN i % 3 = 0 THEN (i % 2 = 0) END FROM range({n}) t(i);
INSERT INTO turns SELECT 'c' || i, k, CASE WHEN k % 2 = 0 THEN 'agent' ELSE 'customer' END, k * 4.0, k * 4.0 + 3.5,
       w.text, k % 2, 0.9, k = 7 AND i % 10 = 0, '[]', '{{}}', 'neutral', 0.5, 0.0, 'en', 'lexicon', '[]', w.folded
FROM range({n}) t(i), range({k}) u(k), ({words}) w(n, text, folded) WHERE w.n = CASE WHEN i % 1000 = 0 AND k = 3 THEN 8
       ELSE (i * 7 + k) % 8 END;
INSERT INTO assessments SELECT 'c' || i, CASE WHEN i % 2 = 0 THEN 'final' ELSE 'shared' END, 'sup',
       TIMESTAMP '2026-11-02', TIMESTAMP '2026-11-02' FROM range({n}) t(i) WHERE i % 7 = 0;
INSERT INTO overrides (call_id, criterion_id, auto_status, status, reason, author, created_at)
SELECT 'c' || i, 'listen', 'fail', 'pass', 'heard it', 'sup', TIMESTAMP '2026-11-03' FROM range({n}) t(i) WHERE i % 101 = 0;
INSERT INTO call_kpis SELECT 'c' || i, 1 + i % 5, i % 11, 1 + i % 7, 'import', NULL, TIMESTAMP '2026-11-03'
FROM range({n}) t(i) WHERE i % 3 = 0;
INSERT INTO call_customers SELECT 'c' || i, 'k' || (i * 7919 % ({n} // 3 + 1)), 'phone' FROM range({n}) t(i);
"""


# turn texts (and their search form, qa.store.search_text.fold), one in 8 turns each; the 9th in one call in 1,000
TEXTS = ["Dạ em xin lỗi anh vì đơn hàng giao chậm ạ", "Em hiểu là anh đang rất bực, đúng không ạ?",
         "Cảm ơn anh đã chờ máy", "Mã đơn hàng của anh là bao nhiêu ạ?", "I'm sorry for the delay with your order",
         "Let me check your account balance", "Thank you for holding", "Your refund has been sent today",
         "Khách hàng muốn hủy hợp đồng"]


def words_table() -> str:
    rows = ", ".join(f"({n}, '{t}', '{fold(t)}')".replace("I'm", "I''m") for n, t in enumerate(TEXTS))
    return f"VALUES {rows}"


def build_store(path: str, calls: int = 100_000, turns_per_call: int = 30) -> tuple[Store, float]:
    """A new store at `path` with `calls` synthetic calls of `turns_per_call` turns; (store, seconds taken)."""
    store = Store(path)
    t0 = time.perf_counter()
    with store.transaction() as con:
        for stmt in FILL.format(n=calls, k=turns_per_call, words=words_table()).split(";"):
            if stmt.strip():
                con.execute(stmt)
        rebuild(con)  # each call's results in force, as the store keeps them
    return store, time.perf_counter() - t0
