"""`callqa export`: calls, criteria, turns, reviews or KPIs as CSV or Parquet, filtered like the queue and limited
to what the user given with --as may see (qa.review.export)."""
from __future__ import annotations

from datetime import date, datetime

import click

from qa.cli.group import existing_db_option, main
from qa.review.export import FORMATS, WHATS
from qa.review.queue import REVIEW_STATES


@main.command(name="export")
@click.option("--what", type=click.Choice(WHATS), required=True,
              help="calls (one row per call), criteria (per call and criterion), turns (the transcripts), reviews "
                   "(assessments) or kpis (when the database has them).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="CSV is UTF-8 with a byte-order mark (opens in Excel with Vietnamese text intact).")
@click.option("--out", default=None, metavar="FILE", type=click.Path(dir_okay=False),
              help="File to write (default: callqa-WHAT.csv or .parquet in the current folder).")
@click.option("--agent", "agents", multiple=True, metavar="AGENT_ID", help="Only these agents' calls (repeat).")
@click.option("--team", "teams", multiple=True, help="Only calls of agents in these teams (repeat).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Calls on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Calls on or before this date (YYYY-MM-DD).")
@click.option("--status", "states", multiple=True, type=click.Choice(REVIEW_STATES),
              help="Only calls in these review states (repeat).")
@click.option("--criterion-failed", "failed", multiple=True, metavar="CRITERION_ID",
              help="Only calls failing any of these criteria, results in force (repeat).")
@click.option("--as", "as_user", default=None, metavar="USER",
              help="Export what this app user may see (an agent: their own calls; a supervisor: their teams). "
                   "Without it: every call (the operator of the database file).")
@existing_db_option
def export_cmd(what: str, fmt: str, out: str | None, agents: tuple[str, ...], teams: tuple[str, ...],
               date_from: datetime | None, date_to: datetime | None, states: tuple[str, ...],
               failed: tuple[str, ...], as_user: str | None, db: str) -> None:
    """Export calls, criteria, turns, reviews or KPIs as CSV or Parquet, with the queue's filters."""
    from qa.review.export import export, viewer_as
    from qa.review.queue import QueueFilter
    from qa.store.database import Store

    def day(d: datetime | None) -> date | None:
        return d.date() if d else None

    store = Store(db)
    viewer = viewer_as(store, as_user)
    filt = QueueFilter(date_from=day(date_from), date_to=day(date_to), agent_ids=agents, teams=teams,
                       failed_criteria=failed, review_states=states)
    result = export(store, viewer, what, out or f"callqa-{what}.{fmt}", fmt=fmt, filt=filt)
    click.echo(f"wrote {result.rows} {what} row(s) to {result.path}")
