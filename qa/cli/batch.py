"""`callqa status`: what the batch knows about every input file, and the last runs' summaries; `callqa batch plan`:
what a run would read from the file paths."""
from __future__ import annotations

import click

from qa.batch.types import STATUSES
from qa.cli.group import config_option, db_option, existing_db_option, main


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


@main.group(name="batch")
def batch_group() -> None:
    """Look at a batch before running it."""


@batch_group.command(name="plan")
@click.argument("paths", nargs=-1, required=True)
@db_option
@config_option
@click.option("--path-pattern", default=None,
              help="batch.path_pattern, e.g. \"{agent_id}_{date:%Y%m%d}_{customer_id}\".")
@click.option("--show-metadata", is_flag=True,
              help="One row per file: what the pattern reads, or why it does not match.")
@click.option("--allow-unknown-agents", is_flag=True, default=None, help="batch.allow_unknown_agents")
def batch_plan(paths: tuple[str, ...], db: str, config: str | None, path_pattern: str | None, show_metadata: bool,
               allow_unknown_agents: bool | None) -> None:
    """What a run of `callqa score PATHS` would read from the file paths, without scoring or storing anything.

    Exit status 1 when the run would refuse to start (the pattern matches no file, or gives agent ids the
    database does not know)."""
    import os
    import sys

    from qa.batch.paths import plan_paths, refusal
    from qa.batch.run import discover
    from qa.cli.group import load
    from qa.store.database import Store

    settings = load(config, {"batch": {"path_pattern": path_pattern, "allow_unknown_agents": allow_unknown_agents}})
    files = discover(paths)
    plan = plan_paths(files, settings.batch, Store(db) if os.path.exists(db) else None)
    click.echo(f"{len(files)} file(s)")
    if plan.pattern is None:
        click.echo("no path pattern (batch.path_pattern): calls get no metadata from their paths")
        return
    click.echo(f"pattern {plan.pattern.pattern!r}: {plan.pattern.describe()}")
    ambiguous = sum(m.ambiguous for m in plan.unmatched)
    click.echo(f"{len(plan.matched)} match, {len(plan.unmatched)} do not"
               + (f" ({ambiguous} ambiguous)" if ambiguous else ""))
    if show_metadata and files:
        names = sorted({k for m in plan.matched for k in m.meta} - {"agent_id", "date", "customer_id"})
        header = ["file", "agent_id", "date", "customer_id", *names]
        rows = [[m.path, *(str(m.meta.get(k, "-")) for k in header[1:])] if m.matched
                else [m.path, f"no match: {m.reason}"] for m in plan.matches.values()]
        width = min(max(len(r[0]) for r in rows + [header]), 60)
        cols = [max([len(header[i])] + [len(r[i]) for r in rows if r[1:] and len(r) > 2]) for i in range(len(header))]
        click.echo("  ".join(h.ljust(width if i == 0 else cols[i]) for i, h in enumerate(header)).rstrip())
        for r in rows:
            click.echo("  ".join(v.ljust(width if i == 0 else cols[i]) for i, v in enumerate(r)).rstrip())
    refused = refusal(plan, settings.batch.allow_unknown_agents)
    if refused is not None:
        click.echo(f"a run would refuse to start: {refused.message}", err=True)
        sys.exit(1)
    click.echo("a run would start")
