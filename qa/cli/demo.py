"""`callqa demo`: score the bundled sample calls, falling back to their reference transcripts — loudly —
when the speech model is not available, make demo accounts (qa.accounts.demo_users), then start the reviewer app."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from qa.accounts.demo_users import announce_demo_users, link_sample_agents
from qa.cli.console import print_report, run_score
from qa.config.settings import Settings
from qa.store.database import Store


def samples_dir() -> Path:
    """The sample_calls folder of this source tree (or $CALLQA_SAMPLES)."""
    env = os.environ.get("CALLQA_SAMPLES")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "sample_calls"


def app_path() -> Path:
    return Path(__file__).resolve().parents[1] / "app" / "entry" / "streamlit_app.py"


def launch_app(db: str, port: int = 8501, address: str = "localhost", *, session_idle_minutes: float | None = None,
               session_max_hours: float | None = None) -> int:
    """Run `streamlit run app.py -- --db DB` listening on `address` only (with the session limits, when
    given, after `--` too; else the app reads $CALLQA_SESSION_IDLE_MINUTES / $CALLQA_SESSION_MAX_HOURS).

    Usage statistics are off, and an explicit address also stops Streamlit from looking up the
    machine's external IP over the network: callqa makes no network calls at run time."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_path()), "--server.port", str(port),
           "--server.address", address, "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
           "--", "--db", os.path.abspath(db)]
    if session_idle_minutes is not None:
        cmd += ["--session-idle-minutes", str(session_idle_minutes)]
    if session_max_hours is not None:
        cmd += ["--session-max-hours", str(session_max_hours)]
    click.echo(f"Starting the reviewer app on http://{address}:{port} (Ctrl+C to stop)")
    if os.name == "posix":  # become Streamlit: a signal to this process (Ctrl+C, kill, systemd) stops the app itself
        sys.stdout.flush()
        os.execv(cmd[0], cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0


def run_demo(settings: Settings, db: str, open_app: bool = True, port: int = 8501,
             address: str = "localhost") -> int:
    """Score sample recordings (or, without a speech model, the reference transcripts) into `db`."""
    root = samples_dir()
    audio, transcripts = root / "audio", root / "transcripts"
    if not audio.is_dir() or not transcripts.is_dir():
        raise click.ClickException(f"{root}: sample calls not found — run from the callqa source folder "
                                   "or set CALLQA_SAMPLES")
    # the reference transcripts name their recordings in ../audio: the samples folder is an allowed root here
    settings.audio.allowed_roots = [*settings.audio.allowed_roots, str(root.resolve())]
    click.echo(f"Scoring the sample recordings in {audio} ...")
    report = run_score([str(audio)], settings, db, command="demo", retry_failed=True)
    missing = [o for o in report.failed if o.model_missing]
    if missing:
        click.secho("\nThe speech model is not available on this machine, so the recordings could not be "
                    "transcribed:", fg="yellow", err=True)
        click.secho(f"  {missing[0].error}", fg="yellow", err=True)
        click.secho(f"Scoring the sample calls' reference transcripts instead ({transcripts}).\n",
                    fg="yellow", bold=True, err=True)
        report = run_score([str(transcripts)], settings, db, command="demo (reference transcripts)",
                           retry_failed=True)
    print_report(report)
    scored = [o for o in report.done + report.skipped if o.call_id]
    if not scored:
        return 1
    click.echo(f"Results are in {db}. Try: callqa show {scored[0].call_id} --db {db} --json")
    store = Store(db)
    link_sample_agents(store, transcripts)
    announce_demo_users(store, db)
    return launch_app(db, port, address) if open_app else 0
