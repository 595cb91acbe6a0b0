"""Shared set-up of the review tests: viewers, a template database with the sample calls and two teams, a
fresh copy per test, and small readers of the review tables."""
from __future__ import annotations

from pathlib import Path

import pytest
from apphelp import copy_store, sample_store

from qa.accounts.access import Viewer
from qa.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
SUP = Viewer("sup", "supervisor")
ADMIN = Viewer("admin", "admin")
LAN = Viewer("lan", "agent", "agent_lan")  # vi_complaint_good, vi_request
TOM = Viewer("tom", "agent", "agent_tom")  # en_complaint_bad
TEAM_SUP = Viewer("north", "supervisor", teams=("north",))  # sees agent_tom only (see `db`)
LAN_CALL, TOM_CALL = "vi_complaint_good", "en_complaint_bad"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = sample_store(tmp_path_factory.mktemp("assess") / "template.duckdb")
    with Store(path).transaction() as con:
        con.execute("INSERT INTO agents VALUES ('agent_tom', 'Tom', 'north'), ('agent_lan', 'Lan', 'south')")
    return path


@pytest.fixture
def store(template, tmp_path):
    return copy_store(template, tmp_path, "qa.duckdb")


def state_of(store, call_id):
    with store.connect() as con:
        row = con.execute("SELECT state FROM assessments WHERE call_id = ?", [call_id]).fetchone()
    return row[0] if row else None


def n_events(store):
    with store.connect() as con:
        return con.execute("SELECT count(*) FROM assessment_events").fetchone()[0]


def auto_rows(store, call_id):
    with store.connect() as con:
        return con.execute("SELECT criterion_id, status, score FROM criterion_results WHERE call_id = ? "
                           "ORDER BY criterion_id", [call_id]).fetchall()
