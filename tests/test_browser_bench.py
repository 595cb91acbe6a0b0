"""The browser benchmark (bench/browser_pages.py) end to end on a small store: it builds the store, starts the app,
signs in in headless Chromium, opens the queue, a call, the dashboard and search, and writes its JSON (the
figures themselves are not checked: the machine's load decides them)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from browser import chromium_path

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("playwright.sync_api")
CHROMIUM = chromium_path()
NO_BROWSER = "no Chromium found: install Debian's `chromium` (apt install chromium) or set CALLQA_CHROMIUM"
if CHROMIUM is None and os.environ.get("CI"):  # in CI a skipped browser test would hide a missing install step
    raise RuntimeError(NO_BROWSER + " — ./scripts/test.sh installs it when run as root")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)


def test_the_bench_times_the_four_pages(tmp_path):
    out = tmp_path / "pages.json"
    db = tmp_path / "bench.duckdb"
    cmd = [sys.executable, str(ROOT / "bench" / "browser_pages.py"), "--calls", "300", "--repeat", "2",
           "--db", str(db), "--json", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(out.read_text())
    assert result["calls"] == 300 and result["repeat"] == 2 and result["cpu_count"] >= 1
    assert set(result["pages"]) == {"queue", "call", "dashboard", "search"}
    for name, page in result["pages"].items():
        assert len(page["runs_s"]) == 2, name
        assert 0 < page["median_s"] <= page["p95_s"] <= page["max_s"], name
    assert "dashboard" in proc.stdout and "p95" in proc.stdout  # the table printed
