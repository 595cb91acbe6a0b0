"""Import transcript files into a `Transcript`.

JSON shape (other fields are allowed and kept):
    {"call_id": str, "language": "vi"|"en", "agent_id": str?,
     "turns": [{"speaker": "agent"|"customer"|any label, "start": s, "end": s, "text": str}]}
Turns with other speaker labels ("spk_0", "A", …) keep them here; the pipeline then decides which label is
the agent (`transcribe.speakers.decide_turn_roles`). Turns keep the file's order, so evidence turn indexes point into
the file as written.
"""
from __future__ import annotations

import json
import math
import os
from typing import Any

from transcribe.errors import InputError
from transcribe.types import ROLES, Transcript, Turn

TRANSCRIPT_LANGUAGES = ("vi", "en")
TURN_FIELDS = ("speaker", "start", "end", "text")
SHAPE = ('{"call_id": str, "language": "vi"|"en", "agent_id": str (optional), "turns": '
         '[{"speaker": "agent"|"customer"|"spk_0"|…, "start": seconds, "end": seconds, "text": str}]}')


def load_transcript(path: str | os.PathLike) -> Transcript:
    """Read and validate a transcript JSON file. Raises `InputError` naming the file, the field and the fix."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
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
    return transcript_from_dict(data, path)


def _need(cond: bool, path: str, problem: str) -> None:
    if not cond:
        raise InputError(path, problem, f"expected {SHAPE}")


def _seconds(value: Any, path: str, where: str) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
    _need(ok, path, f"{where} must be a non-negative number of seconds, not {value!r}")
    return float(value)


def transcript_from_dict(data: Any, path: str = "<transcript>") -> Transcript:
    """Validate a decoded transcript object (see module docstring for the shape)."""
    _need(isinstance(data, dict), path, f"top level must be a JSON object, not {type(data).__name__}")
    for key in ("call_id", "language", "turns"):
        _need(key in data, path, f"missing field {key!r}")
    call_id, language, turns = data["call_id"], data["language"], data["turns"]
    _need(isinstance(call_id, str) and call_id.strip() != "", path, "field 'call_id' must be a non-empty string")
    _need(language in TRANSCRIPT_LANGUAGES, path,
          f"field 'language' must be one of {', '.join(TRANSCRIPT_LANGUAGES)}, not {language!r}")
    agent_id = data.get("agent_id")
    _need(agent_id is None or isinstance(agent_id, str), path, "field 'agent_id' must be a string when present")
    _need(isinstance(turns, list) and len(turns) > 0, path, "field 'turns' must be a non-empty list")
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
        extra = {k: v for k, v in raw.items() if k not in TURN_FIELDS}
        out.append(Turn(speaker=raw["speaker"].strip(), start=start, end=end, text=raw["text"].strip(), extra=extra))
    extra = {k: v for k, v in data.items() if k not in ("call_id", "language", "agent_id", "turns")}
    audio_path = None
    if isinstance(extra.get("audio"), str):
        candidate = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), extra["audio"]))
        audio_path = candidate if os.path.isfile(candidate) else None
    return Transcript(call_id=call_id.strip(), language=language, turns=out,
                      duration=max(t.end for t in out), source="transcript", source_path=str(path),
                      agent_id=agent_id, audio_path=audio_path, extra=extra,
                      roles={"method": "transcript", "confidence": 1.0})
