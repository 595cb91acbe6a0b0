"""Import transcript files into a `Transcript`.

JSON shape (other fields are allowed and kept):
    {"call_id": str, "language": "vi"|"en", "agent_id": str?,
     "turns": [{"speaker": "agent"|"customer"|any label, "start": s, "end": s, "text": str}]}
Turns with other speaker labels ("spk_0", "A", …) keep them here; the pipeline then decides which label is
the agent (`transcribe.speakers.decide_turn_roles`). Turns keep the file's order, so evidence turn indexes point into
the file as written.

A transcript is input from outside the product, so it is bounded before and while it is read (`Limits`): file
size, JSON nesting depth, number of turns, text per turn, and `call_id` (at most 128 printable characters, no
line breaks or control characters). A file over a limit fails with an `InputError` naming the limit — never a
crash (a 600-level nested field used to overflow the recursion limit later, while pickling the call). Its
`"audio"` reference is resolved by `transcribe.audio_ref` (allowed folders only); a refused reference is logged
and kept as `extra["audio_refused"]`, and the call is scored from its text without a recording.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from transcribe.audio_ref import resolve_audio_reference
from transcribe.errors import InputError
from transcribe.types import ROLES, Transcript, Turn

logger = logging.getLogger("qa")

TRANSCRIPT_LANGUAGES = ("vi", "en")
TURN_FIELDS = ("speaker", "start", "end", "text")
SHAPE = ('{"call_id": str, "language": "vi"|"en", "agent_id": str (optional), "turns": '
         '[{"speaker": "agent"|"customer"|"spk_0"|…, "start": seconds, "end": seconds, "text": str}]}')


MAX_ID_CHARS = 128


@dataclass(frozen=True)
class Limits:
    """What one transcript file may hold. `max_bytes` follows `batch.max_transcript_mb` in the pipeline."""

    max_bytes: int = 20_000_000
    max_depth: int = 32          # JSON nesting (objects and lists); a transcript needs about 5
    max_turns: int = 50_000      # about 28 hours at one turn every 2 s
    max_text_chars: int = 50_000  # per turn


DEFAULT_LIMITS = Limits()


def json_depth(value: Any, limit: int) -> int:
    """Nesting depth of a decoded JSON value (a scalar is 0), counted without recursion; stops at `limit` + 1."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def read_bounded(path: str, limits: Limits) -> bytes:
    """The file's bytes, refused with an `InputError` when it is larger than `limits.max_bytes`."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        data = fh.read(limits.max_bytes + 1)
    if size > limits.max_bytes or len(data) > limits.max_bytes:
        raise InputError(path, f"is {max(size, len(data)) / 1e6:.1f} MB, larger than batch.max_transcript_mb "
                         f"({limits.max_bytes / 1e6:g} MB) allows for a transcript",
                         "check that it is a single call's transcript, or raise batch.max_transcript_mb")
    return data


def load_transcript(path: str | os.PathLike, *, limits: Limits = DEFAULT_LIMITS,
                    audio_roots: Sequence[str] | None = None) -> Transcript:
    """Read and validate a transcript JSON file. Raises `InputError` naming the file, the field and the fix.
    `audio_roots`: the folders its "audio" recording may lie in (default: the transcript's own folder)."""
    path = os.fspath(path)
    try:
        raw = read_bounded(path, limits)
        data = json.loads(raw.decode("utf-8-sig"))  # a byte-order mark (Windows tools write one) is fine
    except RecursionError:
        raise InputError(path, f"is nested more than {limits.max_depth} levels deep (JSON objects or lists "
                         "inside each other)", "a call transcript needs about 5 levels: check how it was "
                         "produced") from None
    except FileNotFoundError:
        raise InputError(path, "file not found", "check the path") from None
    except PermissionError:
        raise InputError(path, "cannot be read (permission denied)",
                         "give the user running callqa read access") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})", "save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                         f"expected {SHAPE}") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a transcript file", "name the .json file") from None
    transcript = transcript_from_dict(data, path, limits=limits, audio_roots=audio_roots)
    transcript.sha256 = hashlib.sha256(raw).hexdigest()  # the identity of the imported call's content
    return transcript


def _need(cond: bool, path: str, problem: str) -> None:
    if not cond:
        raise InputError(path, problem, f"expected {SHAPE}")


def _seconds(value: Any, path: str, where: str) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
    _need(ok, path, f"{where} must be a non-negative number of seconds, not {value!r}")
    return float(value)


def _identifier(value: str, path: str, name: str) -> str:
    """A call or agent id as stored and shown: stripped, at most MAX_ID_CHARS printable characters."""
    value = value.strip()
    shown = repr(value[:40]) + ("…" if len(value) > 40 else "")
    if len(value) > MAX_ID_CHARS:
        raise InputError(path, f"field {name!r} is {len(value)} characters long ({shown}); at most "
                         f"{MAX_ID_CHARS} are allowed", "give the call a short id, e.g. its recording system's id")
    if not value.isprintable():
        raise InputError(path, f"field {name!r} ({shown}) contains a line break, tab or other control character",
                         "use letters, digits and punctuation only")
    return value


def transcript_from_dict(data: Any, path: str = "<transcript>", *, limits: Limits = DEFAULT_LIMITS,
                         audio_roots: Sequence[str] | None = None) -> Transcript:
    """Validate a decoded transcript object (see module docstring for the shape and the limits)."""
    _need(isinstance(data, dict), path, f"top level must be a JSON object, not {type(data).__name__}")
    depth = json_depth(data, limits.max_depth)
    if depth > limits.max_depth:
        raise InputError(path, f"is nested more than {limits.max_depth} levels deep (JSON objects or lists inside "
                         "each other)", "a call transcript needs about 5 levels: check how it was produced")
    for key in ("call_id", "language", "turns"):
        _need(key in data, path, f"missing field {key!r}")
    call_id, language, turns = data["call_id"], data["language"], data["turns"]
    _need(isinstance(call_id, str) and call_id.strip() != "", path, "field 'call_id' must be a non-empty string")
    call_id = _identifier(call_id, path, "call_id")
    _need(language in TRANSCRIPT_LANGUAGES, path,
          f"field 'language' must be one of {', '.join(TRANSCRIPT_LANGUAGES)}, not {language!r}")
    agent_id = data.get("agent_id")
    _need(agent_id is None or isinstance(agent_id, str), path, "field 'agent_id' must be a string when present")
    if agent_id is not None:
        agent_id = _identifier(agent_id, path, "agent_id") or None
    _need(isinstance(turns, list) and len(turns) > 0, path, "field 'turns' must be a non-empty list")
    if len(turns) > limits.max_turns:
        raise InputError(path, f"has {len(turns)} turns, more than the {limits.max_turns} one call may have",
                         "check that it is a single call's transcript (split a merged export per call)")
    out: list[Turn] = []
    for i, raw in enumerate(turns):
        where = f"turns[{i}]"
        _need(isinstance(raw, dict), path, f"{where} must be an object")
        for key in TURN_FIELDS:
            _need(key in raw, path, f"{where}: missing field {key!r}")
        _need(isinstance(raw["speaker"], str) and raw["speaker"].strip() != "", path,
              f"{where}.speaker must be a non-empty string ({', '.join(ROLES)} or a speaker label such as "
              f"'spk_0'), not {raw['speaker']!r}")
        start, end = _seconds(raw["start"], path, f"{where}.start"), _seconds(raw["end"], path, f"{where}.end")
        _need(end >= start, path, f"{where}: end ({end}) is before start ({start})")
        _need(isinstance(raw["text"], str), path, f"{where}.text must be a string")
        if len(raw["text"]) > limits.max_text_chars:
            raise InputError(path, f"{where}.text is {len(raw['text'])} characters long, more than the "
                             f"{limits.max_text_chars} one turn may have",
                             "split the turn where the speaker pauses, or check how the file was produced")
        extra = {k: v for k, v in raw.items() if k not in TURN_FIELDS}
        out.append(Turn(speaker=raw["speaker"].strip(), start=start, end=end, text=raw["text"].strip(), extra=extra))
    extra = {k: v for k, v in data.items() if k not in ("call_id", "language", "agent_id", "turns")}
    try:
        audio_path = resolve_audio_reference(path, extra.get("audio"), audio_roots)
    except InputError as exc:  # the call is scored from its text; the recording is not imported
        logger.warning("%s", exc.message)
        audio_path, extra["audio_refused"] = None, exc.message
    return Transcript(call_id=call_id, language=language, turns=out,
                      duration=max(t.end for t in out), source="transcript", source_path=str(path),
                      agent_id=agent_id, audio_path=audio_path, extra=extra,
                      roles={"method": "transcript", "confidence": 1.0})
