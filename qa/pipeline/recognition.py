"""Did speech recognition work? A call whose recognition failed is sent to review (`needs_review`) with the
reason, never scored: a scorecard of 0 ("the agent never spoke") or all n/a on a call nobody could read would
hide exactly the calls a reviewer must hear.

Recognition failed when, for the call or one of its stereo channels:
- no words were recognised although the speech gate found speech (or the whole call has no words at all);
- Whisper heard a language outside `asr.languages` (those languages together got less than
  `asr.min_language_probability` on most of the speech);
- most words are unreliable (more than `asr.low_confidence_share` of them below `asr.low_confidence`, or in
  segments the hallucination guard marked: a phrase looping, an unlikely compression ratio or log-probability —
  Whisper base on Vietnamese speech loops "vô vô vô ..." with high word probabilities).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from transcribe.asr import AsrSettings, ChannelResult
from transcribe.errors import CallQAError
from transcribe.types import Transcript

MIN_SPEECH_S = 2.0   # a channel with less speech than this may well say nothing (a cough, a click)
MIN_WORDS = 5        # the low-confidence share is judged on at least this many words
FIX = ("listen to the recording and review it by hand; if many calls fail this way, check asr.model (Whisper base "
       "is weak on Vietnamese: use large-v3-turbo or a Vietnamese fine-tune) and asr.languages")


class RecognitionFailed(CallQAError):
    """Speech recognition failed on this call: it needs review, not a score. `transcript` holds what was
    recognised (its asr record says why)."""

    def __init__(self, path: str, problems: list[str], transcript: Transcript) -> None:
        self.problems = problems
        self.transcript = transcript
        super().__init__(path, "speech recognition failed: " + "; ".join(problems), FIX)


@dataclass(frozen=True)
class ChannelCheck:
    """One recognised channel: `name` is mono, left or right; `speech_seconds`: what the speech gate found;
    `result`: None when the channel was not recognised (no speech)."""

    name: str
    speech_seconds: float
    result: ChannelResult | None

    def record(self) -> dict[str, Any]:
        r = self.result
        return {"channel": self.name, "speech_seconds": round(self.speech_seconds, 2),
                "words": len(r.words) if r else 0, "heard": [asdict(h) for h in r.heard] if r else []}


def recognition_problems(channels: list[ChannelCheck], asr: AsrSettings) -> list[str]:
    """Why recognition failed on this call (empty: it worked)."""
    speech = sum(c.speech_seconds for c in channels)
    if not any(c.result and c.result.words for c in channels):
        if speech:
            return [f"no words recognised although the speech gate found {speech:.1f} s of speech"]
        return ["no speech found in the recording (silence, noise or not a call recording)"]
    problems = []
    for c in channels:
        where = "" if c.name == "mono" else f"channel {c.name}: "
        if c.result is None or not c.result.words:
            if c.speech_seconds >= MIN_SPEECH_S:
                problems.append(f"{where}no words recognised in {c.speech_seconds:.1f} s of speech")
            continue
        heard = c.result.other_language(asr.min_language_probability)
        if heard:
            problems.append(f"{where}heard as language {heard.top!r} (probability {heard.top_probability:.2f}); "
                            f"asr.languages {', '.join(asr.languages)} got {heard.configured_probability:.2f} "
                            f"together (asr.min_language_probability {asr.min_language_probability:g})")
        words = c.result.words
        low = sum(w.probability < asr.low_confidence or bool(w.flag) for w in words)
        if len(words) >= MIN_WORDS and low > asr.low_confidence_share * len(words):
            marked = sum(bool(w.flag) for w in words)
            why = f", {marked} marked by the hallucination guard" if marked else ""
            problems.append(f"{where}{low} of {len(words)} words ({low / len(words):.0%}) are unreliable: "
                            f"confidence below asr.low_confidence {asr.low_confidence:g}{why} (more than "
                            f"asr.low_confidence_share {asr.low_confidence_share:g})")
    return problems
