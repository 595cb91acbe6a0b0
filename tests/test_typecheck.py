"""The code type-checks: mypy, with the settings of pyproject.toml's [tool.mypy], reports no error.

For now only the `qa` and `transcribe` packages are held to it: `scoring` is being rewritten and still has errors.
Its modules are still analysed (qa imports them, so their types count) but their own errors are not reported
(`--follow-imports silent`). Once scoring is clean, check everything as configured: `api.run([...CACHE])` with no
`-p` and no `--follow-imports`.
"""
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("qa", "transcribe")
# a cache of its own (inside mypy's self-ignoring .mypy_cache): other options would invalidate a plain `mypy` run's
CACHE = ["--cache-dir", str(ROOT / ".mypy_cache" / "test_typecheck")]


def test_mypy_reports_no_error_in_qa_and_transcribe(monkeypatch):
    monkeypatch.chdir(ROOT)  # the packages are found, and pyproject.toml read, from the repository root
    args = ["--config-file", str(ROOT / "pyproject.toml"), *CACHE, "--follow-imports", "silent"]
    for package in CHECKED:
        args += ["-p", package]
    report, errors, status = api.run(args)
    assert status == 0, f"mypy {' '.join(args)} exited with {status}:\n{report}{errors}"
    assert "Success: no issues found" in report, report
