"""Validate a rubric against a team's labelled calls: per-criterion precision, recall, F1 and confusion tables,
and the calls where the rubric and the labels disagree, with the rubric's evidence.

Labels are JSON files, one per call: {"call_id": str, "listen": "pass"|"fail"|"na", "apologize": ..., ...};
a criterion missing from a label file is not evaluated for that call.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from scoring.types import FAIL, NA, PASS, CriterionResult
from transcribe.errors import InputError

STATUSES = (PASS, FAIL, NA)
LABEL_SHAPE = '{"call_id": "c-001", "listen": "pass", "apologize": "na", "solve": "fail", "thank": "pass"}'


def load_labels(folder: str, criteria: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """call_id -> {criterion: status} from every *.json file in `folder`."""
    if not os.path.isdir(folder):
        raise InputError(folder, "is not a folder of label files", f"give a folder of JSON files like {LABEL_SHAPE}")
    labels: dict[str, dict[str, str]] = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(path, f"cannot be read as JSON ({exc})", f"expected {LABEL_SHAPE}") from None
        if not isinstance(data, dict) or not isinstance(data.get("call_id"), str):
            raise InputError(path, "needs a string field 'call_id'", f"expected {LABEL_SHAPE}")
        row = {}
        for key in criteria:
            if key in data:
                value = str(data[key]).strip().lower()
                if value not in STATUSES:
                    raise InputError(path, f"field {key!r} is {data[key]!r}", "expected pass, fail or na")
                row[key] = value
        if not row:
            raise InputError(path, f"labels none of the rubric's criteria ({', '.join(criteria)})",
                             f"expected {LABEL_SHAPE}")
        labels[data["call_id"]] = row
    if not labels:
        raise InputError(folder, "holds no label files (*.json)", f"expected files like {LABEL_SHAPE}")
    return labels


@dataclass
class Disagreement:
    call_id: str
    criterion: str
    label: str
    predicted: str
    reason: str
    evidence: list[str]


@dataclass
class CriterionReport:
    """Confusion counts [label][predicted] and per-status precision, recall and F1."""

    id: str
    confusion: dict[str, dict[str, int]] = field(default_factory=lambda: {a: dict.fromkeys(STATUSES, 0)
                                                                           for a in STATUSES})

    def scores(self, status: str) -> tuple[float | None, float | None, float | None]:
        tp = self.confusion[status][status]
        predicted = sum(self.confusion[a][status] for a in STATUSES)
        actual = sum(self.confusion[status].values())
        p = tp / predicted if predicted else None
        r = tp / actual if actual else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return p, r, f

    @property
    def n(self) -> int:
        return sum(sum(row.values()) for row in self.confusion.values())

    @property
    def accuracy(self) -> float | None:
        return sum(self.confusion[s][s] for s in STATUSES) / self.n if self.n else None


def compare(predicted: dict[str, list[CriterionResult]], labels: dict[str, dict[str, str]]
            ) -> tuple[list[CriterionReport], list[Disagreement], list[str]]:
    """Reports per criterion, disagreements, and labelled call ids that were not scored."""
    reports: dict[str, CriterionReport] = {}
    disagreements = []
    for call_id, wanted in sorted(labels.items()):
        results = {r.id: r for r in predicted.get(call_id, [])}
        if call_id not in predicted:
            continue
        for crit, label in wanted.items():
            r = results.get(crit)
            if r is None:
                continue
            rep = reports.setdefault(crit, CriterionReport(crit))
            rep.confusion[label][r.status] += 1
            if label != r.status:
                ev = [f"[{e.kind}] turn {e.turn} {e.start:.1f}s: {e.text!r} ({e.phrase})" for e in r.evidence]
                disagreements.append(Disagreement(call_id, crit, label, r.status, r.reason, ev))
    order = [c for c in (r.id for rs in predicted.values() for r in rs) if c in reports]
    return [reports[c] for c in dict.fromkeys(order)], disagreements, sorted(set(labels) - set(predicted))


def format_report(reports: list[CriterionReport], disagreements: list[Disagreement], unscored: list[str]) -> str:
    def pct(x: float | None) -> str:
        return "   —" if x is None else f"{100 * x:4.0f}"

    lines = ["criterion   status  precision recall   F1   (n)"]
    for rep in reports:
        for s in STATUSES:
            p, r, f = rep.scores(s)
            support = sum(rep.confusion[s].values())
            lines.append(f"{rep.id:<11} {s:<7} {pct(p):>8}% {pct(r):>5}% {pct(f):>4}%  ({support})")
        lines.append(f"{rep.id:<11} accuracy {pct(rep.accuracy)}% over {rep.n} call(s)")
    lines.append("")
    for rep in reports:
        lines.append(f"{rep.id}: confusion (rows: label, columns: rubric)")
        lines.append("            " + "".join(f"{s:>6}" for s in STATUSES))
        for a in STATUSES:
            lines.append(f"  {a:<10}" + "".join(f"{rep.confusion[a][b]:>6}" for b in STATUSES))
    lines.append("")
    lines.append(f"{len(disagreements)} disagreement(s)")
    for d in disagreements:
        lines.append(f"  {d.call_id} {d.criterion}: label {d.label}, rubric {d.predicted} — {d.reason}")
        lines.extend(f"      {e}" for e in d.evidence)
    if unscored:
        lines.append(f"labelled but not found among the scored calls: {', '.join(unscored)}")
    return "\n".join(lines)
