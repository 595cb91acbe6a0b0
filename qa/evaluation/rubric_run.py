"""Score labelled calls (clean or as ASR-like variants) and measure the rubric against the labels.

`evaluate` is what `callqa eval rubric` runs: for each noise variant (`qa.evaluation.noise`), every labelled
transcript is changed, its speaker roles decided again when the variant hid them, scored by the pipeline's
rubric, and compared with the labels (macro-F1 per criterion, evidence precision).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from qa.evaluation.noise import apply_variant
from qa.evaluation.rubric import CriterionReport, Disagreement, compare, evidence_precision, summary
from transcribe.speakers import decide_turn_roles
from transcribe.types import ROLES, Transcript

# variants whose turns are the labelled turns (evidence precision is measured on these only)
SAME_TURNS = ("clean", "lower", "no_diacritics", "fillers", "wer10", "wer20", "no_speakers")


@dataclass
class VariantResult:
    variant: str
    reports: list[CriterionReport]
    disagreements: list[Disagreement]
    unscored: list[str]
    rows: dict[str, Any]
    # slice (the calls' `source` up to ":", e.g. "hvb", "written") -> its rows, when asked for
    slices: dict[str, dict[str, Any]] = field(default_factory=dict)


def _roles(pipeline: Any, t: Transcript) -> Transcript:
    if all(x.speaker in ROLES for x in t.turns):
        return t
    turns, _ = decide_turn_roles(t.turns, pipeline.settings.roles)
    return replace(t, turns=turns)


def evaluate(pipeline: Any, transcripts: Sequence[Transcript], labels: dict[str, dict[str, str]],
             evidence: dict[str, dict[str, frozenset[int]]], variants: Sequence[str] = ("clean",),
             seed: int = 0, by_source: bool = False) -> list[VariantResult]:
    """One `VariantResult` per variant, over the transcripts that have labels; with `by_source`, also the
    figures of each slice of calls that share a source (`slice_of`)."""
    out = []
    chosen = [t for t in transcripts if t.call_id in labels]
    groups: dict[str, set[str]] = {}
    if by_source:
        for t in chosen:
            groups.setdefault(slice_of(t), set()).add(t.call_id)
    for variant in variants:
        predicted = {}
        for t in chosen:
            noisy = _roles(pipeline, apply_variant(variant, t, seed))
            predicted[t.call_id] = pipeline.score(noisy).scorecard.criteria
        reports, disagreements, unscored = compare(predicted, labels)
        precision = evidence_precision(predicted, labels, evidence) if variant in SAME_TURNS else {}
        result = VariantResult(variant, reports, disagreements, unscored, summary(reports, precision))
        for name, ids in sorted(groups.items()):
            part = {k: v for k, v in predicted.items() if k in ids}
            part_labels = {k: v for k, v in labels.items() if k in ids}
            part_reports, _, _ = compare(part, part_labels)
            part_precision = evidence_precision(part, part_labels, evidence) if variant in SAME_TURNS else {}
            result.slices[name] = summary(part_reports, part_precision)
        out.append(result)
    return out


def slice_of(t: Transcript) -> str:
    """The slice a labelled call belongs to: its file's `source` field up to the first ":" ("hvb:0b59…" ->
    "hvb", "written:helper2" -> "written"), else "unknown"."""
    source = t.extra.get("source") if isinstance(t.extra, dict) else None
    return str(source).split(":", 1)[0][:40] or "unknown" if source else "unknown"
