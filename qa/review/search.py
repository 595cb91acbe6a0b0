"""Search the transcripts by spoken words: the turns whose words contain a phrase, in the calls the viewer may
see, newest calls first, each hit with its call, speaker, time and where in the turn's text the words are.

Matching is on whole words, case- and diacritic-insensitive ("giao cham" finds "giao chậm", "Giao Chậm" and
its NFD form), on `turns.search_text` (`qa.store.search_text`). The same condition filters the queue
(`calls_saying`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from qa.accounts.access import Viewer, call_scope
from qa.store.database import Store
from qa.store.search_text import fold_query, words_of

__all__ = ["Hit", "SearchResult", "calls_saying", "highlight_span", "search_turns"]

MAX_LIMIT = 200


@dataclass(frozen=True)
class Hit:
    """One turn that says the words: `span` is where they are in `text` (character offsets; None when the
    original text cannot be lined up with its folded form)."""

    call_id: str
    agent_id: str | None
    call_date: date | None
    turn: int
    speaker: str
    start: float | None
    end: float | None
    text: str
    span: tuple[int, int] | None


@dataclass(frozen=True)
class SearchResult:
    """`calls`: how many visible calls say the words; `turns`: in how many turns; `hits`: one page of turns."""

    query: str
    calls: int
    turns: int
    hits: tuple[Hit, ...]


def calls_saying(query: str, alias: str = "c") -> tuple[str, list[object]] | None:
    """A SQL condition on `{alias}.call_id` keeping the calls with a turn that says `query`, and its parameters
    (None when the query has no words: no condition)."""
    needle = fold_query(query)
    if needle is None:
        return None
    return (f"{alias}.call_id IN (SELECT call_id FROM turns WHERE contains(search_text, ?))", [needle])


def highlight_span(text: str, query: str) -> tuple[int, int] | None:
    """Where the words of `query` are in `text` (first occurrence), by lining up the words of both folded."""
    wanted = words_of(query)
    if not wanted:
        return None
    spans = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    folded = [words_of(text[a:b]) for a, b in spans]
    flat: list[tuple[str, int]] = [(w, k) for k, ws in enumerate(folded) for w in ws]
    n = len(wanted)
    for i in range(len(flat) - n + 1):
        if [w for w, _ in flat[i:i + n]] == wanted:
            return spans[flat[i][1]][0], spans[flat[i + n - 1][1]][1]
    return None


def search_turns(store: Store, viewer: Viewer, query: str, *, speaker: str | None = None, limit: int = 50,
                 offset: int = 0) -> SearchResult:
    """The turns saying `query` in the calls `viewer` may see (`speaker`: only the agent's or the customer's),
    newest calls first, then in turn order; `limit`/`offset`: one page (limit at most MAX_LIMIT)."""
    needle = fold_query(query)
    if needle is None:
        return SearchResult(query, 0, 0, ())
    cond, params = call_scope(viewer, "c")
    who = "" if speaker is None else " AND t.speaker = ?"
    who_params = [] if speaker is None else [speaker]
    where = f"contains(t.search_text, ?){who} AND {cond}"
    args = [needle, *who_params, *params]
    with store.connect() as con:  # the count scans; the page is a top-N sort (no window over every hit)
        counted = con.execute(f"SELECT count(*), count(DISTINCT t.call_id) FROM turns t JOIN calls c USING (call_id) "
                              f"WHERE {where}", args).fetchone()
        n_turns, n_calls = (int(counted[0]), int(counted[1])) if counted else (0, 0)
        rows = [] if n_turns == 0 else con.execute(f"""
            SELECT t.call_id, c.agent_id, c.call_date, t.idx, t.speaker, t.start_s, t.end_s, t.text
            FROM turns t JOIN calls c USING (call_id) WHERE {where}
            ORDER BY c.call_date DESC NULLS LAST, c.scored_at DESC, t.call_id, t.idx
            LIMIT ? OFFSET ?""", [*args, max(1, min(limit, MAX_LIMIT)), max(0, offset)]).fetchall()
    hits = tuple(Hit(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or "", highlight_span(r[7] or "", query))
                 for r in rows)
    return SearchResult(query, n_calls, n_turns, hits)
