"""Read one stored call back as the scorecard document that `callqa show --json` prints and the app shows."""
from __future__ import annotations

import json
from typing import Any


def _rows(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _criterion(c: dict[str, Any], by_criterion: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"id": c["criterion_id"], "name": c["name"], "status": c["status"], "score": c["score"],
            "weight": c["weight"], "reason": c["reason"], "evidence": by_criterion.get(c["criterion_id"], [])}


def build_scorecard(con: Any, call_id: str) -> dict[str, Any] | None:
    """Assemble call, turns, criteria with evidence and model/rubric versions for `call_id`."""
    calls = _rows(con, "SELECT * FROM calls WHERE call_id = ?", [call_id])
    if not calls:
        return None
    call = calls[0]
    card = (_rows(con, "SELECT * FROM scorecards WHERE call_id = ?", [call_id]) or [{}])[0]
    criteria = _rows(con, "SELECT * FROM criterion_results WHERE call_id = ? ORDER BY position", [call_id])
    evidence = _rows(con, "SELECT * FROM evidence WHERE call_id = ? ORDER BY criterion_id, seq", [call_id])
    turns = _rows(con, "SELECT * FROM turns WHERE call_id = ? ORDER BY idx", [call_id])
    by_criterion: dict[str, list[dict[str, Any]]] = {}
    for e in evidence:
        by_criterion.setdefault(e["criterion_id"], []).append(
            {"turn": e["turn"], "start": e["start_s"], "end": e["end_s"], "text": e["text"],
             "phrase": e["phrase"], "kind": e["kind"]})
    metrics = (_rows(con, "SELECT * FROM call_metrics WHERE call_id = ?", [call_id]) or [None])[0]
    if metrics is not None:
        metrics.pop("call_id")
        for key in ("hold_spans", "interruption_turns", "prosody"):
            metrics[key] = json.loads(metrics[key] or "[]")
    models = json.loads(card.get("models") or "{}")
    rubric = models.get("rubric", {})
    return {
        "call_id": call["call_id"],
        "language": call["language"],
        "agent_id": call["agent_id"],
        "source": call["source"],
        "source_path": call["source_path"],
        "audio_path": call["audio_path"],
        "sha256": call["sha256"],
        "media": call.get("media"),
        "duration": call["duration"],
        "total": card.get("total"),
        "rubric_id": card.get("rubric_id"),
        "rubric_version": card.get("rubric_version"),
        "rubric": {"id": card.get("rubric_id"), "version": card.get("rubric_version"), "path": rubric.get("path")},
        "models": models,
        "code_version": card.get("code_version"),
        "flags": json.loads(card.get("flags") or "[]"),
        "roles": json.loads(call["roles"] or "{}"),
        "scored_at": str(card.get("scored_at")),
        "run_id": card.get("run_id"),
        "service_level": card.get("service_level"),
        "service_label": card.get("service_label"),
        "metrics": metrics,
        "criteria": [_criterion(c, by_criterion) for c in criteria if not c.get("critical")],
        "critical": [_criterion(c, by_criterion) for c in criteria if c.get("critical")],
        "turns": [{"index": t["idx"], "speaker": t["speaker"], "start": t["start_s"], "end": t["end_s"],
                   "text": t["text"], "channel": t["channel"], "confidence": t["confidence"],
                   "low_confidence": t["low_confidence"], "criteria": json.loads(t["criteria"] or "[]"),
                   "sentiment": {"label": t["sentiment_label"], "score": t["sentiment_score"],
                                 "polarity": t["sentiment_polarity"], "language": t["sentiment_language"],
                                 "backend": t["sentiment_backend"]},
                   "words": json.loads(t["words"] or "[]")}
                  for t in turns],
    }
