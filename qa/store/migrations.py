"""Schema migrations: registered, numbered steps, each applied once inside its own transaction."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


@migration(5, "users, teams, agents, sign-in sessions")
def _users(con: Any) -> None:
    # role: admin | supervisor | agent. An agent user is linked to the agent_id its calls carry.
    con.execute("""
        CREATE TABLE users (
            username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, agent_id TEXT,
            display_name TEXT, active BOOLEAN NOT NULL DEFAULT TRUE, created_at TIMESTAMP,
            password_changed_at TIMESTAMP)""")
    # A supervisor with rows here sees only the calls of agents in these teams; none: every team.
    con.execute("CREATE TABLE user_teams (username TEXT NOT NULL, team TEXT NOT NULL, PRIMARY KEY (username, team))")
    con.execute("CREATE TABLE agents (agent_id TEXT PRIMARY KEY, name TEXT, team TEXT)")
    # Only a hash of the session token is stored: a copy of the database does not sign anyone in.
    con.execute("""
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, created_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL)""")


@migration(6, "assessments, overrides, audit events, coaching notes, calibration")
def _reviews(con: Any) -> None:
    # One assessment per call: Draft -> Shared -> Acknowledged | Disputed -> Final. Every change is an event.
    con.execute("""
        CREATE TABLE assessments (
            call_id TEXT PRIMARY KEY, state TEXT NOT NULL, reviewer TEXT, created_at TIMESTAMP,
            updated_at TIMESTAMP)""")
    con.execute("CREATE SEQUENCE assessment_event_ids START 1")
    con.execute("""
        CREATE TABLE assessment_events (
            event_id BIGINT PRIMARY KEY DEFAULT nextval('assessment_event_ids'), call_id TEXT NOT NULL,
            actor TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT, to_state TEXT, comment TEXT,
            created_at TIMESTAMP NOT NULL)""")
    # A supervisor's override sits beside the automatic result (kept in criterion_results, and copied here as
    # auto_status at the time of the override). Rows are never updated: the newest row of a criterion is in force;
    # status NULL withdraws an override.
    con.execute("CREATE SEQUENCE override_ids START 1")
    con.execute("""
        CREATE TABLE overrides (
            override_id BIGINT PRIMARY KEY DEFAULT nextval('override_ids'), call_id TEXT NOT NULL,
            criterion_id TEXT NOT NULL, auto_status TEXT, status TEXT, reason TEXT NOT NULL, author TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL)""")
    # Coaching notes: on the whole call (turn_idx NULL) or on one turn; kind 'coaching' is shown to the agent
    # once the assessment is shared, kind 'private' only to supervisors.
    con.execute("ALTER TABLE notes ADD COLUMN turn_idx INTEGER")
    con.execute("ALTER TABLE notes ADD COLUMN kind TEXT DEFAULT 'coaching'")
    con.execute("CREATE SEQUENCE calibration_ids START 1")
    con.execute("""
        CREATE TABLE calibration_sessions (
            session_id BIGINT PRIMARY KEY DEFAULT nextval('calibration_ids'), call_id TEXT NOT NULL,
            title TEXT, created_by TEXT NOT NULL, created_at TIMESTAMP NOT NULL, closed_at TIMESTAMP)""")
    # Blind ratings: a rater sees others' ratings only after submitting (or once the session is closed).
    con.execute("""
        CREATE TABLE calibration_ratings (
            session_id BIGINT NOT NULL, rater TEXT NOT NULL, criterion_id TEXT NOT NULL, status TEXT NOT NULL,
            rated_at TIMESTAMP NOT NULL, PRIMARY KEY (session_id, rater, criterion_id))""")


@migration(7, "call date (the recording's date from its path, else the day it was scored) for the queue and dashboard")
def _call_date(con: Any) -> None:
    con.execute("ALTER TABLE calls ADD COLUMN call_date DATE")
    con.execute("""
        UPDATE calls SET call_date = coalesce(
            try_cast(json_extract_string(extra, '$.path_meta.date') AS DATE),
            try_cast(json_extract_string(extra, '$.date') AS DATE), CAST(scored_at AS DATE))""")


@migration(8, "each call's results in force (criteria passed and failed, total and service level with overrides)")
def _in_force(con: Any) -> None:
    from qa.store.in_force import rebuild

    for name in ("auto_passed", "auto_failed", "passed", "failed"):
        con.execute(f"ALTER TABLE scorecards ADD COLUMN {name} VARCHAR[]")
    con.execute("ALTER TABLE scorecards ADD COLUMN reviewed_total DOUBLE")
    con.execute("ALTER TABLE scorecards ADD COLUMN reviewed_level INTEGER")
    con.execute("ALTER TABLE scorecards ADD COLUMN reviewed_label TEXT")
    rebuild(con)


@migration(9, "each call's recording by content hash in the product's media store (qa.store.media)")
def _media(con: Any) -> None:
    con.execute("ALTER TABLE calls ADD COLUMN media TEXT")


@migration(10, "failed sign-in attempts (throttling per user and per client)")
def _sign_in_failures(con: Any) -> None:
    con.execute("CREATE TABLE sign_in_failures (username TEXT, client TEXT, failed_at TIMESTAMP)")
    con.execute("CREATE INDEX sign_in_failures_at ON sign_in_failures (failed_at)")


@migration(11, "customer survey results per call and each call's customer key (a keyed hash) for repeat calls")
def _kpis(con: Any) -> None:
    # One survey per call: from the transcript's own fields (source 'transcript') or `callqa kpis import` (source
    # 'import', which a transcript's fields never replace). Not a call table: a re-score keeps it.
    con.execute("""
        CREATE TABLE call_kpis (
            call_id TEXT PRIMARY KEY, csat INTEGER, nps INTEGER, ces INTEGER, source TEXT NOT NULL, file TEXT,
            imported_at TIMESTAMP NOT NULL)""")
    # Who the customer is, as a keyed BLAKE2b hash of their id or phone number (qa.pipeline.kpis); never the number.
    con.execute("CREATE TABLE call_customers (call_id TEXT PRIMARY KEY, customer_key TEXT NOT NULL, "
                "key_source TEXT NOT NULL)")
    con.execute("CREATE INDEX call_customers_key ON call_customers (customer_key)")


@migration(12, "scorecards.rubric_sha256: the content hash of the rubric that scored each call (from models)")
def _rubric_sha256(con: Any) -> None:
    con.execute("ALTER TABLE scorecards ADD COLUMN rubric_sha256 TEXT")
    con.execute("UPDATE scorecards SET rubric_sha256 = json_extract_string(models, '$.rubric.sha256')")


@migration(13, "sessions: revoked_at (sign-out revokes the token); users: language (the UI language they chose)")
def _session_revoke_and_language(con: Any) -> None:
    con.execute("ALTER TABLE sessions ADD COLUMN revoked_at TIMESTAMP")
    con.execute("ALTER TABLE users ADD COLUMN language TEXT")


@migration(14, "dispute_criteria: the criteria an agent's dispute names, and each criterion's decision when resolved")
def _dispute_criteria(con: Any) -> None:
    # One row per criterion of a dispute event (verdict 'disputed': the agent named it) or of a resolve event
    # (verdict 'accept': the result in force changed from before_status to after_status by override_id; 'reject':
    # it stays before_status). Rows are never updated; the events are in assessment_events (qa.review.disputes).
    con.execute("""
        CREATE TABLE dispute_criteria (
            event_id BIGINT NOT NULL, call_id TEXT NOT NULL, criterion_id TEXT NOT NULL, verdict TEXT NOT NULL,
            auto_status TEXT, before_status TEXT, after_status TEXT, reason TEXT, override_id BIGINT,
            PRIMARY KEY (event_id, criterion_id))""")


@migration(16, "turns.search_text: each turn's words folded for search (qa.store.search_text), filled for stored turns")
def _search_text(con: Any) -> None:
    from qa.store.search_text import fold

    con.execute("ALTER TABLE turns ADD COLUMN search_text TEXT")
    con.create_function("callqa_fold", fold, ["VARCHAR"], "VARCHAR", null_handling="special")
    try:
        con.execute("UPDATE turns SET search_text = callqa_fold(text)")
    finally:
        con.remove_function("callqa_fold")


@migration(17, "review assignments per reviewer and ISO week, and reviewers' weekly goals (qa.review.assignments)")
def _assignments(con: Any) -> None:
    con.execute("""
        CREATE TABLE assignments (
            call_id TEXT NOT NULL, reviewer TEXT NOT NULL, week DATE NOT NULL, assigned_by TEXT NOT NULL,
            assigned_at TIMESTAMP NOT NULL, PRIMARY KEY (call_id, reviewer, week))""")
    con.execute("CREATE TABLE review_goals (reviewer TEXT PRIMARY KEY, weekly_goal INTEGER NOT NULL, set_by TEXT, "
                "set_at TIMESTAMP)")


@migration(18, "saved queue views per user: a name and the view's URL parameters (qa.review.saved_views)")
def _saved_views(con: Any) -> None:
    con.execute("CREATE TABLE saved_views (username TEXT NOT NULL, name TEXT NOT NULL, params TEXT NOT NULL, "
                "created_at TIMESTAMP NOT NULL, PRIMARY KEY (username, name))")


@migration(19, "what each person has read of their notifications, kept across sessions (qa.review.notifications)")
def _notice_reads(con: Any) -> None:
    con.execute("CREATE TABLE notice_reads (username TEXT NOT NULL, call_id TEXT NOT NULL, read_at TIMESTAMP NOT NULL, "
                "PRIMARY KEY (username, call_id))")
