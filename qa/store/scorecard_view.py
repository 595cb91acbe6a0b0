"""Read one stored call back as the scorecard a person reads: `CallView` (typed; the app and the CLI read its
attributes) and its JSON document (`CallView.to_dict()`, what `callqa show --json` prints)."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CallView", "CriterionView", "EvidenceView", "TurnSentiment", "TurnView", "build_scorecard"]


@dataclass(frozen=True)
class EvidenceView:
    """Words that earned or lost a criterion's point: turn index, times (s), the turn's text, the phrase found."""

    turn: int | None
    start: float | None
    end: float | None
    text: str | None
    phrase: str | None
    kind: str | None


@dataclass(frozen=True)
class CriterionView:
    """One criterion's automatic result (overrides sit beside it: `qa.review.overrides`)."""

    id: str
    name: str
    status: str
    score: float | None
    weight: float | None
    reason: str | None
    evidence: tuple[EvidenceView, ...] = ()


@dataclass(frozen=True)
class TurnSentiment:
    label: str | None
    score: float | None
    polarity: float | None
    language: str | None
    backend: str | None


@dataclass(frozen=True)
class TurnView:
    """One turn as stored: `criteria` lists the criteria whose phrases matched in it; `words` are
    [start, end, text, probability] lists."""

    index: int
    speaker: str
    start: float
    end: float
    text: str
    channel: int | None
    confidence: float | None
    low_confidence: bool
    criteria: tuple[str, ...]
    sentiment: TurnSentiment
    words: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True)
class CallView:
    """A stored call's scorecard: the call, its automatic results with evidence, its metrics and turns, and what
    produced them (models, rubric id/version/path, code version)."""

    call_id: str
    language: str
    agent_id: str | None
    source: str
    source_path: str | None
    audio_path: str | None
    sha256: str | None
    media: str | None  # the recording's key in the product's media store (qa.store.media), None: no recording
    duration: float
    total: float | None
    rubric_id: str | None
    rubric_version: str | None
    rubric: dict[str, Any]  # id, version, path, sha256 (the content hash; None: scored before it was recorded)
    models: dict[str, Any]
    code_version: str | None
    flags: tuple[str, ...]
    roles: dict[str, Any]
    scored_at: str
    run_id: str | None
    service_level: int | None
    service_label: str | None
    metrics: dict[str, Any] | None
    criteria: tuple[CriterionView, ...] = ()
    critical: tuple[CriterionView, ...] = ()
    turns: tuple[TurnView, ...] = field(default=())

    def without_results(self) -> CallView:
        """The call less everything the automatic scorer concluded (total, flags, service level, criteria,
        critical items, the criteria marked on turns): what a blind calibration rater works from."""
        return dataclasses.replace(self, total=None, flags=(), criteria=(), critical=(), service_level=None,
                                   service_label=None,
                                   turns=tuple(dataclasses.replace(t, criteria=()) for t in self.turns))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready document (`callqa show --json`): the same fields, tuples as lists."""
        return _plain(dataclasses.asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _rows(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _criterion(c: dict[str, Any], by_criterion: dict[str, list[EvidenceView]]) -> CriterionView:
    return CriterionView(id=c["criterion_id"], name=c["name"], status=c["status"], score=c["score"],
                         weight=c["weight"], reason=c["reason"],
                         evidence=tuple(by_criterion.get(c["criterion_id"], [])))


def _turn(t: dict[str, Any]) -> TurnView:
    return TurnView(index=t["idx"], speaker=t["speaker"], start=t["start_s"], end=t["end_s"], text=t["text"],
                    channel=t["channel"], confidence=t["confidence"], low_confidence=bool(t["low_confidence"]),
                    criteria=tuple(json.loads(t["criteria"] or "[]")),
                    sentiment=TurnSentiment(t["sentiment_label"], t["sentiment_score"], t["sentiment_polarity"],
                                            t["sentiment_language"], t["sentiment_backend"]),
                    words=tuple(tuple(w) for w in json.loads(t["words"] or "[]")))


def build_scorecard(con: Any, call_id: str) -> CallView | None:
    """Assemble call, turns, criteria with evidence and model/rubric versions for `call_id` (None: not stored)."""
    calls = _rows(con, "SELECT * FROM calls WHERE call_id = ?", [call_id])
    if not calls:
        return None
    call = calls[0]
    card = (_rows(con, "SELECT * FROM scorecards WHERE call_id = ?", [call_id]) or [{}])[0]
    criteria = _rows(con, "SELECT * FROM criterion_results WHERE call_id = ? ORDER BY position", [call_id])
    evidence = _rows(con, "SELECT * FROM evidence WHERE call_id = ? ORDER BY criterion_id, seq", [call_id])
    turns = _rows(con, "SELECT * FROM turns WHERE call_id = ? ORDER BY idx", [call_id])
    by_criterion: dict[str, list[EvidenceView]] = {}
    for e in evidence:
        by_criterion.setdefault(e["criterion_id"], []).append(
            EvidenceView(e["turn"], e["start_s"], e["end_s"], e["text"], e["phrase"], e["kind"]))
    metric_rows = _rows(con, "SELECT * FROM call_metrics WHERE call_id = ?", [call_id])
    metrics = metric_rows[0] if metric_rows else None
    if metrics is not None:
        metrics.pop("call_id")
        for key in ("hold_spans", "interruption_turns", "prosody"):
            metrics[key] = json.loads(metrics[key] or "[]")
    models = json.loads(card.get("models") or "{}")
    rubric = models.get("rubric", {})
    return CallView(
        call_id=call["call_id"], language=call["language"], agent_id=call["agent_id"], source=call["source"],
        source_path=call["source_path"], audio_path=call["audio_path"], sha256=call["sha256"],
        media=call.get("media"), duration=call["duration"], total=card.get("total"), rubric_id=card.get("rubric_id"),
        rubric_version=card.get("rubric_version"),
        rubric={"id": card.get("rubric_id"), "version": card.get("rubric_version"), "path": rubric.get("path"),
                "sha256": card.get("rubric_sha256")},
        models=models, code_version=card.get("code_version"), flags=tuple(json.loads(card.get("flags") or "[]")),
        roles=json.loads(call["roles"] or "{}"), scored_at=str(card.get("scored_at")), run_id=card.get("run_id"),
        service_level=card.get("service_level"), service_label=card.get("service_label"), metrics=metrics,
        criteria=tuple(_criterion(c, by_criterion) for c in criteria if not c.get("critical")),
        critical=tuple(_criterion(c, by_criterion) for c in criteria if c.get("critical")),
        turns=tuple(_turn(t) for t in turns))
