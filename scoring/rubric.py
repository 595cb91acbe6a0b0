"""Apply a rubric to a transcript: per-agent-turn phrase matches with evidence, rolled up per call.

Pure given its inputs (transcript, sentiments, rubric). Rules:
- a criterion passes when an agent turn matches one of its phrases (not masked by an `exclude` phrase);
- `against` phrases (e.g. "call back later" for Solve) are recorded as evidence against;
- `na_when: no_customer_problem` makes a criterion `na` when no customer turn shows a problem cue or
  negative sentiment (at or above `negative_threshold`);
- total = 100 x points earned / weight of the criteria that applied (None when none applied).
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from typing import Sequence

from scoring.phrases import find_in_turn
from scoring.rubric_schema import Criterion, Rubric, load_rubric
from scoring.types import FAIL, NA, PASS, CriterionResult, Evidence, Scorecard, Sentiment
from transcribe.errors import InputError
from transcribe.types import AGENT, CUSTOMER, Transcript

__all__ = ["Rubric", "load_rubric", "resolve_rubric", "score_transcript", "builtin_rubrics"]


def builtin_rubrics() -> list[str]:
    """Names of the rubrics shipped in `rubrics/`."""
    return sorted(p.name[:-5] for p in resources.files("rubrics").iterdir() if p.name.endswith(".yaml"))


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime: float) -> Rubric:
    return load_rubric(path)


def resolve_rubric(name_or_path: str) -> Rubric:
    """A rubric by built-in name ("last") or by file path (a team's own copy)."""
    if os.path.isfile(name_or_path):
        path = name_or_path
    elif name_or_path in builtin_rubrics():
        path = str(resources.files("rubrics") / f"{name_or_path}.yaml")
    else:
        raise InputError(name_or_path, "no such rubric file or built-in rubric",
                         f"give a YAML file path or one of: {', '.join(builtin_rubrics())}")
    return _load_cached(os.path.abspath(path), os.path.getmtime(path))


def _problem_evidence(transcript: Transcript, sentiments: Sequence[Sentiment], rubric: Rubric) -> list[Evidence]:
    """Customer turns that show a problem: a problem cue phrase, or negative sentiment."""
    cues = rubric.all_problem_cues()
    out = []
    for i, turn in enumerate(transcript.turns):
        if turn.speaker != CUSTOMER:
            continue
        hits = find_in_turn(turn, cues)
        if hits:
            m, text, start, end = hits[0]
            out.append(Evidence(i, start, end, text, m.phrase, kind="context"))
        elif i < len(sentiments) and sentiments[i].label == "negative" and sentiments[i].score >= rubric.negative_threshold:
            out.append(Evidence(i, turn.start, turn.end, turn.text, f"negative sentiment {sentiments[i].score:.2f}",
                                kind="context"))
    return out


def _criterion(c: Criterion, transcript: Transcript, problems: list[Evidence],
               turn_matches: dict[int, list[str]]) -> CriterionResult:
    name = c.name.get("en") or c.id
    if c.na_when == "no_customer_problem" and not problems:
        return CriterionResult(c.id, name, NA, None, c.weight, "the customer raised no problem or complaint")
    phrases, exclude, against = c.all_phrases(), c.all_phrases("exclude"), c.all_phrases("against")
    evidence: list[Evidence] = []
    for i, turn in transcript.agent_turns():
        refused: list = []
        for m, text, start, end in find_in_turn(turn, phrases, exclude, refused):
            evidence.append(Evidence(i, start, end, text, m.phrase, "for"))
            if c.id not in turn_matches.setdefault(i, []):
                turn_matches[i].append(c.id)
        for m, text, start, end in find_in_turn(turn, against):
            evidence.append(Evidence(i, start, end, text, m.phrase, "against"))
        for m, text, start, end in refused:
            evidence.append(Evidence(i, start, end, text, m.phrase, "not_counted"))
    evidence.sort(key=lambda e: (e.turn, e.start))
    good = [e for e in evidence if e.kind == "for"]
    bad = [e for e in evidence if e.kind == "against"]
    context = problems if c.na_when == "no_customer_problem" else []
    if good:
        reason = f"agent said {good[0].text!r} (turn {good[0].turn})"
        return CriterionResult(c.id, name, PASS, c.weight, c.weight, reason, evidence + context)
    refused_ev = [e for e in evidence if e.kind == "not_counted"]
    if bad:
        reason = f"no qualifying phrase; agent said {bad[0].text!r} (turn {bad[0].turn})"
    elif refused_ev:
        reason = (f"{refused_ev[0].text!r} (turn {refused_ev[0].turn}) does not count: it matches the exclusion "
                  f"{refused_ev[0].phrase!r}")
    elif not transcript.agent_turns():
        reason = "the agent never spoke"
    else:
        reason = "no agent turn contains a qualifying phrase"
    return CriterionResult(c.id, name, FAIL, 0.0, c.weight, reason, evidence + context)


def score_transcript(transcript: Transcript, sentiments: Sequence[Sentiment], rubric: Rubric,
                     sentiment_backends: dict | None = None) -> Scorecard:
    """Score every criterion of `rubric` on `transcript` and roll up to a weighted total 0-100."""
    problems = _problem_evidence(transcript, sentiments, rubric)
    turn_matches: dict[int, list[str]] = {}
    if not transcript.turns:
        results = [CriterionResult(c.id, c.name.get("en") or c.id, NA, None, c.weight, "no speech in the call")
                   for c in rubric.criteria]
    else:
        results = [_criterion(c, transcript, problems, turn_matches) for c in rubric.criteria]
    applied = [r for r in results if r.status != NA]
    weight = sum(r.weight for r in applied)
    total = round(100.0 * sum(r.score or 0.0 for r in applied) / weight, 1) if weight else None
    flags = [f"low_confidence_turns:{n}" for n in [sum(t.low_confidence for t in transcript.turns)] if n]
    if transcript.roles.get("review", transcript.roles.get("confidence", 1.0) < 0.75):
        flags.append("roles_uncertain")
    for lang, info in sorted((sentiment_backends or {}).items()):
        if str(info.get("reason", "")).startswith("model unavailable"):
            flags.append(f"sentiment_lexicon_fallback:{lang}")
    if not transcript.turns:
        flags.append("no_speech")
    elif not any(t.speaker == AGENT for t in transcript.turns):
        flags.append("no_agent_speech")
    return Scorecard(call_id=transcript.call_id, rubric_id=rubric.id, rubric_version=rubric.version,
                     criteria=results, total=total, sentiments=list(sentiments),
                     turn_matches=dict(sorted(turn_matches.items())),
                     sentiment_backends=dict(sentiment_backends or {}), flags=flags)
