"""What models are configured, whether each is available offline, and downloading them on request."""
from __future__ import annotations

from typing import Any

from qa.config.settings import Settings
from transcribe.asr import WHISPER_ALIASES
from transcribe.errors import ModelUnavailable
from transcribe.hub import resolve


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
