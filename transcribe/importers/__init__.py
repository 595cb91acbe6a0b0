"""Transcripts from other tools: callqa's own JSON, SRT, WebVTT, CSV, Amazon Transcribe, whisperX and Azure
batch transcription JSON, told apart by content first (a "WEBVTT" line, JSON keys, SRT timing lines) and by
extension second. Each format has its module; all of them give turns with speaker labels, which become roles
by name (`imports.agent_labels`) here or by the pipeline's role decision (greeting cues, stereo channel).

A file is bounded like a callqa transcript (`transcribe.formats.Limits`) and every failure is an `InputError`
naming the file, what is wrong and what the format should look like (docs/importing.md)."""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence

from transcribe.errors import InputError
from transcribe.formats import DEFAULT_LIMITS, SHAPE, Limits, json_depth, read_bounded, transcript_from_dict
from transcribe.importers.common import finish, name_roles
from transcribe.importers.settings import ImportSettings
from transcribe.types import Transcript

__all__ = ["FORMATS", "IMPORT_EXTENSIONS", "ImportSettings", "detect_format", "is_importable", "load_call"]

IMPORT_EXTENSIONS = (".json", ".srt", ".vtt", ".csv", ".tsv")
FORMATS = ("callqa", "srt", "webvtt", "csv", "amazon", "whisperx", "azure")
_SRT_TIMING = re.compile(r"^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.M)
KNOWN_JSON = (f"a callqa transcript ({SHAPE}), Amazon Transcribe output (results.items), whisperX output "
              "(segments) or an Azure batch transcription result (recognizedPhrases) — see docs/importing.md")


def is_importable(path: str) -> bool:
    """Whether the file's extension is one of the transcript formats (content decides the format)."""
    return path.lower().endswith(IMPORT_EXTENSIONS)


def detect_format(path: str, text: str) -> str:
    """"json", "webvtt", "srt" or "csv": the file's content first, then its extension."""
    head = text[:4096].lstrip()
    if head.startswith("WEBVTT"):
        return "webvtt"
    if head.startswith(("{", "[")):
        return "json"
    if _SRT_TIMING.match(head):
        return "srt"
    ext = os.path.splitext(path)[1].lower()
    return {".vtt": "webvtt", ".srt": "srt", ".csv": "csv", ".tsv": "csv", ".json": "json"}.get(ext, "csv")


def _decode(path: str, limits: Limits) -> tuple[bytes, str]:
    try:
        raw = read_bounded(path, limits)
        return raw, raw.decode("utf-8-sig")  # a byte-order mark (Excel, Windows tools) is fine
    except FileNotFoundError:
        raise InputError(path, "file not found", "check the path") from None
    except PermissionError:
        raise InputError(path, "cannot be read (permission denied)",
                         "give the user running callqa read access") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a transcript file", "name the file") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})", "save it as UTF-8") from None


def _json(path: str, text: str, limits: Limits) -> object:
    try:
        data = json.loads(text)
    except RecursionError:
        data = None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                         f"expected {KNOWN_JSON}") from None
    if data is None or json_depth(data, limits.max_depth) > limits.max_depth:
        raise InputError(path, f"is nested more than {limits.max_depth} levels deep (JSON objects or lists inside "
                         "each other)", "a call transcript needs a few levels: check how it was produced")
    return data


def load_call(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS,
              audio_roots: Sequence[str] | None = None, settings: ImportSettings | None = None) -> Transcript:
    """Read any supported transcript file as a call (roles by speaker name only; see the module docstring)."""
    from transcribe.importers.amazon import is_amazon, read_amazon
    from transcribe.importers.azure import is_azure, read_azure
    from transcribe.importers.csv_format import read_csv
    from transcribe.importers.srt import read_srt
    from transcribe.importers.webvtt import read_vtt
    from transcribe.importers.whisperx import is_whisperx, read_whisperx

    path = os.fspath(path)
    settings = settings or ImportSettings()
    raw, text = _decode(path, limits)
    kind = detect_format(path, text)
    if kind == "json":
        data = _json(path, text, limits)
        if isinstance(data, dict) and ("turns" in data or "call_id" in data):
            transcript = transcript_from_dict(data, path, limits=limits, audio_roots=audio_roots)
            transcript.sha256 = hashlib.sha256(raw).hexdigest()
            return transcript
        if is_amazon(data):
            kind, call = "amazon", read_amazon(data, path)
        elif is_azure(data):
            kind, call = "azure", read_azure(data, path)
        elif is_whisperx(data):
            kind, call = "whisperx", read_whisperx(data, path)
        else:
            keys = ", ".join(list(data)[:8]) if isinstance(data, dict) else f"a JSON {type(data).__name__}"
            raise InputError(path, f"is JSON in no format callqa reads (top level: {keys})", f"expected {KNOWN_JSON}")
    elif kind == "webvtt":
        call = read_vtt(text, path)
    elif kind == "srt":
        call = read_srt(text, path)
    else:
        call = read_csv(text, path, settings)
    name_roles(call.turns, settings.agent_labels, settings.customer_labels)
    transcript = finish(path, call, kind, settings.language, limits)
    transcript.sha256 = hashlib.sha256(raw).hexdigest()
    return transcript
