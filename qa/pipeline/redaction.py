"""Personal data out of a call before it is scored and stored (`privacy.redact`): the one place the pipeline
redacts (`Pipeline.process` calls `redact_transcript` on the transcript it has just read or recognised).

The raw transcript exists only until then: code that needs its raw text (a repeat-caller key from the phone number
said in the call, for instance) reads it from `raw` in `redact_transcript(transcript, privacy, before=...)`'s
`before` hook, or calls `qa.privacy.phone_numbers(transcript.turns)` on the transcript before passing it here."""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from qa.config.settings import PrivacySettings
from qa.privacy import redact_turns
from transcribe.types import Transcript

__all__ = ["RawHook", "redact_transcript"]

logger = logging.getLogger("qa")

RawHook = Callable[[Transcript], None]  # sees the raw transcript; what it adds to transcript.extra is kept


def redact_transcript(transcript: Transcript, privacy: PrivacySettings,
                      before: RawHook | None = None) -> Transcript:
    """A new transcript with the personal data of its turns replaced by placeholders (text and words, word times
    kept) and `extra["privacy"]` saying what was redacted; `transcript` itself is unchanged. `before` is called with
    the raw transcript first. With `privacy.redact` false the transcript is returned as it is (after `before`)."""
    if before is not None:
        before(transcript)
    if not privacy.redact:
        return transcript
    turns, redaction = redact_turns(transcript.turns, frozenset(privacy.entities))
    if redaction.counts:
        logger.debug("%s: redacted %s", transcript.call_id, redaction.counts)
    return dataclasses.replace(transcript, turns=turns, extra={**transcript.extra, "privacy": redaction.record()})
