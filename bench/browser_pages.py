"""The reviewer app's pages in a real browser over a large store: navigation to content for the queue, a call,
the dashboard and search (target p95 ≤ 1.0 s each).

    python bench/browser_pages.py [--calls 100000] [--repeat 10] [--db PATH] [--json PATH] [--words refund] [--after-write]

Builds the store of bench/_bigstore.py (`--calls` synthetic calls of 30 turns; 100,000 took 9 s here, 140 MB: pass
`--db PATH` to keep it there, and the same `--db` again to reuse it), adds a supervisor, starts the real app
(`streamlit run app.py -- --db DB`) and signs in once in headless Chromium (Playwright). Then, `--repeat` times
in turn, it opens each page by its URL — `/?page=queue`, `/?page=call&call=<a random call>`, `/?page=dashboard`,
`/?page=search&q=<words>` — a new app session each time, signed in by the session cookie, and times from
`page.goto` until the page's main content is visible (the queue's "Calls 1–100 of …" and its table, the call's
transcript and criteria, the dashboard's figures table, the search's count and its first hit) and Streamlit's
run has finished (everything below drawn too). One warm-up navigation per page comes first and is not counted.

The app caches what the dashboard and the queue's filters read per version of the database (qa.app.cached):
`--after-write` overrides a criterion of one call (as a reviewer does, through `qa.review.overrides`) before each
navigation, so that nothing cached holds: the first view after a review. It leaves those overrides in the store.
Prints median, p95 and max per page in seconds, with the machine's CPU count and load (a shared machine inflates
the figures); `--json` writes them.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _app import chromium_path, running_app
from _bigstore import build_store
from _common import percentile

from qa.accounts.access import Viewer
from qa.accounts.auth import add_user
from qa.app.cookies import COOKIE
from qa.review.overrides import override
from qa.store.database import Store
from transcribe.errors import InputError

USER, PASSWORD = "bench_sup", "bench supervisor password"
WAIT = 60_000  # ms: a shared machine can be slow; the time taken is what is measured, not this limit
PAGES = ("queue", "call", "dashboard", "search")


def prepare(db: str | None, calls: int, tmp: str) -> tuple[str, int]:
    """The store to measure (built unless `db` exists) with the bench's supervisor; (path, calls in it)."""
    path = db or f"{tmp}/bench.duckdb"
    if not os.path.exists(path):
        _, took = build_store(path, calls)
        print(f"built {calls} calls / {calls * 30} turns in {took:.1f} s at {path}")
    store = Store(path)
    try:
        add_user(store, USER, PASSWORD, "supervisor")
    except InputError:
        pass  # a reused store: the bench's supervisor is there already, with this password
    with store.connect() as con:
        n = con.execute("SELECT count(*) FROM calls").fetchone()[0]
    return path, int(n)


def call_ids(path: str, k: int, seed: int = 0) -> list[str]:
    with Store(path).connect() as con:
        ids = [r[0] for r in con.execute("SELECT call_id FROM calls ORDER BY call_id").fetchall()]
    return random.Random(seed).sample(ids, min(k, len(ids)))


def sign_in(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(USER)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=WAIT)
    finished(page)
    deadline = time.monotonic() + WAIT / 1000
    while not any(c["name"] == COOKIE for c in page.context.cookies()):  # set by the page after the sign-in
        if time.monotonic() > deadline:
            raise RuntimeError("signed in, but the app set no session cookie")
        page.wait_for_timeout(100)


def finished(page: Any) -> None:
    """Wait until Streamlit's run is over (the app root's script state, as Streamlit's own e2e tests read it)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=WAIT)


def main_block(page: Any) -> Any:
    return page.locator('[data-testid="stMain"]')


def shown(page: Any, name: str, call_id: str) -> None:
    """Wait for the page's main content: what it draws once its data is there, not just its header."""
    main = main_block(page)
    if name == "queue":
        main.get_by_text("Calls 1–").first.wait_for(timeout=WAIT)
        main.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT)
    elif name == "call":
        main.get_by_text(f"Call {call_id} — Total").first.wait_for(timeout=WAIT)
        main.locator('[data-testid="stChatMessage"]').first.wait_for(timeout=WAIT)
        main.get_by_text("LAST results").first.wait_for(timeout=WAIT)
    elif name == "dashboard":
        main.get_by_text("Figures shown").first.wait_for(timeout=WAIT)
        main.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT)
    else:
        main.get_by_text(" turn(s) in ").first.wait_for(timeout=WAIT)
        main.get_by_role("button", name="Open the call").first.wait_for(timeout=WAIT)


def navigate(page: Any, url: str, name: str, call_id: str) -> float:
    """Seconds from `page.goto` to the page's content shown and the run finished."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    shown(page, name, call_id)
    finished(page)
    return time.perf_counter() - t0


def review_once(db: str, k: int) -> None:
    """An override of one call's Listen result, alternately pass and fail, as a reviewer makes it: the figures
    of the call's agent change, so nothing the app cached for the older database holds."""
    store = Store(db)
    with store.connect() as con:
        row = con.execute("SELECT min(call_id) FROM calls WHERE call_id NOT IN (SELECT call_id FROM assessments "
                          "WHERE state <> 'draft')").fetchone()
    override(store, Viewer(USER, "supervisor"), row[0], "listen", "pass" if k % 2 else "fail", "benchmark review")


def measure(db: str, repeat: int, words: str, log: Path, *, after_write: bool = False,
            on_page: Callable[[str], None] | None = None) -> dict[str, list[float]]:
    """Seconds per navigation, per page (after one warm-up navigation of each, not counted); `after_write`: each
    navigation follows an override (`review_once`)."""
    from playwright.sync_api import sync_playwright

    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("no Chromium found: install Debian's `chromium` (apt install chromium)")
    ids = call_ids(db, repeat + 1)
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    with running_app(db, log) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        sign_in(page, url)
        for run in range(repeat + 1):
            cid = ids[run % len(ids)]
            urls = {"queue": f"{url}/?page=queue", "call": f"{url}/?page=call&call={quote(cid)}",
                    "dashboard": f"{url}/?page=dashboard", "search": f"{url}/?page=search&q={quote(words)}"}
            for k, name in enumerate(PAGES):
                if after_write:
                    review_once(db, run * len(PAGES) + k)
                took = navigate(page, urls[name], name, cid)
                if run > 0:  # run 0: the warm-up
                    times[name].append(took)
                if on_page:
                    on_page(f"{'warm-up' if run == 0 else f'run {run}'} {name} {took:.2f} s")
        browser.close()
    return times


def summary(times: dict[str, list[float]]) -> dict[str, dict[str, Any]]:
    return {name: {"median_s": round(statistics.median(ts), 3), "p95_s": round(percentile(ts, 95), 3),
                   "max_s": round(max(ts), 3), "runs_s": [round(t, 3) for t in ts]} for name, ts in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=100_000, help="calls in the store built (not with an existing --db)")
    ap.add_argument("--repeat", type=int, default=10, help="timed navigations per page")
    ap.add_argument("--db", help="the store: reused when the file exists, else built there and kept")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--words", default="refund", help="what the search page looks for (words in the transcripts)")
    ap.add_argument("--after-write", action="store_true",
                    help="override a call's criterion before each navigation (the first view after a review)")
    ap.add_argument("--verbose", action="store_true", help="print every navigation's time")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, calls = prepare(args.db, args.calls, tmp)
        times = measure(db, args.repeat, args.words, Path(tmp) / "streamlit.log", after_write=args.after_write,
                        on_page=print if args.verbose else None)
    pages = summary(times)
    result = {"calls": calls, "repeat": args.repeat, "cpu_count": os.cpu_count(),
              "load_average_1m": round(os.getloadavg()[0], 2), "date": datetime.now(UTC).isoformat(
                  timespec="seconds"), "target_p95_s": 1.0, "after_write": args.after_write, "pages": pages}
    print(f"{'page':<10} {'median':>8} {'p95':>8} {'max':>8}   ({calls} calls, {args.repeat} navigations a page)")
    for name, s in pages.items():
        print(f"{name:<10} {s['median_s']:>7.2f}s {s['p95_s']:>7.2f}s {s['max_s']:>7.2f}s")
    print(f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f} (a shared machine inflates the times); "
          f"worst p95 {max(s['p95_s'] for s in pages.values()):.2f} s (target <= 1.0 s)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
