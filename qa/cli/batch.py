"""`callqa status`: what the batch knows about every input file, and the last runs' summaries."""
from __future__ import annotations

import click

from qa.batch.types import STATUSES
from qa.cli.group import existing_db_option, main


@main.command()
@existing_db_option
@click.option("--status", "only", type=click.Choice(STATUSES), default=None, help="List only files with this status.")
@click.option("--runs", "n_runs", default=3, show_default=True, help="How many recent run summaries to show.")
def status(db: str, only: str | None, n_runs: int) -> None:
    """Files per status, failed files with their reasons, and the last runs' summaries."""
    from qa.batch.state import file_statuses, recent_runs, status_counts
    from qa.store.database import Store

    store = Store(db)
    counts = status_counts(store)
    click.echo("files: " + ", ".join(f"{s} {counts.get(s, 0)}" for s in STATUSES))
    for shown in ([only] if only else ["needs_review", "failed"]):
        rows = file_statuses(store, shown)
        if rows:
            click.echo(f"{shown} files:")
        for r in rows:
            extra = f"  call {r['call_id']}" if r["call_id"] else ""
            reason = f"\n           {r['reason']}" if r["reason"] else ""
            click.echo(f"  {r['status']:<8} {r['path']}{extra}{reason}")
    if (counts.get("failed") or counts.get("needs_review")) and not only:
        click.echo(f"to try the failed (or needs-review) files again: callqa score PATH... --db {db} --retry-failed")
    for run in recent_runs(store, n_runs):
        click.echo(f"run {run['run_id']} finished {run['finished_at']:%Y-%m-%d %H:%M:%S}: {run['n_done']} done, "
                   f"{run['n_failed']} failed, {run['n_skipped']} skipped of {run['n_files']}; "
                   f"{(run['audio_seconds'] or 0) / 3600:.2f} h audio, {run['wall_seconds']:.1f} s "
                   f"({run['engine']}, {run['workers']} worker(s))")
