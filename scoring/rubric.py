"""Apply a rubric to a transcript: per-agent-turn phrase matches and context rules with evidence, rolled up
per call.

Pure given its inputs (transcript, sentiments, rubric, optional prosody). For each criterion, in order:
1. `na_when` (see `NA_CHECKS`) makes it `na`, with the reason;
2. evidence is collected: agent phrase matches ("for"; masked by an `exclude` phrase -> "not_counted"),
   `against` phrases ("against"), and each context rule's evidence (`scoring.rules`);
3. a rule with `fail_at: N` that produced N or more pieces of evidence against fails it;
4. otherwise it passes when there is evidence for from a phrase or from a rule with `effect: decide`
   (a rule with `effect: evidence` is shown but decides nothing; its evidence for is kind "context").
Critical items fail the whole call when an agent turn matches one (total 0, level 1, flag).
total = 100 x points earned / weight of the criteria that applied (None when none applied); the service
level is the highest level whose `min` the total reaches.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from operator import attrgetter

from scoring.messages import reason
from scoring.metrics import conversation_metrics
from scoring.phrase_index import PhraseSet, rubric_phrase_sets
from scoring.phrases import Match, TurnTokens, flatten, locate, unexcluded
from scoring.rubric_schema import Criterion, Rubric, load_rubric
from scoring.rules import RULES, Context
from scoring.types import (
    FAIL,
    NA,
    PASS,
    CriterionResult,
    Evidence,
    Hold,
    Prosody,
    Scorecard,
    Sentiment,
    evidence,
)
from transcribe.errors import InputError
from transcribe.types import CUSTOMER, Transcript

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


class _Lists:
    """A criterion's phrase lists as slots of the rubric's phrase set (None: the list is empty)."""

    __slots__ = ("criterion", "name", "phrases", "exclude", "against", "exclude_phrases", "rules", "index")

    def __init__(self, c: Criterion, phrase_set: PhraseSet, index: int) -> None:
        self.criterion, self.name, self.index = c, c.name.get("en") or c.id, index
        self.phrases = phrase_set.slot(c.all_phrases())
        self.exclude = phrase_set.slot(c.all_phrases("exclude"))
        self.against = phrase_set.slot(c.all_phrases("against"))
        self.exclude_phrases = c.all_phrases("exclude")
        self.rules = [(RULES[spec.rule][0], spec) for spec in c.rules]


class _Plan:
    """What scoring needs of a rubric beyond the file, computed once per rubric: the phrase sets of its lists
    (`scoring.phrase_index`: one for the customer's turns, one for the others) and each list's slot."""

    def __init__(self, rubric: Rubric) -> None:
        self.heard, self.said = heard, said = rubric_phrase_sets(rubric)  # customer's turns, the others
        self.criteria = [_Lists(c, said, k) for k, c in enumerate(rubric.criteria)]
        self.critical = [_Lists(c, said, k) for k, c in enumerate(rubric.critical, len(self.criteria))]
        # slot -> the criteria (by index) whose phrases or `against` phrases that list is
        self.by_slot: dict[int, tuple[int, ...]] = {}
        for lists in self.criteria + self.critical:
            for slot in {s for s in (lists.phrases, lists.against) if s is not None}:
                self.by_slot[slot] = self.by_slot.get(slot, ()) + (lists.index,)
        self.problem_cues = heard.slot(rubric.all_problem_cues())
        self.requested = heard.slot(flatten(rubric.escalation.get("requested", {})))
        self.performed = said.slot(flatten(rubric.escalation.get("performed", {})))


_PLANS: dict[int, tuple[Rubric, _Plan]] = {}


def _plan(rubric: Rubric) -> _Plan:
    hit = _PLANS.get(id(rubric))
    if hit is None or hit[0] is not rubric:
        if len(_PLANS) > 64:
            _PLANS.clear()
        hit = _PLANS[id(rubric)] = (rubric, _Plan(rubric))
    return hit[1]


MIN_SENTIMENT_WORDS = 5  # a shorter customer turn ("no, thank you", "no") never makes a problem by sentiment alone


def _customer_evidence(transcript: Transcript, tokens: Sequence[TurnTokens], sentiments: Sequence[Sentiment],
                       rubric: Rubric, plan: _Plan) -> tuple[list[Evidence], list[Evidence]]:
    """(upset, escalation requests). Upset: customer turns that show a problem or an emotion — the first
    problem cue phrase, else negative sentiment. Escalation requests: the first request phrase of a turn."""
    upset: list[Evidence] = []
    requests: list[Evidence] = []
    cue_slot, request_slot = plan.problem_cues, plan.requested
    threshold, n_sentiments = rubric.negative_threshold, len(sentiments)
    for i, turn in enumerate(transcript.turns):
        if turn.speaker != CUSTOMER:
            continue
        tt = tokens[i]
        found = tt.found
        cues = found.get(cue_slot) if found and cue_slot is not None else None
        if cues:
            m, text, start, end = locate(turn, tt, cues[0])
            upset.append(evidence(i, start, end, text, m.phrase, "context"))
        elif i < n_sentiments and sentiments[i].label == "negative" and sentiments[i].score >= threshold \
                and len(tt.key_seq) >= MIN_SENTIMENT_WORDS:  # ("no, thank you" is no complaint)
            upset.append(evidence(i, turn.start, turn.end, turn.text, f"negative sentiment {sentiments[i].score:.2f}",
                                  "context"))
        asked = found.get(request_slot) if found and request_slot is not None else None
        if asked:
            m, text, start, end = locate(turn, tt, asked[0])
            requests.append(evidence(i, start, end, text, m.phrase, "context"))
    return upset, requests


def _join_split_turns(transcript: Transcript, tokens: Sequence[TurnTokens], plan: _Plan) -> None:
    """Phrases split across two consecutive turns of one speaker (a recogniser or diarizer cut a sentence in
    two) are found too: added to the later turn's matches, clipped to its words, where they overlap none of
    its own matches."""
    turns = transcript.turns
    for i in range(1, len(turns)):
        if turns[i].speaker != turns[i - 1].speaker or tokens[i].mode != tokens[i - 1].mode:
            continue
        tt = tokens[i]
        phrase_set = plan.heard if turns[i].speaker == CUSTOMER else plan.said
        for slot, found in phrase_set.scan_across(tokens[i - 1].key_seq, tt.key_seq, tt.mode).items():
            own = tt.found.get(slot, [])
            extra = [m for m in found if not any(o.first <= m.last and m.first <= o.last for o in own)]
            if extra:
                tt.found[slot] = sorted(own + extra, key=attrgetter("first"))


BRIDGE_WORDS = 6  # an agent turn this short between two holds ("one second please", "still checking") bridges them


def _waits(transcript: Transcript, holds: Sequence[Hold],
           tokens: Sequence[TurnTokens]) -> list[tuple[int, float, float]]:
    """The customer's waits in true time: (turn before it, start, end). Holds separated only by short agent
    turns are one wait, from the first hold's start to the last one's end."""
    out: list[tuple[int, float, float]] = []
    turns = transcript.turns
    for h in holds:
        if out:
            turn, start, _ = out[-1]
            between = list(range(turn + 1, h.after_turn + 1))
            if between and all(turns[i].speaker != CUSTOMER and len(tokens[i].key_seq) <= BRIDGE_WORDS
                               for i in between) and turns[h.after_turn].end <= h.start:
                out[-1] = (turn, start, h.end)
                continue
        out.append((h.after_turn, h.start, h.end))
    return out


class _Call:
    """Per-call facts shared by the criteria, computed once."""

    def __init__(self, transcript: Transcript, sentiments: Sequence[Sentiment], rubric: Rubric,
                 prosody: Sequence[Prosody | None]) -> None:
        self.plan = plan = _plan(rubric)
        self.transcript = transcript
        heard, said = plan.heard, plan.said
        vi_call = transcript.language.startswith("vi") and all(t.text.isascii() for t in transcript.turns)
        self.tokens = [TurnTokens(t, heard if t.speaker == CUSTOMER else said, vi_call) for t in transcript.turns]
        _join_split_turns(transcript, self.tokens, plan)
        self.agent = transcript.agent_turns()
        self.turns_with = self._turns_with(plan)
        self.metrics = conversation_metrics(transcript, sentiments, rubric.metrics, self.tokens, prosody)
        self.upset, self.escalation_requests = _customer_evidence(transcript, self.tokens, sentiments, rubric, plan)
        long_holds = [evidence(turn, start, end, "", f"customer on hold {end - start:.0f} s", "context")
                      for turn, start, end in _waits(transcript, self.metrics.hold_spans, self.tokens)
                      if end - start >= rubric.long_hold_seconds]
        self.problems = sorted(self.upset + long_holds, key=_BY_TIME)
        self.context = Context(transcript, self.tokens, sentiments, self.metrics, rubric)

    def _turns_with(self, plan: _Plan) -> list[list[int]]:
        """Per criterion (by index), the agent turns where its phrases or its `against` phrases matched."""
        out: list[list[int]] = [[] for _ in range(len(plan.criteria) + len(plan.critical))]
        by_slot = plan.by_slot
        for i, _ in self.agent:
            for slot in self.tokens[i].found:
                for k in by_slot.get(slot, ()):
                    if not out[k] or out[k][-1] != i:
                        out[k].append(i)
        return out


_BY_TIME = attrgetter("start", "turn")
_BY_TURN = attrgetter("turn", "start")

NA_CHECKS = {
    "never": (lambda call: None),
    "no_customer_problem": (lambda call: None if call.problems else reason("na_no_problem")),
    "customer_not_upset": (lambda call: None if call.upset else reason("na_not_upset")),
    "no_hold": (lambda call: None if call.metrics.holds else reason("na_no_hold")),
    "no_escalation_request": (lambda call: None if call.escalation_requests else
                              reason("na_no_escalation_request")),
}


def _context_for(c: Criterion, call: _Call) -> list[Evidence]:
    if c.na_when in ("no_customer_problem",):
        return call.problems
    if c.na_when == "customer_not_upset":
        return call.upset
    if c.na_when == "no_escalation_request":
        return call.escalation_requests
    return []


def _phrase_evidence(lists: _Lists, call: _Call, good: str = "for",
                     against: bool = True) -> tuple[list[Evidence], list[Evidence]]:
    """(evidence, the evidence for): per agent turn, phrase matches not inside an exclusion (kind `good`),
    matches of the `against` phrases ("against", unless `against` is False), and the matches an exclusion
    masked, shown with the exclusion ("not_counted")."""
    out: list[Evidence] = []
    earned: list[Evidence] = []
    tokens, turns, phrases, exclude = call.tokens, call.transcript.turns, lists.phrases, lists.exclude
    against_slot = lists.against if against else None
    for i in call.turns_with[lists.index]:
        tt, turn = tokens[i], turns[i]
        hits = tt.found
        refused = None
        found = hits.get(phrases) if phrases is not None else None
        if found:
            blockers = hits.get(exclude) if exclude is not None else None
            for m in found:
                hit = None
                if blockers:
                    for b in blockers:
                        if b.first <= m.last and m.first <= b.last:
                            hit = b
                            break
                if hit is None:
                    _, text, start, end = locate(turn, tt, m)
                    e = evidence(i, start, end, text, m.phrase, good)
                    out.append(e)
                    earned.append(e)
                else:
                    refused = refused or []
                    refused.append(Match(hit.phrase, min(hit.first, m.first), max(hit.last, m.last)))
        found = hits.get(against_slot) if against_slot is not None else None
        if found:
            for m in found:
                _, text, start, end = locate(turn, tt, m)
                out.append(evidence(i, start, end, text, m.phrase, "against"))
        if refused:
            for m in refused:
                _, text, start, end = locate(turn, tt, m)
                out.append(evidence(i, start, end, text, m.phrase, "not_counted"))
    return out, earned


def _shows_problem(c: Criterion, call: _Call) -> bool:
    """True when an agent turn says a `shows_problem` phrase of the criterion (not inside an exclusion); every
    counted phrase does when the criterion lists none."""
    phrases = c.all_phrases("shows_problem")
    if not phrases:
        return True
    exclude = c.all_phrases("exclude")
    return any(unexcluded(call.tokens[i], phrases, exclude) for i, _ in call.agent)


def _criterion(lists: _Lists, transcript: Transcript, call: _Call) -> CriterionResult:
    c, name = lists.criterion, lists.name
    na_reason = NA_CHECKS[c.na_when](call)
    found_ev, good = _phrase_evidence(lists, call)
    if na_reason and not (c.na_when == "no_customer_problem" and good and _shows_problem(c, call)):
        # (an agent's genuine apology for something is itself a sign that the customer had a problem)
        return CriterionResult(c.id, name, NA, None, c.weight, na_reason)
    failed_by: tuple[str, list[Evidence], int] | None = None
    for fn, spec in lists.rules:
        found = fn(call.context, lists.exclude_phrases, **spec.params)
        if spec.effect == "evidence":
            found = [evidence(e.turn, e.start, e.end, e.text, e.phrase, "context") if e.kind == "for" else e
                     for e in found]
        found_ev.extend(found)
        bad = []
        for e in found:
            if e.kind == "for":
                good.append(e)
            elif e.kind == "against":
                bad.append(e)
        if failed_by is None and spec.fail_at is not None and len(bad) >= spec.fail_at:
            failed_by = (spec.rule, bad, spec.fail_at)
    found_ev.sort(key=_BY_TURN)
    found_ev += _context_for(c, call)
    if failed_by is not None:
        rule, bad, fail_at = failed_by
        turns = ", ".join(str(e.turn) for e in bad)
        return CriterionResult(c.id, name, FAIL, 0.0, c.weight, reason("rule_failed", rule=rule, phrase=bad[0].phrase,
                               n=len(bad), turns=turns, fail_at=fail_at), found_ev)
    if good:
        g = min(good, key=_BY_TURN)
        said = (reason("agent_said", text=g.text, turn=g.turn)
                if g.phrase and g.text and g.phrase.lower() in g.text.lower()
                else reason("phrase_found", phrase=g.phrase, turn=g.turn))
        return CriterionResult(c.id, name, PASS, c.weight, c.weight, said, found_ev)
    bad_ev = next((e for e in found_ev if e.kind == "against"), None)
    refused_ev = next((e for e in found_ev if e.kind == "not_counted"), None)
    if bad_ev is not None:
        why = reason("against_found", phrase=bad_ev.phrase, text=bad_ev.text, turn=bad_ev.turn)
    elif refused_ev is not None:
        why = reason("not_counted", text=refused_ev.text, turn=refused_ev.turn, phrase=refused_ev.phrase)
    elif not call.agent:
        why = reason("agent_silent")
    else:
        why = reason("no_phrase")
    return CriterionResult(c.id, name, FAIL, 0.0, c.weight, why, found_ev)


def _critical(lists: _Lists, transcript: Transcript, call: _Call) -> CriterionResult:
    """A critical item: its phrases are evidence against (and fail the call); its `against` list is unused."""
    c, name = lists.criterion, lists.name
    hits, bad = _phrase_evidence(lists, call, good="against", against=False)
    if bad:
        return CriterionResult(c.id, name, FAIL, None, 0.0, reason("critical_said", text=bad[0].text, turn=bad[0].turn),
                               hits, critical=True)
    return CriterionResult(c.id, name, PASS, None, 0.0, reason("critical_not_found"), hits, critical=True)


def _flags(transcript: Transcript, rubric: Rubric, call: _Call, critical: list[CriterionResult],
           sentiment_backends: dict | None) -> list[str]:
    flags = [f"critical_failure:{r.id}" for r in critical if r.status == FAIL]
    if call.escalation_requests:
        flags.append("escalation:requested")
    performed, tokens = call.plan.performed, call.tokens
    if performed is not None:
        for i, _ in call.agent:
            if tokens[i].found.get(performed):
                flags.append("escalation:performed")
                break
    n_low = sum([t.low_confidence for t in transcript.turns])
    if n_low:
        flags.append(f"low_confidence_turns:{n_low}")
    if transcript.roles.get("review", transcript.roles.get("confidence", 1.0) < 0.75):
        flags.append("roles_uncertain")
    low_share = n_low / len(transcript.turns) if transcript.turns else 0.0
    if transcript.turns and (low_share >= rubric.low_confidence_share or "roles_uncertain" in flags):
        flags.append("low_confidence")
    for lang, info in sorted(sentiment_backends.items()) if sentiment_backends else ():
        if str(info.get("reason", "")).startswith("model unavailable"):
            flags.append(f"sentiment_lexicon_fallback:{lang}")
    if not transcript.turns:
        flags.append("no_speech")
    elif not call.agent:
        flags.append("no_agent_speech")
    return flags


def score_transcript(transcript: Transcript, sentiments: Sequence[Sentiment], rubric: Rubric,
                     sentiment_backends: dict | None = None, prosody: Sequence[Prosody | None] = ()) -> Scorecard:
    """Score every criterion of `rubric` on `transcript`, roll up to a weighted total 0-100 and a service level,
    and compute the call's conversation metrics. `prosody` (per turn, optional) feeds the voice rules."""
    call = _Call(transcript, sentiments, rubric, prosody)
    if not transcript.turns:
        results = [CriterionResult(c.id, c.name.get("en") or c.id, NA, None, c.weight, reason("no_speech"))
                   for c in rubric.criteria]
        critical: list[CriterionResult] = []
    else:
        results = [_criterion(lists, transcript, call) for lists in call.plan.criteria]
        critical = [_critical(lists, transcript, call) for lists in call.plan.critical]
    turn_matches: dict[int, list[str]] = {}
    for r in results + critical:
        for e in r.evidence:
            if e.kind == "for" or (r.critical and e.kind == "against"):
                ids = turn_matches.setdefault(e.turn, [])
                if r.id not in ids:
                    ids.append(r.id)
    applied = [r for r in results if r.status != NA]
    weight = sum(r.weight for r in applied)
    total = round(100.0 * sum(r.score or 0.0 for r in applied) / weight, 1) if weight else None
    flags = _flags(transcript, rubric, call, critical, sentiment_backends)
    if any(r.status == FAIL for r in critical):
        total = 0.0
    level = rubric.level_for(total)
    return Scorecard(call_id=transcript.call_id, rubric_id=rubric.id, rubric_version=rubric.version,
                     criteria=results, critical=critical, total=total, sentiments=list(sentiments),
                     turn_matches=dict(sorted(turn_matches.items())),
                     sentiment_backends=dict(sentiment_backends or {}), flags=flags, metrics=call.metrics,
                     service_level=level.level if level else None, service_label=level.name if level else None,
                     rubric_sha256=rubric.sha256 or None)
