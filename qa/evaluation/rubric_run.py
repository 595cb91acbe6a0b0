"""Score labelled calls (clean or as ASR-like variants) and measure the rubric against the labels.

`evaluate` is what `callqa eval rubric` runs: for each noise variant (`qa.evaluation.noise`), every labelled
transcript is changed, its speaker roles decided again when the variant hid them, scored by the pipeline's
rubric, and compared with the labels (macro-F1 per criterion, evidence precision).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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


def _roles(pipeline: Any, t: Transcript) -> Transcript:
    if all(x.speaker in ROLES for x in t.turns):
        return t
    turns, _ = decide_turn_roles(t.turns, pipeline.settings.roles)
    return replace(t, turns=turns)


def evaluate(pipeline: Any, transcripts: Sequence[Transcript], labels: dict[str, dict[str, str]],
             evidence: dict[str, dict[str, frozenset[int]]], variants: Sequence[str] = ("clean",),
             seed: int = 0) -> list[VariantResult]:
    """One `VariantResult` per variant, over the transcripts that have labels."""
    out = []
    chosen = [t for t in transcripts if t.call_id in labels]
    for variant in variants:
        predicted = {}
        for t in chosen:
            noisy = _roles(pipeline, apply_variant(variant, t, seed))
            predicted[t.call_id] = pipeline.score(noisy).scorecard.criteria
        reports, disagreements, unscored = compare(predicted, labels)
        precision = evidence_precision(predicted, labels, evidence) if variant in SAME_TURNS else {}
        out.append(VariantResult(variant, reports, disagreements, unscored, summary(reports, precision)))
    return out
