"""The product's own copy of each call's recording: `<db>.media/<sha256>.<ext>`, filled at ingest.

A stored call refers to its recording by content hash (`calls.media`), never by a path it was given; the app
plays only files from this folder, read as bytes, after checking that the viewer may see the call
(`qa.accounts.access.recording`). A recording is registered only when its first bytes are those of an audio
container (WAV, FLAC, MP3, Ogg, MP4/M4A, AAC, WMA, WebM): a text file or a database renamed `.wav` is never
copied here. The folder is private to the user running callqa (0700, files 0600); back it up with the database.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import stat

logger = logging.getLogger("qa")

MIME = {"wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg", "ogg": "audio/ogg", "m4a": "audio/mp4",
        "aac": "audio/aac", "wma": "audio/x-ms-wma", "webm": "audio/webm"}
KEY = re.compile(r"^[0-9a-f]{64}\.(" + "|".join(MIME) + r")$")
HEAD_BYTES = 16


def media_dir(db_path: str) -> str:
    """The media folder of the database at `db_path` (beside it)."""
    return os.path.abspath(db_path) + ".media"


def sniff(head: bytes) -> str | None:
    """The audio container the first bytes of a file belong to (a MIME key), or None when they are not audio."""
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:3] == b"ID3":
        return "mp3"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:4] == b"ADIF":
        return "aac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:  # ADTS (MPEG-2/4 AAC), layer bits 00
        return "aac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # MPEG audio frame sync
        return "mp3"
    if head[:8] == bytes.fromhex("3026b2758e66cf11"):
        return "wma"
    if head[:4] == bytes.fromhex("1a45dfa3"):
        return "webm"
    return None


def register(db_path: str, source: str) -> str | None:
    """Copy the recording at `source` into the media folder of `db_path`; returns its key (`<sha256>.<ext>`), or
    None (logged) when it is not a regular audio file or cannot be read. The same content is stored once."""
    folder = media_dir(db_path)
    real = os.path.realpath(source)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        logger.warning("%s: recording not stored for the app (%s)", source, exc.strerror)
        return None
    with os.fdopen(fd, "rb") as src:
        if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
            logger.warning("%s: recording not stored for the app (not a regular file)", source)
            return None
        head = src.read(HEAD_BYTES)
        kind = sniff(head)
        if kind is None:
            logger.warning("%s: recording not stored for the app (its content is not a known audio format)", source)
            return None
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
        digest = hashlib.sha256(head)
        tmp = os.path.join(folder, f".incoming-{os.getpid()}-{os.urandom(4).hex()}")
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(out, "wb") as dst:
                dst.write(head)
                for block in iter(lambda: src.read(1 << 20), b""):
                    digest.update(block)
                    dst.write(block)
            key = f"{digest.hexdigest()}.{kind}"
            final = os.path.join(folder, key)
            if os.path.exists(final):
                os.unlink(tmp)
            else:
                os.replace(tmp, final)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    return key


def read(db_path: str, key: str | None) -> tuple[bytes, str] | None:
    """(bytes, MIME type) of the registered recording `key`, or None when there is none. Only a well-formed key
    names a file, and only inside the media folder (no link followed)."""
    if not key or not KEY.match(key):
        return None
    try:
        fd = os.open(os.path.join(media_dir(db_path), key), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        return fh.read(), MIME[key.rsplit(".", 1)[1]]
