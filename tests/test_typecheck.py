"""The code type-checks: mypy, with the settings of pyproject.toml's [tool.mypy], reports no error.

Everything configured is checked, as a plain `mypy` run from the repository root checks it: the packages that
[tool.mypy] `packages` names (qa, scoring, transcribe) with their own errors reported. A new package is held to it
by adding it there.
"""
import tomllib
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent
# a cache of its own (inside mypy's self-ignoring .mypy_cache), so the test and a plain `mypy` run do not share one
CACHE = ["--cache-dir", str(ROOT / ".mypy_cache" / "test_typecheck")]


def test_the_configuration_checks_every_package():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["packages"]
    assert {"qa", "scoring", "transcribe"} <= set(packages), packages


def test_mypy_reports_no_error(monkeypatch):
    monkeypatch.chdir(ROOT)  # the packages are found, and pyproject.toml read, from the repository root
    args = ["--config-file", str(ROOT / "pyproject.toml"), *CACHE]
    report, errors, status = api.run(args)
    assert status == 0, f"mypy {' '.join(args)} exited with {status}:\n{report}{errors}"
    assert "Success: no issues found" in report, report
