"""Validate a rubric against a team's labelled calls: per-criterion precision, recall, F1 and confusion tables,
and the calls where the rubric and the labels disagree, with the rubric's evidence.

Labels are JSON files, one per call: {"call_id": str, "listen": "pass"|"fail"|"na", "apologize": ..., ...,
"evidence": {criterion: [turn indices]}} ("evidence" optional); a criterion missing from a label file is not
evaluated for that call. A `split.json` ({"dev": [call ids], "test": [call ids]}) restricts the evaluation to
one split, so that rules are tuned on "dev" only and "test" stays an honest measure.

Per criterion: confusion, precision/recall/F1 per status, macro-F1 (mean F1 over the statuses present in the
labels or the predictions), and evidence precision: over calls where the label and the rubric both say pass
and the label lists evidence turns, the share of the turns the rubric cites (its evidence "for") that are in
the labelled list.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

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


def load_label_evidence(folder: str) -> dict[str, dict[str, frozenset[int]]]:
    """call_id -> {criterion: the labelled evidence turns} from the label files' optional "evidence" field."""
    out: dict[str, dict[str, frozenset[int]]] = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        ev = data.get("evidence") if isinstance(data, dict) else None
        if ev is None:
            continue
        if not isinstance(ev, dict) or not all(isinstance(v, list) and all(isinstance(t, int) for t in v)
                                               for v in ev.values()):
            raise InputError(path, "field 'evidence' is not {criterion: [turn indices]}",
                             'write e.g. "evidence": {"listen": [3], "solve": [7, 9]}')
        out[data["call_id"]] = {k: frozenset(v) for k, v in ev.items()}
    return out


SPLITS = ("dev", "test", "all")


def load_split(path: str) -> dict[str, frozenset[str]]:
    """{"dev": ids, "test": ids} from a split.json file; errors name the file."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, f"cannot be read as a split file ({exc})",
                         'expected {"dev": ["call-1", ...], "test": ["call-2", ...]}') from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ("dev", "test")):
        raise InputError(path, "needs lists 'dev' and 'test' of call ids",
                         'expected {"dev": ["call-1", ...], "test": ["call-2", ...]}')
    return {k: frozenset(map(str, data[k])) for k in ("dev", "test")}


def find_split_file(*folders: str) -> str | None:
    """The split.json next to (or in) the given folders, the first found."""
    for folder in folders:
        for candidate in (os.path.join(folder, "split.json"), os.path.join(os.path.dirname(os.path.abspath(folder)),
                                                                             "split.json")):
            if os.path.isfile(candidate):
                return candidate
    return None


def select_split(labels: dict[str, Any], split: str, splits: dict[str, frozenset[str]] | None) -> dict[str, Any]:
    """The labels of one split ("all": every labelled call)."""
    if split == "all":
        return labels
    if splits is None:
        raise InputError("--split", f"split {split!r} asked for but no split.json was found",
                         "put split.json beside the labels folder, pass --split-file, or use --split all")
    return {k: v for k, v in labels.items() if k in splits[split]}


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

    def present(self) -> list[str]:
        """The statuses that occur in the labels or the predictions."""
        return [s for s in STATUSES if sum(self.confusion[s].values()) or sum(self.confusion[a][s] for a in STATUSES)]

    @property
    def macro_f1(self) -> float | None:
        """Mean F1 over the statuses present (a status never labelled but predicted counts with F1 0)."""
        scores = [self.scores(s)[2] or 0.0 for s in self.present()]
        return sum(scores) / len(scores) if scores else None

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


def cited_turns(r: CriterionResult) -> frozenset[int]:
    """The turns a result cites as having earned its point (its evidence "for")."""
    return frozenset(e.turn for e in r.evidence if e.kind == "for")


def evidence_precision(predicted: dict[str, list[CriterionResult]], labels: dict[str, dict[str, str]],
                       evidence: dict[str, dict[str, frozenset[int]]]) -> dict[str, tuple[int, int]]:
    """criterion -> (cited turns in the labelled evidence, cited turns), over the calls where the label and the
    rubric both say pass and the label lists evidence for that criterion."""
    out: dict[str, tuple[int, int]] = {}
    for call_id, wanted in labels.items():
        for r in predicted.get(call_id, []):
            gold = evidence.get(call_id, {}).get(r.id)
            if wanted.get(r.id) != PASS or r.status != PASS or not gold:
                continue
            cited = cited_turns(r)
            hit, total = out.get(r.id, (0, 0))
            out[r.id] = (hit + len(cited & gold), total + len(cited))
    return out


def summary(reports: list[CriterionReport], precision: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """{criterion: {macro_f1, accuracy, n, evidence_precision, confusion}} (JSON-ready)."""
    out: dict[str, Any] = {}
    for rep in reports:
        hit, total = precision.get(rep.id, (0, 0))
        out[rep.id] = {"macro_f1": _round(rep.macro_f1), "accuracy": _round(rep.accuracy), "n": rep.n,
                       "evidence_precision": _round(hit / total if total else None), "evidence_cited": total,
                       "confusion": rep.confusion}
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def format_summary(rows: dict[str, dict[str, Any]]) -> str:
    """Table: one row per criterion (macro-F1, accuracy, evidence precision)."""
    lines = ["criterion   macro-F1  accuracy  evidence precision  (n)"]
    for crit, row in rows.items():
        def pct(x: float | None) -> str:
            return "   —" if x is None else f"{100 * x:4.0f}%"
        lines.append(f"{crit:<11} {pct(row['macro_f1']):>8}  {pct(row['accuracy']):>8}  "
                     f"{pct(row['evidence_precision']):>8} of {row['evidence_cited']:<3} turns  ({row['n']})")
    return "\n".join(lines)


def format_report(reports: list[CriterionReport], disagreements: list[Disagreement], unscored: list[str]) -> str:
    def pct(x: float | None) -> str:
        return "   —" if x is None else f"{100 * x:4.0f}"

    lines = ["criterion   status  precision recall   F1   (n)"]
    for rep in reports:
        for s in STATUSES:
            p, r, f = rep.scores(s)
            support = sum(rep.confusion[s].values())
            lines.append(f"{rep.id:<11} {s:<7} {pct(p):>8}% {pct(r):>5}% {pct(f):>4}%  ({support})")
        lines.append(f"{rep.id:<11} accuracy {pct(rep.accuracy)}% over {rep.n} call(s), macro-F1 {pct(rep.macro_f1)}%")
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
