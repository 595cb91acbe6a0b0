"""Which files under the given paths a batch scores, and every file it leaves out with the reason.

A folder is walked in sorted order; recordings (transcribe.audio.AUDIO_EXTENSIONS) and transcripts
(transcribe.importers.IMPORT_EXTENSIONS) are kept, and every other file is counted as skipped: hidden files,
files inside hidden folders (.git, .cache), other extensions, and links to folders (not followed). A path named
on the command line is kept as it is, so that a missing or wrong file is reported as a failure, never ignored."""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from qa.batch.types import SkippedFile
from qa.pipeline.call import is_audio_file, is_transcript_file

HIDDEN_FILE = "hidden file"
HIDDEN_FOLDER = "inside a hidden folder"
FOLDER_LINK = "link to a folder (not followed)"


@dataclass
class Scan:
    """The files to score, in order, and the files left out."""

    files: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    def reasons(self) -> Counter[str]:
        """How many files were left out for each reason, most common first when listed."""
        return Counter(s.reason for s in self.skipped)


def _other(name: str) -> tuple[str, str]:
    ext = os.path.splitext(name)[1].lower()
    if not ext:
        return "not a recording or transcript (no extension)", "not_media"
    return f"not a recording or transcript ({ext})", "not_media"


def scan(paths: Iterable[str]) -> Scan:
    """Files to score under `paths` (see the module docstring), each once, and the skipped ones."""
    out = Scan()
    for p in paths:
        if not os.path.isdir(p):
            out.files.append(p)
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for d in list(dirs):
                full = os.path.join(root, d)
                if d.startswith("."):
                    dirs.remove(d)
                    for sub_root, _, sub_files in os.walk(full):
                        out.skipped.extend(SkippedFile(os.path.join(sub_root, f), HIDDEN_FOLDER, "hidden_folder")
                                           for f in sorted(sub_files))
                elif os.path.islink(full):
                    out.skipped.append(SkippedFile(full, FOLDER_LINK, "folder_link"))
            for f in sorted(files):
                full = os.path.join(root, f)
                if f.startswith("."):
                    out.skipped.append(SkippedFile(full, HIDDEN_FILE, "hidden_file"))
                elif is_audio_file(f) or is_transcript_file(f):
                    out.files.append(full)
                else:
                    reason, key = _other(f)
                    out.skipped.append(SkippedFile(full, reason, key))
    out.files = list(dict.fromkeys(out.files))
    return out


def discover(paths: Iterable[str]) -> list[str]:
    """Only the files to score (`scan(paths).files`)."""
    return scan(paths).files
