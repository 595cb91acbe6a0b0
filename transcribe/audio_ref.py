"""A transcript's `"audio"` field, resolved safely: the recording it names must be a regular audio file inside
the allowed folders, after every symbolic link is followed.

An imported transcript is input from outside the product (anyone who can drop a file into the batch's input
folder writes it), so its `"audio"` reference is never trusted as a path: `../../etc/passwd`, an absolute path,
a link pointing elsewhere, or the database beside the transcripts are all refused with an `InputError` that
names the transcript, the reference and what to do. Allowed folders: `audio.allowed_roots` (settings), or by
default the transcript's own folder and its subfolders.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

from transcribe.errors import InputError

FIX_ROOTS = ("put the recording in the transcript's folder (or a subfolder) and name it relative to the transcript, "
             "or add its folder to the setting audio.allowed_roots")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def allowed_roots(transcript_path: str, roots: Sequence[str] | None = None) -> list[str]:
    """The folders (resolved) a transcript's recording may lie in: `roots`, else the transcript's own folder."""
    chosen = list(roots) if roots else [os.path.dirname(os.path.abspath(transcript_path))]
    return [os.path.realpath(r) for r in chosen]


def resolve_audio_reference(transcript_path: str, reference: object,
                            roots: Sequence[str] | None = None) -> str | None:
    """The resolved path of the recording `reference` (a transcript's "audio" field) names, or None when the
    field is absent or empty or the file does not exist (the call is then scored without a recording).

    Raises `InputError` when the reference is not a string, is absolute, resolves outside `allowed_roots`
    (symbolic links followed), is not a regular file, or has no audio extension."""
    from transcribe.audio import AUDIO_EXTENSIONS  # here: reading a transcript does not load numpy

    if reference is None or reference == "":
        return None
    where = f"field 'audio' ({reference!r})"
    if not isinstance(reference, str):
        raise InputError(transcript_path, f"{where} must be a file name relative to the transcript",
                         "write the recording's file name, e.g. \"audio\": \"call-0001.wav\"")
    if "\x00" in reference or os.path.isabs(reference):
        raise InputError(transcript_path, f"{where} is an absolute path; a transcript may only name a recording "
                         "relative to its own folder", FIX_ROOTS)
    base = os.path.dirname(os.path.abspath(transcript_path))
    joined = os.path.join(base, reference)
    resolved = os.path.realpath(joined)
    folders = allowed_roots(transcript_path, roots)
    if not any(_inside(resolved, r) for r in folders):
        raise InputError(transcript_path, f"{where} points outside the allowed folders "
                         f"({', '.join(folders)}); the recording was not imported", FIX_ROOTS)
    if not os.path.lexists(joined) or not os.path.exists(resolved):
        return None  # no recording (yet): the call is scored from its transcript, without a player
    if not os.path.isfile(resolved):
        raise InputError(transcript_path, f"{where} is not a regular file (a folder, pipe or device)",
                         "name the recording file itself")
    if not resolved.lower().endswith(AUDIO_EXTENSIONS) or not reference.lower().endswith(AUDIO_EXTENSIONS):
        raise InputError(transcript_path, f"{where} is not an audio file (the name must end in one of "
                         f"{', '.join(AUDIO_EXTENSIONS)})", "name the call's recording, or remove the field")
    return resolved
