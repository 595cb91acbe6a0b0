"""Schema migrations: registered, numbered steps, each applied once inside its own transaction."""
from __future__ import annotations

from typing import Any, Callable

Migration = tuple[int, str, Callable[[Any], None]]
MIGRATIONS: list[Migration] = []


def migration(version: int, name: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register `fn(connection)` as schema step `version`."""
    def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        assert all(v != version for v, _, _ in MIGRATIONS), f"duplicate migration {version}"
        MIGRATIONS.append((version, name, fn))
        MIGRATIONS.sort(key=lambda m: m[0])
        return fn
    return register


@migration(1, "calls, turns, scorecards, criterion results, evidence, runs, failures")
def _initial(con: Any) -> None:
    con.execute("""
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP, command TEXT,
            settings TEXT, code_version TEXT, n_done INTEGER, n_failed INTEGER)""")
    con.execute("""
        CREATE TABLE calls (
            call_id TEXT PRIMARY KEY, source TEXT NOT NULL, source_path TEXT, audio_path TEXT, sha256 TEXT,
            language TEXT, agent_id TEXT, duration DOUBLE, roles TEXT, asr TEXT, extra TEXT,
            run_id TEXT, scored_at TIMESTAMP)""")
    con.execute("""
        CREATE TABLE turns (
            call_id TEXT NOT NULL, idx INTEGER NOT NULL, speaker TEXT NOT NULL, start_s DOUBLE, end_s DOUBLE,
            text TEXT, channel INTEGER, confidence DOUBLE, low_confidence BOOLEAN, words TEXT, extra TEXT,
            sentiment_label TEXT, sentiment_score DOUBLE, sentiment_polarity DOUBLE, sentiment_language TEXT,
            sentiment_backend TEXT, criteria TEXT, PRIMARY KEY (call_id, idx))""")
    con.execute("""
        CREATE TABLE scorecards (
            call_id TEXT PRIMARY KEY, rubric_id TEXT, rubric_version TEXT, total DOUBLE, flags TEXT,
            models TEXT, code_version TEXT, run_id TEXT, scored_at TIMESTAMP)""")
    con.execute("""
        CREATE TABLE criterion_results (
            call_id TEXT NOT NULL, criterion_id TEXT NOT NULL, position INTEGER, name TEXT, status TEXT,
            score DOUBLE, weight DOUBLE, reason TEXT, PRIMARY KEY (call_id, criterion_id))""")
    con.execute("""
        CREATE TABLE evidence (
            call_id TEXT NOT NULL, criterion_id TEXT NOT NULL, seq INTEGER NOT NULL, turn INTEGER,
            start_s DOUBLE, end_s DOUBLE, text TEXT, phrase TEXT, kind TEXT,
            PRIMARY KEY (call_id, criterion_id, seq))""")
    con.execute("""
        CREATE TABLE failures (
            path TEXT NOT NULL, run_id TEXT, error TEXT, failed_at TIMESTAMP)""")


METRIC_COLUMNS = (
    ("handling_time", "DOUBLE"), ("agent_talk", "DOUBLE"), ("customer_talk", "DOUBLE"), ("talk_ratio", "DOUBLE"),
    ("silence_share", "DOUBLE"), ("longest_silence", "DOUBLE"), ("holds", "INTEGER"), ("hold_time", "DOUBLE"),
    ("longest_hold", "DOUBLE"), ("agent_interruptions", "INTEGER"), ("customer_interruptions", "INTEGER"),
    ("overlap", "DOUBLE"), ("first_response_latency", "DOUBLE"), ("mean_response_latency", "DOUBLE"),
    ("agent_speech_rate", "DOUBLE"), ("customer_speech_rate", "DOUBLE"), ("customer_sentiment_start", "DOUBLE"),
    ("customer_sentiment_end", "DOUBLE"), ("customer_label_start", "TEXT"), ("customer_label_end", "TEXT"),
    ("turned_around", "BOOLEAN"), ("hold_spans", "TEXT"), ("interruption_turns", "TEXT"), ("prosody", "TEXT"))


@migration(2, "conversation metrics per call, service level, critical items")
def _metrics_and_levels(con: Any) -> None:
    cols = ", ".join(f"{name} {kind}" for name, kind in METRIC_COLUMNS)
    con.execute(f"CREATE TABLE call_metrics (call_id TEXT PRIMARY KEY, {cols})")
    con.execute("ALTER TABLE scorecards ADD COLUMN service_level INTEGER")
    con.execute("ALTER TABLE scorecards ADD COLUMN service_label TEXT")
    con.execute("ALTER TABLE criterion_results ADD COLUMN critical BOOLEAN DEFAULT FALSE")


@migration(4, "batch file statuses, batch run summaries, notes")
def _batch(con: Any) -> None:
    # One row per input file: its content hash is the key of the call it holds (a changed file is a new call).
    con.execute("""
        CREATE TABLE batch_files (
            path TEXT PRIMARY KEY, sha256 TEXT, size BIGINT, mtime_ns BIGINT, call_id TEXT,
            status TEXT NOT NULL, reason TEXT, attempts INTEGER, run_id TEXT, agent_id TEXT, call_date TEXT,
            customer_id TEXT, meta TEXT, audio_seconds DOUBLE, updated_at TIMESTAMP)""")
    con.execute("""
        CREATE TABLE batch_runs (
            run_id TEXT PRIMARY KEY, engine TEXT, workers INTEGER, n_files INTEGER, n_done INTEGER,
            n_failed INTEGER, n_skipped INTEGER, audio_seconds DOUBLE, wall_seconds DOUBLE,
            finished_at TIMESTAMP)""")
    # Notes on calls (reviewers, the app). Not a call table: re-scoring a call keeps its notes.
    con.execute("CREATE SEQUENCE note_ids START 1")
    con.execute("""
        CREATE TABLE notes (
            note_id BIGINT PRIMARY KEY DEFAULT nextval('note_ids'), call_id TEXT NOT NULL, author TEXT NOT NULL,
            text TEXT NOT NULL, created_at TIMESTAMP)""")
