"""What models are configured, whether each is available offline, and downloading them on request."""
from __future__ import annotations

from typing import Any

from qa.settings import Settings
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
        try:
            path = resolve(name, setting=setting, allow_download=allow_download, cache_dir=settings.models_dir,
                           aliases=aliases)
            out.append({"setting": setting, "model": name, "available": True, "detail": path})
        except ModelUnavailable as exc:
            out.append({"setting": setting, "model": name, "available": False, "detail": exc.problem})
    return out


def model_status(settings: Settings) -> list[dict[str, Any]]:
    """Availability of each configured model, without network."""
    return _check(settings, allow_download=False)


def pull_models(settings: Settings) -> list[dict[str, Any]]:
    """Download each configured model into `models_dir` (or the Hugging Face cache). Needs network."""
    return _check(settings, allow_download=True)
