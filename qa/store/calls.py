"""One stored call, both ways: the rows a scored call is written as (`call_rows`, used by `Store.write_calls`) and
the call read back as the pipeline's own types (`read_transcript`, `read_call`) — the only place that knows how a
turn, its words and its sentiment are laid out in the tables."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from qa.pipeline.result import CallResult
from qa.store.in_force import SUMMARY_COLUMNS
from qa.store.migrations import METRIC_COLUMNS
from qa.store.search_text import fold
from scoring.types import Prosody, Sentiment
from transcribe.types import Transcript, Turn, Word

__all__ = ["ROW_COLUMNS", "StoredCall", "call_date", "call_rows", "read_call", "read_transcript"]

ROW_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "calls": None, "turns": None,
    "scorecards": ("call_id", "rubric_id", "rubric_version", "total", "flags", "models", "code_version", "run_id",
                   "scored_at", "service_level", "service_label") + SUMMARY_COLUMNS + ("rubric_sha256",),
    "call_metrics": ("call_id",) + tuple(n for n, _ in METRIC_COLUMNS),
    "criterion_results": ("call_id", "criterion_id", "position", "name", "status", "score", "weight", "reason",
                          "critical"),
    "evidence": None,
}


def call_date(extra: dict[str, Any], fallback: date) -> date:
    """The day a call took place: the date its file path carries (batch.path_pattern `{date}`), else an imported
    transcript's own "date" field (YYYY-MM-DD...), else `fallback` (the day it was first scored)."""
    for value in ((extra.get("path_meta") or {}).get("date"), extra.get("date")):
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            continue
    return fallback


def js(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def call_rows(result: CallResult, run_id: str | None, now: datetime,
               first_date: date | None = None) -> dict[str, list[list[Any]]]:
    """Every row one call contributes, by table (columns as in ROW_COLUMNS, or the table's order when None).
    `first_date`: the call date stored before a re-score (kept when the call carries no date of its own)."""
    t, card = result.transcript, result.scorecard
    passed = [c.id for c in card.criteria if c.status == "pass"]
    failed = [c.id for c in card.criteria if c.status == "fail"]
    rows: dict[str, list[list[Any]]] = {
        "calls": [[t.call_id, t.source, t.source_path, t.audio_path, t.sha256, t.language, t.agent_id, t.duration,
                   js(t.roles), js(t.asr), js(t.extra), run_id, now,
                   call_date(t.extra, first_date or now.date()), t.media]],
        "turns": [],
        "scorecards": [[t.call_id, card.rubric_id, card.rubric_version, card.total, js(card.flags),
                        js(result.models), result.code_version, run_id, now, card.service_level,
                        card.service_label,  # then the results in force, as automatic until refresh() sees overrides
                        passed, failed, passed, failed, card.total, card.service_level, card.service_label,
                        card.rubric_sha256]],
        "call_metrics": [], "criterion_results": [], "evidence": []}
    for i, turn in enumerate(t.turns):
        s = card.sentiments[i] if i < len(card.sentiments) else None
        rows["turns"].append([t.call_id, i, turn.speaker, turn.start, turn.end, turn.text, turn.channel,
                              turn.confidence, turn.low_confidence,
                              js([[w.start, w.end, w.text, round(w.probability, 4)] for w in turn.words]),
                              js(turn.extra), s.label if s else None, s.score if s else None,
                              s.polarity if s else None, s.language if s else None, s.backend if s else None,
                              js(card.turn_matches.get(i, [])), fold(turn.text)])
    if card.metrics is not None:
        m = card.metrics.to_dict()
        rows["call_metrics"].append([t.call_id, *(js(m[n]) if isinstance(m[n], list) else m[n]
                                                  for n, _ in METRIC_COLUMNS)])
    for pos, c in enumerate(card.criteria + card.critical):
        rows["criterion_results"].append([t.call_id, c.id, pos, c.name, c.status, c.score, c.weight, c.reason,
                                          c.critical])
        rows["evidence"].extend([t.call_id, c.id, k, e.turn, e.start, e.end, e.text, e.phrase, e.kind]
                                for k, e in enumerate(c.evidence))
    return rows



@dataclass
class StoredCall:
    """A stored call as it was scored: its transcript, per-turn sentiment (empty when it was not kept), per-turn
    voice measures (empty when the rubric did not need them) and the models that scored it."""

    transcript: Transcript
    sentiments: list[Sentiment] = field(default_factory=list)
    prosody: list[Prosody | None] = field(default_factory=list)
    models: dict[str, Any] = field(default_factory=dict)


def _dicts(cur: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _turn(t: dict[str, Any]) -> Turn:
    words = [Word(w[0], w[1], w[2], w[3] if len(w) > 3 else 1.0) for w in json.loads(t["words"] or "[]")]
    return Turn(speaker=t["speaker"], start=t["start_s"], end=t["end_s"], text=t["text"], words=words,
                channel=t["channel"], confidence=t["confidence"], low_confidence=bool(t["low_confidence"]),
                extra=json.loads(t["extra"] or "{}"))


def _sentiment(t: dict[str, Any]) -> Sentiment | None:
    if t["sentiment_label"] is None:
        return None
    return Sentiment(t["sentiment_label"], t["sentiment_score"], t["sentiment_polarity"], t["sentiment_language"],
                     t["sentiment_backend"])


def _read(con: Any, call_id: str) -> tuple[Transcript, list[dict[str, Any]]] | None:
    calls = _dicts(con.execute("SELECT * FROM calls WHERE call_id = ?", [call_id]))
    if not calls:
        return None
    call = calls[0]
    rows = _dicts(con.execute("SELECT * FROM turns WHERE call_id = ? ORDER BY idx", [call_id]))
    transcript = Transcript(call_id=call["call_id"], language=call["language"], turns=[_turn(t) for t in rows],
                            duration=call["duration"] or 0.0, source=call["source"],
                            source_path=call["source_path"] or "", agent_id=call["agent_id"],
                            audio_path=call["audio_path"], sha256=call["sha256"], media=call.get("media"),
                            asr=json.loads(call["asr"] or "{}"), roles=json.loads(call["roles"] or "{}"),
                            extra=json.loads(call["extra"] or "{}"))
    return transcript, rows


def read_transcript(con: Any, call_id: str) -> Transcript | None:
    """The `Transcript` of a stored call as it was scored, or None when `call_id` is not stored."""
    found = _read(con, call_id)
    return None if found is None else found[0]


def read_call(con: Any, call_id: str) -> StoredCall | None:
    """A stored call with its sentiment, voice measures and models, or None when `call_id` is not stored."""
    found = _read(con, call_id)
    if found is None:
        return None
    transcript, rows = found
    sentiments = [s for s in map(_sentiment, rows) if s is not None]
    row = con.execute("SELECT prosody FROM call_metrics WHERE call_id = ?", [call_id]).fetchone()
    prosody = [Prosody(**p) if p else None for p in json.loads(row[0] or "[]")] if row else []
    models = con.execute("SELECT models FROM scorecards WHERE call_id = ?", [call_id]).fetchone()
    return StoredCall(transcript, sentiments, prosody, json.loads(models[0] or "{}") if models else {})
