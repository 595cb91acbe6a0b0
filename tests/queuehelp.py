"""A small store for the queue and dashboard tests: the sample transcripts scored again as 13 calls of three
agents (teams north and south) over two ISO weeks, with low-confidence turns, uncertain roles, assessments
and supervisor overrides."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from qa.accounts.auth import add_user
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.store.database import Store
from qa.store.in_force import refresh

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
AGENTS = {"a1": "north", "a2": "north", "a3": "south"}
# call_id: (sample transcript, agent, call date (from the recording's path), low-confidence turns, roles confidence)
CALLS = {
    "a1_w1_1": ("en_complaint_bad", "a1", "2026-11-02", 0, 1.0),
    "a1_w1_2": ("en_complaint_good", "a1", "2026-11-03", 0, 1.0),
    "a1_w1_3": ("en_request", "a1", "2026-11-04", 2, 1.0),
    "a1_w2_1": ("vi_complaint_good", "a1", "2026-11-10", 0, 1.0),
    "a1_w2_2": ("mixed_complaint_good", "a1", "2026-11-11", 0, 1.0),
    "a2_w1_1": ("vi_complaint_bad", "a2", "2026-11-05", 0, 1.0),
    "a2_w1_2": ("vi_request", "a2", "2026-11-06", 0, 0.6),
    "a2_w2_1": ("en_complaint_good", "a2", "2026-11-12", 0, 1.0),
    "a3_w1_1": ("en_complaint_bad", "a3", "2026-11-08", 0, 1.0),
    "a3_w2_1": ("vi_complaint_good", "a3", "2026-11-09", 0, 1.0),
    "a3_w2_2": ("en_request", "a3", "2026-11-13", 0, 1.0),
    "a3_w2_3": ("vi_complaint_bad", "a3", "2026-11-14", 0, 1.0),
    "a3_w2_4": ("mixed_complaint_good", "a3", "2026-11-15", 0, 1.0),
}
WEEK1, WEEK2 = (date(2026, 11, 2), date(2026, 11, 8)), (date(2026, 11, 9), date(2026, 11, 15))
STATES = {"a1_w1_1": "draft", "a2_w1_1": "final", "a3_w2_1": "disputed"}
# (call, criterion, override status) in order; the newest row of a criterion is in force, None withdraws.
OVERRIDES = [("a1_w1_1", "listen", "pass"), ("a3_w1_1", "listen", "pass"), ("a3_w1_1", "listen", None)]
# user -> (role, agent_id, supervisor teams)
USERS = {"admin": ("admin", None, ()), "sup": ("supervisor", None, ()), "nsup": ("supervisor", None, ("north",)),
         "ann": ("agent", "a1", ())}


def build_store(path: Path) -> Store:
    """Score the CALLS through the pipeline into a DuckDB file at `path`, with agents, users, assessments and
    overrides."""
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    pipeline, store = Pipeline(settings), Store(str(path))
    templates = {name: pipeline.import_transcript(str(ROOT / "sample_calls" / "transcripts" / f"{name}.json"))
                 for name, *_ in CALLS.values()}
    for call_id, (name, agent, day, n_low, roles_confidence) in CALLS.items():
        t = copy.deepcopy(templates[name])
        t.call_id, t.agent_id = call_id, agent
        t.extra["path_meta"] = {"agent_id": agent, "date": day}
        for turn in t.turns[:n_low]:
            turn.low_confidence = True
        t.roles = {**t.roles, "confidence": roles_confidence}
        store.save(pipeline.score(t))
    with store.transaction() as con:
        for agent, team in AGENTS.items():
            con.execute("INSERT INTO agents VALUES (?, ?, ?)", [agent, f"Agent {agent}", team])
        for call_id, state in STATES.items():
            con.execute("INSERT INTO assessments VALUES (?, ?, 'sup', now(), now())", [call_id, state])
        for call_id, criterion, status in OVERRIDES:
            con.execute("INSERT INTO overrides (call_id, criterion_id, auto_status, status, reason, author, created_at)"
                        " VALUES (?, ?, 'fail', ?, 'checked the recording', 'sup', now())", [call_id, criterion, status])
        refresh(con, [call_id for call_id, _, _ in OVERRIDES])  # what qa.review.overrides does after each override
    for name, (role, agent_id, teams) in USERS.items():
        add_user(store, name, PASSWORD, role, agent_id=agent_id, teams=teams)
    return store
