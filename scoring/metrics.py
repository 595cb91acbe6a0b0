"""Conversation metrics from exact turn times (pure functions).

Talk is the union of a party's turn intervals, so one party's overlapping turns are not counted twice.
Definitions (all in seconds of the original recording unless stated):

- `handling_time`: the recording's duration (or the last turn's end when the duration is unknown);
- `talk_ratio`: agent talk / (agent talk + customer talk);
- `silence_share`: time nobody speaks / handling time; `longest_silence`: the longest such stretch,
  including before the first and after the last word;
- holds: silences between two turns of at least `hold_min_seconds` (`holds`, `hold_time`, `longest_hold`);
- interruptions: a turn that starts while the other party is speaking, who keeps speaking at least
  `interruption_min_overlap` seconds after it (or whose turn ends with a cut-off mark, "—" or "..."); turns made
  only of backchannels ("uh-huh", "dạ", "vâng") do not count;
- `overlap`: time both parties speak at once;
- `first_response_latency`: from the start of the recording to the agent's first turn;
  `mean_response_latency`: mean gap from the end of a customer turn to the agent turn that follows it
  (0 when the agent starts before the customer finishes);
- speech rates: words per minute of that party's talk;
- customer sentiment: polarity and label of the customer's first and last turns; `turned_around` is True
  when the customer started negative and did not end negative (None when they did not start negative).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scoring.phrases import TurnTokens, folded_key, turn_tokens
from scoring.types import CallMetrics, Hold, Prosody, Sentiment
from transcribe.text import fold
from transcribe.types import AGENT, CUSTOMER, Transcript

DEFAULT_BACKCHANNELS = ("yes", "yeah", "yep", "ok", "okay", "uh", "huh", "uhuh", "mm", "mhm", "hmm", "right", "sure",
                        "i see", "got it", "alright", "dạ", "vâng", "ừ", "ừm", "ờ", "à", "ạ", "dạ vâng", "vâng ạ",
                        "dạ rồi")


@dataclass(frozen=True)
class MetricsOptions:
    """Thresholds of the metrics; set in the rubric file's `metrics` section."""

    hold_min_seconds: float = 20.0
    interruption_min_overlap: float = 0.5
    backchannels: tuple[str, ...] = DEFAULT_BACKCHANNELS
    _words: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        words = frozenset(w for phrase in self.backchannels for w in fold(phrase).split())
        object.__setattr__(self, "_words", words)

    def is_backchannel(self, tt: TurnTokens) -> bool:
        """True when every word of the turn is a backchannel word (an empty turn is one too)."""
        words = self._words
        if tt.folded:
            return all(k in words for k in tt.key_seq)
        return all(k in words for k in map(folded_key, tt.key_seq))


def _union(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The intervals merged where they overlap or touch, in order."""
    if not intervals:
        return []
    ordered = sorted(intervals)
    merged = []
    lo, hi = ordered[0]
    for a, b in ordered:
        if a <= hi:
            if b > hi:
                hi = b
        else:
            merged.append((lo, hi))
            lo, hi = a, b
    merged.append((lo, hi))
    return merged


def _length(intervals: list[tuple[float, float]]) -> float:
    return sum([b - a for a, b in intervals])


def _intersection(x: list[tuple[float, float]], y: list[tuple[float, float]]) -> float:
    total, i, j, nx, ny = 0.0, 0, 0, len(x), len(y)
    while i < nx and j < ny:
        (xa, xb), (ya, yb) = x[i], y[j]
        both = (xb if xb < yb else yb) - (xa if xa > ya else ya)
        if both > 0:
            total += both
        if xb < yb:
            i += 1
        else:
            j += 1
    return total


def _by_start(turns: Sequence) -> list[int]:
    """Turn indexes ordered by start time (stable)."""
    return sorted(range(len(turns)), key=[t.start for t in turns].__getitem__)


def starts_inside(transcript: Transcript, order: list[int] | None = None) -> list[int]:
    """Indexes, in order, of the turns that start while a turn that started earlier is still going: the only
    turns that can be interruptions (one sort instead of comparing every pair of turns). `order`: the turns
    by start (`_by_start`), when the caller has it."""
    turns = transcript.turns
    starts = [t.start for t in turns]
    order = _by_start(turns) if order is None else order
    out: list[int] = []
    reach = None  # the latest end of the turns that started strictly earlier
    k, n = 0, len(order)
    while k < n:
        start, latest = starts[order[k]], reach
        while k < n and starts[order[k]] == start:  # turns starting together do not start inside each other
            i = order[k]
            if reach is not None and start < reach:
                out.append(i)
            if latest is None or turns[i].end > latest:
                latest = turns[i].end
            k += 1
        reach = latest
    return sorted(out)


CUT_OFF = ("—", "–", "--", "-", "…", "...")  # a transcriber's mark that the speaker was cut off


def interruptions(transcript: Transcript, tokens: Sequence[TurnTokens], by: str,
                  options: MetricsOptions, candidates: Sequence[int] | None = None) -> list[int]:
    """Indexes of `by`'s turns that start while the other party is speaking, when the other keeps speaking at
    least `options.interruption_min_overlap` seconds after that (talking over them, not a turn taken a moment
    early), or at all when the other's turn ends with a cut-off mark ("—",
    "...": the transcriber heard them cut off); backchannel-only turns are not interruptions.
    `candidates`: `starts_inside(transcript)` when the caller has it (other turns are not looked at)."""
    turns = transcript.turns
    others = [(o.start, o.end, o.text.rstrip().endswith(CUT_OFF)) for o in turns if o.speaker != by]
    least = options.interruption_min_overlap
    out = []
    for i in range(len(turns)) if candidates is None else candidates:
        t = turns[i]
        if t.speaker != by:
            continue
        start = t.start
        for a, b, cut in others:
            if a < start < b and (cut or b - start >= least):
                if not options.is_backchannel(tokens[i]):
                    out.append(i)
                break
    return out


def find_holds(transcript: Transcript, options: MetricsOptions, order: list[int] | None = None) -> list[Hold]:
    """Silences between turns of at least `options.hold_min_seconds` (`order`: as in `starts_inside`)."""
    holds, reach, last = [], None, -1
    turns = transcript.turns
    for i in _by_start(turns) if order is None else order:
        t = turns[i]
        if reach is not None and t.start - reach >= options.hold_min_seconds:
            holds.append(Hold(round(reach, 3), round(t.start, 3), last))
        if reach is None or t.end >= reach:
            reach, last = t.end, i
    return holds


def conversation_metrics(transcript: Transcript, sentiments: Sequence[Sentiment],
                         options: MetricsOptions | None = None, tokens: Sequence[TurnTokens] | None = None,
                         prosody: Sequence[Prosody | None] = ()) -> CallMetrics:
    """All metrics of one call (see the module docstring for the definitions)."""
    options = options or MetricsOptions()
    tokens = tokens if tokens is not None else [turn_tokens(t) for t in transcript.turns]
    turns = transcript.turns
    agent_spans: list[tuple[float, float]] = []
    customer_spans: list[tuple[float, float]] = []
    latencies: list[float] = []
    cust: list[int] = []  # the customer's turns that have a sentiment
    agent_words = customer_words = 0
    first_agent = None
    previous_speaker, previous_end, n_sentiments = None, 0.0, len(sentiments)
    for i, t in enumerate(turns):  # one pass for talk, words, latencies and the customer's turns
        speaker = t.speaker
        if speaker == AGENT:
            agent_spans.append((t.start, t.end))
            agent_words += len(t.words) if t.words else len(t.text.split())
            if first_agent is None:
                first_agent = t
            if previous_speaker == CUSTOMER:
                latencies.append(max(0.0, t.start - previous_end))
        elif speaker == CUSTOMER:
            customer_spans.append((t.start, t.end))
            customer_words += len(t.words) if t.words else len(t.text.split())
            if i < n_sentiments:
                cust.append(i)
        previous_speaker, previous_end = speaker, t.end
    agent, customer = _union(agent_spans), _union(customer_spans)
    speech = _union(agent + customer)
    end = speech[-1][1] if speech else 0.0  # merged intervals are disjoint and in order: the last ends last
    handling = transcript.duration if transcript.duration and transcript.duration >= end else end
    gaps = [b[0] - a[1] for a, b in zip(speech, speech[1:])]
    if speech:
        gaps += [speech[0][0], handling - speech[-1][1]]
    agent_talk, customer_talk = _length(agent), _length(customer)
    talk = agent_talk + customer_talk
    order = _by_start(turns)
    holds = find_holds(transcript, options, order)
    inside = starts_inside(transcript, order)
    agent_int = interruptions(transcript, tokens, AGENT, options, inside) if inside else []
    customer_int = interruptions(transcript, tokens, CUSTOMER, options, inside) if inside else []
    first_s = sentiments[cust[0]] if cust else None
    last_s = sentiments[cust[-1]] if cust else None
    turned = None
    if first_s is not None and last_s is not None and first_s.label == "negative" and len(cust) > 1:
        turned = last_s.label != "negative"

    def rate(words: int, seconds: float) -> float | None:
        return round(60.0 * words / seconds, 1) if seconds > 0 else None

    return CallMetrics(
        handling_time=round(handling, 3), agent_talk=round(agent_talk, 3), customer_talk=round(customer_talk, 3),
        talk_ratio=round(agent_talk / talk, 4) if talk else None,
        silence_share=round(max(0.0, handling - _length(speech)) / handling, 4) if handling else None,
        longest_silence=round(max(gaps, default=0.0), 3),
        holds=len(holds), hold_time=round(sum(h.seconds for h in holds), 3),
        longest_hold=max((h.seconds for h in holds), default=0.0),
        agent_interruptions=len(agent_int), customer_interruptions=len(customer_int),
        overlap=round(_intersection(agent, customer), 3),
        first_response_latency=round(first_agent.start, 3) if first_agent else None,
        mean_response_latency=round(sum(latencies) / len(latencies), 3) if latencies else None,
        agent_speech_rate=rate(agent_words, agent_talk), customer_speech_rate=rate(customer_words, customer_talk),
        customer_sentiment_start=first_s.polarity if first_s else None,
        customer_sentiment_end=last_s.polarity if last_s else None,
        customer_label_start=first_s.label if first_s else None,
        customer_label_end=last_s.label if last_s else None,
        turned_around=turned, hold_spans=holds, interruption_turns=agent_int, prosody=list(prosody))
