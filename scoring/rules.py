"""Context rules: named pure functions a rubric file refers to (`rules: [{rule: NAME, ...}]`).

Each rule looks at the whole call — turn order and times, the customer's words, sentiment, metrics,
prosody — and returns `Evidence`: kind "for" (supports the criterion), "against", or "not_counted" (a
look-alike the rule refused). How the evidence decides the criterion is set in the rubric file
(`effect`, `fail_at`; see `scoring.rubric`). `RULES` lists every rule with its parameters; the schema
validates rubric files against it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scoring.phrases import TurnTokens, find, find_in_turn, flatten, key_sequence, locate, unexcluded
from scoring.signals import (
    _CONTENT,
    _IS_HANDLE,
    OUTCOME_TRIGGERS,
    VI_TRAILING,
    Sentence,
    TurnView,
    asks_which,
    call_view,
    is_question,
    numbers_of,
    outcome,
)
from scoring.types import CallMetrics, Evidence, Sentiment, evidence
from transcribe.types import AGENT, CUSTOMER, Transcript

if TYPE_CHECKING:  # pragma: no cover
    from scoring.rubric_schema import Rubric



def content_keys(tt: TurnTokens) -> list[str | None]:
    """`content_key` of every token of a turn (memoised per word)."""
    return list(map(_CONTENT[tt.folded].__getitem__, tt.key_seq))


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the call, its tokens, sentiment per turn, metrics and the rubric."""

    transcript: Transcript
    tokens: Sequence[TurnTokens]
    sentiments: Sequence[Sentiment]
    metrics: CallMetrics
    rubric: Rubric
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # per-call work the rules share

    def turn_evidence(self, i: int, phrase: str, kind: str, text: str | None = None) -> Evidence:
        t = self.transcript.turns[i]
        return evidence(i, t.start, t.end, t.text if text is None else text, phrase, kind)


def restates_customer(ctx: Context, exclude: tuple[str, ...], cues: dict, min_shared_words: float = 1,
                      **_: Any) -> list[Evidence]:
    """An agent turn with a confirmation cue ("so I understand", "em hiểu là", "đúng không ạ") that shares at
    least `min_shared_words` content words with the customer's earlier turns. A cue without the customer's
    words ("Dạ, em hiểu.") is shown as not counted."""
    out: list[Evidence] = []
    heard: set[str | None] = set()  # the customer's content words so far (None from function words: ignored)
    cue_list = flatten(cues)
    for i, turn in enumerate(ctx.transcript.turns):
        tt = ctx.tokens[i]
        if turn.speaker == CUSTOMER:
            heard.update(map(_CONTENT[tt.folded].__getitem__, tt.key_seq))
            continue
        hits = unexcluded(tt, cue_list, exclude)
        if not hits:
            continue
        keys = content_keys(tt)
        own = {k for m in hits for k in keys[m.first:m.last + 1] if k}
        words: dict[str, str] = {}
        for j, k in enumerate(keys):
            if k and k in heard and k not in own and k not in words:
                a, b = tt.span(j)
                words[k] = tt.text[a:b]
        shared = list(words.values())
        m = hits[0]
        if len(shared) >= min_shared_words:
            out.append(evidence(i, turn.start, turn.end, turn.text,
                                f"{m.phrase} + the customer's words: {', '.join(shared[:6])}", "for"))
        else:
            _located, text, start, end = locate(turn, tt, m)  # (not `_`: that is the keyword arguments)
            out.append(evidence(i, start, end, text, f"{m.phrase} without restating what the customer said",
                                "not_counted"))
    return out


def interrupts_customer(ctx: Context, exclude: tuple[str, ...], **_: Any) -> list[Evidence]:
    """Agent turns that cut into the customer's speech (see `scoring.metrics.interruptions`)."""
    out = []
    turns = ctx.transcript.turns
    for i in ctx.metrics.interruption_turns:
        t = turns[i]
        other = next(o for o in turns if o.speaker == CUSTOMER and o.start < t.start < o.end)
        out.append(ctx.turn_evidence(i, f"interrupted the customer ({min(other.end, t.end) - t.start:.1f} s "
                                        "of overlap)", "against"))
    return out


def customer_end_sentiment(ctx: Context, exclude: tuple[str, ...], threshold: float = 0.6,
                           **_: Any) -> list[Evidence]:
    """The customer's last turn: positive (at or above `threshold`) is evidence for, negative against."""
    turns = ctx.transcript.turns
    last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].speaker == CUSTOMER), None)
    if last is None or last >= len(ctx.sentiments):
        return []
    s = ctx.sentiments[last]
    if s.label == "neutral" or s.score < threshold:
        return []
    return [ctx.turn_evidence(last, f"customer ends {s.label} ({s.score:.2f})",
                              "for" if s.label == "positive" else "against")]


def greets_and_introduces(ctx: Context, exclude: tuple[str, ...], greetings: dict, introductions: dict,
                          within_turns: float = 2, **_: Any) -> list[Evidence]:
    """The agent opens the call: a greeting and a self-introduction ("my name is", "em là") within the agent's
    first `within_turns` turns, before the customer states their request."""
    agent = ctx.transcript.agent_turns()[: int(within_turns)]
    greet = [(i, h) for i, t in agent for h in find_in_turn(t, flatten(greetings), exclude, tt=ctx.tokens[i])]
    intro = [(i, h) for i, t in agent for h in find_in_turn(t, flatten(introductions), exclude, tt=ctx.tokens[i])]
    if greet and intro:
        (gi, (gm, gtext, gs, ge)), (ii, (im, itext, is_, ie)) = greet[0], intro[0]
        return [evidence(gi, gs, ge, gtext, gm.phrase, "for"), evidence(ii, is_, ie, itext, im.phrase, "for")]
    missing = "a self-introduction" if greet else "a greeting" if intro else "a greeting or a self-introduction"
    first = agent[0][0] if agent else None
    return [ctx.turn_evidence(first, f"opening without {missing}", "against")] if first is not None else []


def hold_transparency(ctx: Context, exclude: tuple[str, ...], announce: dict, reasons: dict, thanks: dict,
                      **_: Any) -> list[Evidence]:
    """For every hold: the agent's turn before it asks to hold and says why, the agent's turn after it thanks the
    customer for waiting. Each missing part is evidence against."""
    turns = ctx.transcript.turns
    out: list[Evidence] = []
    for hold in ctx.metrics.hold_spans:
        before = next((i for i in range(hold.after_turn, -1, -1) if turns[i].speaker == AGENT), None)
        after = next((i for i in range(hold.after_turn + 1, len(turns)) if turns[i].speaker == AGENT), None)
        for part, where, lists in (("asks to hold", before, announce), ("says why", before, reasons),
                                   ("thanks for waiting", after, thanks)):
            hits = find_in_turn(turns[where], flatten(lists), exclude, tt=ctx.tokens[where]) if where is not None else []
            if hits and where is not None:  # (no hits without a turn)
                m, text, start, end = hits[0]
                out.append(evidence(where, start, end, text, f"{part}: {m.phrase}", "for"))
            else:
                out.append(evidence(where if where is not None else hold.after_turn, hold.start, hold.end, "",
                                    f"hold of {hold.seconds:.0f} s: agent never {part.replace('s ', ' ', 1)}",
                                    "against"))
    return out


def agent_calm(ctx: Context, exclude: tuple[str, ...], negative_threshold: float = 0.8,
               max_loudness_rise_db: float = 6.0, max_pitch_rise: float = 0.25, ignore: dict | None = None,
               **_: Any) -> list[Evidence]:
    """After the customer gets upset, the agent's turns stay non-negative and — when audio was measured — no
    louder than `max_loudness_rise_db` and no higher-pitched than `max_pitch_rise` (fraction) above the agent's
    own level before that point (or in their first turn). Turns with an `ignore` phrase (apologies, empathy,
    restatements: they carry the customer's negative words, not the agent's mood) are not judged by sentiment."""
    skip = flatten(ignore or {})
    turns, sents, pros = ctx.transcript.turns, ctx.sentiments, ctx.metrics.prosody
    upset = next((i for i, t in enumerate(turns) if t.speaker == CUSTOMER and i < len(sents)
                  and sents[i].label == "negative" and sents[i].score >= negative_threshold), None)
    if upset is None:
        return []
    agent = [i for i, t in enumerate(turns) if t.speaker == AGENT]
    base_idx = [i for i in agent if i < upset] or agent[:1]
    after = [i for i in agent if i > upset]

    def level(idx: list[int], attr: str) -> float | None:
        vals = sorted(getattr(pros[i], attr) for i in idx if i < len(pros) and pros[i] is not None
                      and getattr(pros[i], attr) is not None)
        return vals[len(vals) // 2] if vals else None

    base_db, base_f0 = level(base_idx, "loudness_db"), level(base_idx, "pitch_hz")
    out: list[Evidence] = []
    for i in after:
        s = sents[i] if i < len(sents) else None
        if skip and find_in_turn(turns[i], skip, tt=ctx.tokens[i]):
            s = None
        if s is not None and s.label == "negative" and s.score >= negative_threshold:
            out.append(ctx.turn_evidence(i, f"agent sentiment negative ({s.score:.2f})", "against"))
        p = pros[i] if i < len(pros) else None
        if p is not None and base_db is not None and p.loudness_db - base_db > max_loudness_rise_db:
            out.append(ctx.turn_evidence(i, f"voice {p.loudness_db - base_db:+.1f} dB louder than before", "against"))
        if p is not None and p.pitch_hz and base_f0 and p.pitch_hz / base_f0 - 1 > max_pitch_rise:
            out.append(ctx.turn_evidence(i, f"pitch {100 * (p.pitch_hz / base_f0 - 1):+.0f}% above before", "against"))
    if not out and after:
        measured = "sentiment and voice" if base_db is not None else "sentiment (no audio measured)"
        out.append(ctx.turn_evidence(after[0], f"agent stayed calm after the customer got upset ({measured})", "for"))
    return out


def listens(ctx: Context, exclude: tuple[str, ...], generic: dict | None = None, requests: dict | None = None,
            clarifying: dict | None = None,
            min_shared_words: float = 2, recent_turns: float = 3, min_their_share: float = 0.5,
            skip_outcomes: float = 0, which_questions: float = 0, details: float = 1, sentence_generic: float = 1,
            **_: Any) -> list[Evidence]:
    """Active listening without a cue word: an agent turn (after the customer spoke) that reads back the
    customer's own details — `min_shared_words` of their content words from their last `recent_turns` turns,
    in a question or in a sentence made mostly of their words (`min_their_share`), or a number they gave — or asks a
    clarifying question about what they said (a question sharing one of their words, or "X or Y?").
    Turns with a `generic` phrase ("how can I help", "anything else") or an exclusion are not counted, nor
    sentences that state an outcome (they repeat the request without confirming it).
    Read-backs come first in the evidence (the restatement, not an identity request, is what earned it)."""
    views = call_view(ctx)
    use_details, per_sentence = bool(details), bool(sentence_generic)
    generic_l = flatten(generic or {})
    requests_l = flatten(requests or {})
    questions_l = flatten(clarifying or {})
    readbacks: list[Evidence] = []
    questions: list[Evidence] = []
    recent = int(recent_turns)
    is_handle = _IS_HANDLE.__getitem__
    turns = ctx.transcript.turns
    for i, turn in enumerate(turns):
        if turn.speaker != AGENT:
            continue
        heard, numbers = views.heard(i, recent)
        if not heard and not numbers:
            continue  # the customer has not said anything yet
        given_words, given_numbers = views.details(i, generic_l) if use_details else (_NONE, _NONE)
        if use_details:  # answers to the agent's questions count however long ago they were given
            heard, numbers = heard | given_words, numbers | given_numbers
        tt = ctx.tokens[i]
        v = views[i]
        if use_details and len(v.keys) <= 4 and v.content and i and turns[i - 1].speaker == CUSTOMER:
            answer = views[i - 1]
            if v.content <= (answer.content | answer.numbers) and v.content <= (given_words | given_numbers) \
                    and not (generic_l and tt.matches(generic_l)):
                # an echo of the detail the customer just gave when asked ("checking", "seventy nine", "monday?")
                # confirms it ("bye" after their "bye" does not: it answered no question)
                readbacks.append(ctx.turn_evidence(i, "repeats the customer's detail: "
                                                      f"{', '.join(sorted(v.content)[:4])}", "for"))
                return readbacks
        if not questions and turns[i - 1].speaker == CUSTOMER and len(views[i - 1].content) >= 3 and \
                any((st.question or _vi_choice(st.keys)) and _alternative(st.keys) and not (requests_l and find((), requests_l, v.folded, st.keys))
                    for st in v.sentences):
            # "X or Y?" right after the customer described their matter ("lỗi ở bước chọn ghế hay bước upload?")
            questions.append(ctx.turn_evidence(i, "clarifying question: X or Y", "for"))
        if use_details and _spelled_back(views, turns, i):
            readbacks.append(ctx.turn_evidence(i, "reads back the code the customer spelled", "for"))
            return readbacks
        if questions_l and not questions:
            asked = unexcluded(tt, questions_l, exclude)
            if asked:  # "which account?", "when did you notice it?": about their matter, whatever words it uses
                questions.append(ctx.turn_evidence(i, f"clarifying question: {asked[0].phrase}", "for"))
        asked_words = _NONE  # the words of the question the customer just asked: a statement repeating them answers it
        if use_details and i and turns[i - 1].speaker == CUSTOMER and views[i - 1].asks:
            asked_words = frozenset(c for st in views[i - 1].sentences if st.question
                                    for c in map(_CONTENT[views[i - 1].folded].__getitem__, st.keys) if c)
        overlap = len(v.content & heard)
        if overlap < min_shared_words and not (overlap and _alternative(v.keys)) and \
                not any(n.isdigit() and len(n) >= 2 for n in numbers & v.numbers):
            continue  # too little of what the customer said to read back or to ask about
        if not per_sentence and ((generic_l and tt.matches(generic_l)) or (exclude and tt.matches(exclude))):
            continue
        for sent in v.sentences:
            if per_sentence:
                if (exclude and find((), exclude, v.folded, sent.keys)) or \
                        (requests_l and find((), requests_l, v.folded, sent.keys)):
                    continue  # (asking for an identity detail is intake, not a read-back: "cho em xin số tài khoản")
                said = find((), generic_l, v.folded, sent.keys) if generic_l else []
                if said:  # "… to your checking account is there anything else": the read-back before it stands
                    before = sent.keys[:said[0].first]
                    if len(before) < 3:
                        continue
                    sent = Sentence(before, sent.question and is_question("", before, v.folded))
            content = {k for k in map(_CONTENT[tt.folded].__getitem__, sent.keys) if k and not is_handle(k)}
            shared = sorted(content & heard)
            common = set(sent.keys) & numbers
            nums = sorted(k for k in common if k.isdigit() and len(k) >= 2)
            if not nums and len(common) >= 2:  # spelled numbers ("one hundred and twenty six")
                nums = sorted(common)
            if not sent.question and not nums and not NEGATIONS.isdisjoint(sent.keys) and \
                    not any(NEGATIONS.isdisjoint(views[j].keys) is False for j in _last_customer(turns, i, 2)):
                continue  # a refusal in their words ("không có giấy chứng nhận thì em không tra được") reads nothing back
            if asked_words and not sent.question:
                shared = [w for w in shared if w not in asked_words]  # ("chiều thứ bảy … thì nghỉ ạ" answers)
            # a restatement is mostly the customer's own words; an answer that reuses a few of them is not one
            mostly_theirs = len(shared) + len(nums) >= min_their_share * len(content | set(nums)) if content else False
            if (skip_outcomes or use_details) and not sent.question and outcome(sent.keys, v.folded):
                if skip_outcomes:
                    continue  # an outcome repeats the request; it is not a read-back
                # an outcome that repeats the request ("your password reset link has been sent") is no read-back;
                # one that repeats the details the customer gave when asked ("we will send your payment to fossil
                # gas", "$126 has been transferred to your checking") or their numbers confirms them
                shared = sorted(content & given_words)  # (numbers they said count wherever they said them)
                mostly_theirs = True
            if (nums or len(shared) >= min_shared_words) and (mostly_theirs or (sent.question and (
                    nums or not use_details or _confirming(sent.keys)))):
                # (a question is a read-back when it confirms — numbers, "…, right?", "… đúng không ạ?" —
                # otherwise a clarifying question, cited only when no read-back follows)
                readbacks.append(ctx.turn_evidence(i, "reads back the customer's "
                                                      f"{'numbers' if nums else 'words'}: {', '.join((nums + shared)[:6])}",
                                                   "for"))
                return readbacks  # the first read-back earns it (clarifying questions before it are not cited)
            if questions:
                continue
            if (sent.question or (_vi_choice(sent.keys) and _alternative(sent.keys))) and \
                    (len(shared) >= min_shared_words or
                     (shared and (_alternative(sent.keys) or (which_questions and asks_which(sent.keys))))):
                questions.append(ctx.turn_evidence(
                    i, f"clarifying question about {', '.join(shared[:4]) if shared else 'the options'}", "for"))
                break
    return readbacks + questions


_TAGS = frozenset([("right",), ("correct",), ("đúng", "không"), ("phải", "không"), ("đúng", "hông"),
                   ("phải", "hông"), ("dung", "khong"), ("phai", "khong"), ("dung", "hong"), ("phai", "hong"),
                   ("đúng", "chưa"), ("dung", "chua"), ("vậy", "hả"), ("phải", "hả")])


def _confirming(keys: Sequence[str]) -> bool:
    """A question that asks the customer to confirm what was read back: it ends with a tag ("…, right?",
    "… is that correct?", "… đúng không ạ?", "… phải hông chị?")."""
    end = len(keys)
    while end and keys[end - 1] in VI_TRAILING:
        end -= 1
    return tuple(keys[max(0, end - 1):end]) in _TAGS or tuple(keys[max(0, end - 2):end]) in _TAGS


_NONE: frozenset[str] = frozenset()
NEGATIONS = frozenset(["not", "never", "no", "không", "chưa", "chẳng", "khong", "chua", "chang", "hông", "hong"])


def _spelled_back(views: Any, turns: Sequence[Any], i: int) -> bool:
    """The agent turn `i` says, as one word, a code the customer spelled out one character at a time in their last
    two turns ("Q7TR4X" for "Q as in queen, 7, T, R, 4, X")."""
    codes = [k for k in views[i].keys if len(k) >= 4 and any(ch.isdigit() for ch in k) and k.isalnum()]
    if not codes:
        return False
    spelled = [run for j in _last_customer(turns, i, 2) for run in _runs(views[j].keys)]
    return any(code in run for code in codes for run in spelled)


def _runs(keys: Sequence[str]) -> list[str]:
    """Single letters and digits said one by one, joined ("q", "7", "t" -> "q7t"); other words end a run unless
    they spell a letter ("as in queen")."""
    out, run, skip = [], "", 0
    for k in keys:
        if skip:
            skip -= 1
            continue
        if len(k) == 1:  # (a number said as one word is the numbers' read-back, not a spelled code)
            run += k
        elif k == "as":  # "q as in queen"
            skip = 2
        elif run:
            out.append(run)
            run = ""
    if run:
        out.append(run)
    return [r for r in out if len(r) >= 4]


def _last_customer(turns: Sequence[Any], i: int, n: int) -> list[int]:
    """The indexes of the customer's last `n` turns before turn `i`."""
    return [j for j in range(i - 1, -1, -1) if turns[j].speaker == CUSTOMER][:n]


def _vi_choice(keys: Sequence[str]) -> bool:
    """A Vietnamese "X hay Y" choice put to the customer, punctuation lost: "hay" inside, a particle or "thôi" at
    the end ("… cắm dây hay chỉ dùng wifi thôi ạ", "… bước chọn ghế hay bước upload vậy anh")."""
    return any(k in ("hay", "hoặc", "hoac") for k in keys[1:-2]) and \
        (keys[-1] in VI_TRAILING or keys[-1] in ("thôi", "thoi", "vậy", "vay"))


def _alternative(keys: Sequence[str]) -> bool:
    """An "X or Y" question ("or", "hay", "hoặc" between two words)."""
    return any(k in ("or", "hay", "hoặc", "hoac") for k in keys[1:-1])


def resolution(ctx: Context, exclude: tuple[str, ...], deflections: dict, detail_requests: dict, closures: dict,
               unresolved: dict | None = None, min_new_words: float = 3, min_answer_words: float = 0,
               **_: Any) -> list[Evidence]:
    """Whether the request was resolved, from the shape of the conversation:

    for — an agent statement that states an action as done (`signals.completion`: perfect/passive, "đã … rồi"),
    commits to a next step with an owner (`signals.commitment`: "we will send", "em sẽ gửi"), or gives new
    information in answer to the customer's question (numbers, amounts, times the customer did not say; or, when
    the customer closes with a `closures` phrase, a statement with `min_new_words` new content words);
    against — the agent's last word on the matter is a deflection ("DM us", "contact the store", "liên hệ cửa
    hàng") after the last outcome, or the customer raises the matter again (question or complaint) after the
    last outcome and gets no outcome.
    Turns that only collect details (`detail_requests`) or hold an exclusion give no outcome. The agent's turns
    are read from the end: the last outcome is the evidence, and what follows it decides."""
    views = call_view(ctx)
    turns = ctx.transcript.turns
    defl_l, detail_l, close_l = flatten(deflections), flatten(detail_requests), flatten(closures)
    open_l = flatten(unresolved or {})
    first_customer = next((i for i, t in enumerate(turns) if t.speaker == CUSTOMER), None)
    if first_customer is None:
        return []
    outcomes: list[tuple[int, str]] = []
    deflected: list[tuple[int, str]] = []
    closing = None
    is_handle = _IS_HANDLE.__getitem__
    for i in range(len(turns) - 1, first_customer, -1):  # from the end: the last outcome decides
        t, tt, v = turns[i], ctx.tokens[i], views[i]
        if t.speaker != AGENT:
            continue
        if open_l and tt.matches(open_l):
            continue
        found = None
        for sent in v.stated_parts() if not OUTCOME_TRIGGERS.isdisjoint(v.keys) else ():
            found = outcome(sent.keys, v.folded)
            if found and defl_l and find((), defl_l, v.folded, sent.keys):  # ("DM us and we will look")
                # a clause of its own that states the outcome stands ("em đã khóa tạm thẻ, chị mang căn cước ra chi
                # nhánh …": the card is blocked; the branch visit is the next step, not a deflection of it)
                found = next((f for c in _clauses_of(v, sent) if not find((), defl_l, v.folded, c)
                              for f in [outcome(c, v.folded)] if f), None)
            if found and not (exclude and find((), exclude, v.folded, sent.keys)):
                found = f"states the outcome: {found}"
                break
            found = None
        hits = unexcluded(tt, defl_l, exclude) if defl_l else []
        if hits and found is None:
            deflected.append((i, hits[0].phrase))
            continue
        if found is None and not (detail_l and tt.matches(detail_l)) and \
                (v.numbers or (min_answer_words and len(v.content) >= min_answer_words)):
            heard, heard_numbers = views.heard(i)
            new_numbers = sorted(n for s in v.statements() for n in numbers_of(s.keys) if n not in heard_numbers) \
                if v.numbers else []
            if any(n.isdigit() for n in new_numbers) or len(new_numbers) >= 2:
                found = f"gives information: {', '.join(new_numbers[:5])}"
            elif min_answer_words and not v.asks and turns[i - 1].speaker == CUSTOMER and \
                    (views[i - 1].asks or len(views[i - 1].content) >= 2):  # (after "thôi được": a farewell)
                new = {k for st in v.statements() for k in map(_CONTENT[v.folded].__getitem__, st.keys)
                       if k and k not in heard and not is_handle(k)}
                if len(new) >= min_answer_words:
                    found = f"answers with {len(new)} new content words"
        if found:
            outcomes.append((i, found))
            break
    deflected.sort()
    # the customer's last closing ("perfect, that's all I needed"), among their last three turns
    for i in [j for j in range(len(turns) - 1, first_customer, -1) if turns[j].speaker == CUSTOMER][:3]:
        if close_l and ctx.tokens[i].matches(close_l) and not _complains(ctx, i):
            closing = i
            break
    # an answer without numbers that the customer closed on
    if closing is not None and not any(o < closing for o, _ in outcomes):
        last_agent = next((j for j in range(closing - 1, first_customer, -1) if turns[j].speaker == AGENT), None)
        if last_agent is not None and last_agent not in {d for d, _ in deflected}:
            heard = views.heard(last_agent)[0]
            fold_ = views[last_agent].folded
            new = {k for st in views[last_agent].statements() for k in map(_CONTENT[fold_].__getitem__, st.keys)
                   if k and k not in heard}
            if len(new) >= min_new_words:
                outcomes.append((last_agent, f"answer the customer accepted (turn {closing})"))
    out = [ctx.turn_evidence(i, why, "for") for i, why in sorted(outcomes)]
    last_outcome = max((i for i, _ in outcomes), default=-1)
    late = [(i, p) for i, p in deflected if i > last_outcome]
    if late and (last_outcome < 0 or closing is None or closing < late[-1][0]):
        i, p = late[-1]
        out.append(ctx.turn_evidence(i, f"the agent's last word on the matter is a deflection: {p}", "against"))
    elif last_outcome >= 0:
        after = [j for j in range(last_outcome + 1, len(turns)) if turns[j].speaker == CUSTOMER
                 and (_complains(ctx, j) or (views[j].asks and not _answered(ctx, j, defl_l + open_l + detail_l)))
                 and not (close_l and ctx.tokens[j].matches(close_l))]
        if after and (closing is None or closing < after[-1]):  # (a closing after it: answered to satisfaction)
            out.append(ctx.turn_evidence(after[-1], "the customer raised the matter again and got no outcome",
                                         "against"))
    return out


def _clauses_of(v: TurnView, sent: Sentence) -> list[tuple[str, ...]]:
    """The comma clauses of one of the turn's sentences, as key sequences."""
    out = []
    for piece in _CLAUSE_CUT.split(v.text):
        _, keys = key_sequence(piece)
        if keys and _contains(sent.keys, keys):
            out.append(keys)
    return out


def _contains(keys: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(keys[i:i + n] == part for i in range(len(keys) - n + 1))


_CLAUSE_CUT = re.compile(r"[,;:.!?…]")


def _answered(ctx: Context, j: int, not_answers: tuple[str, ...]) -> bool:
    """The customer's question at turn `j` (a follow-up: "can they leave it with the neighbour?", "buổi chiều thì
    sao?") gets an answer: the agent's next turn states something of substance — two content words, in a
    statement that sends them nowhere, collects no detail and is not "I don't know"."""
    turns, views = ctx.transcript.turns, call_view(ctx)
    k = next((k for k in range(j + 1, len(turns)) if turns[k].speaker == AGENT), None)
    if k is None:
        return False
    v, tt = views[k], ctx.tokens[k]
    if not_answers and tt.matches(not_answers):
        return False
    said = {c for st in v.statements() for c in map(_CONTENT[v.folded].__getitem__, st.keys) if c}
    return len(said) >= 2


def _complains(ctx: Context, i: int) -> bool:
    cues = ctx.rubric.all_problem_cues()
    return bool(cues and ctx.tokens[i].matches(cues))


RuleFn = Callable[..., list[Evidence]]
# name -> (function, {parameter: ("phrases" | "phrases?" (optional) | "number", default)}, needs audio)
RULES: dict[str, tuple[RuleFn, dict[str, tuple[str, Any]], bool]] = {
    "restates_customer": (restates_customer, {"cues": ("phrases", None), "min_shared_words": ("number", 1)}, False),
    "interrupts_customer": (interrupts_customer, {}, False),
    "customer_end_sentiment": (customer_end_sentiment, {"threshold": ("number", 0.6)}, False),
    "greets_and_introduces": (greets_and_introduces, {"greetings": ("phrases", None),
                                                      "introductions": ("phrases", None),
                                                      "within_turns": ("number", 2)}, False),
    "hold_transparency": (hold_transparency, {"announce": ("phrases", None), "reasons": ("phrases", None),
                                              "thanks": ("phrases", None)}, False),
    "listens": (listens, {"generic": ("phrases?", None), "requests": ("phrases?", None),
                          "clarifying": ("phrases?", None),
                          "min_shared_words": ("number", 2), "recent_turns": ("number", 3),
                          "min_their_share": ("number", 0.5), "skip_outcomes": ("number", 0),
                          "which_questions": ("number", 0), "details": ("number", 1),
                          "sentence_generic": ("number", 1)}, False),
    "resolution": (resolution, {"deflections": ("phrases", None), "detail_requests": ("phrases", None),
                                "closures": ("phrases", None), "unresolved": ("phrases?", None),
                                "min_new_words": ("number", 3), "min_answer_words": ("number", 0)}, False),
    "agent_calm": (agent_calm, {"negative_threshold": ("number", 0.8), "max_loudness_rise_db": ("number", 6.0),
                                "max_pitch_rise": ("number", 0.25), "ignore": ("phrases?", None)}, True),
}
