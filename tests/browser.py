"""Start the real reviewer app (`streamlit run app.py`) and drive it in headless Chromium with Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("CALLQA_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
# screenshot name -> the docs' picture it is (copied there with CALLQA_UPDATE_SCREENSHOTS=1: see `publish`)
DOCS_SCREENSHOTS = {name: f"app-{name}.png" for name in
                    ("queue", "queue-vi", "call", "call-vi", "dashboard", "calibration", "my-scorecards", "kpis",
                     "search", "assignments")}


def publish(name: str) -> None:
    """With CALLQA_UPDATE_SCREENSHOTS=1, copy the screenshot `name` (ARTIFACTS/<name>.png) over the docs' picture
    it is (DOCS_SCREENSHOTS: docs/app-<name>.png), so the README and docs show the app as the tests see it."""
    if os.environ.get("CALLQA_UPDATE_SCREENSHOTS") == "1" and name in DOCS_SCREENSHOTS:
        shutil.copyfile(ARTIFACTS / f"{name}.png", ROOT / "docs" / DOCS_SCREENSHOTS[name])


def chromium_path() -> str | None:
    """Debian's `chromium` (or $CALLQA_CHROMIUM): Playwright drives it instead of a downloaded browser."""
    for candidate in (os.environ.get("CALLQA_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(db: str, timeout: float = 90) -> Iterator[str]:
    """`streamlit run app.py -- --db DB` on a free localhost port; yields its URL, stops it afterwards."""
    port = _free_port()
    log = ARTIFACTS / "streamlit.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal", "--", "--db", db]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start; see {log}")
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
