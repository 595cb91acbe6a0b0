"""`callqa kpis import|report`: customer survey results per call (CSAT, NPS, CES) and the KPIs per agent or team."""
from __future__ import annotations

import sys

import click

from qa.cli.group import config_option, existing_db_option, load, main


@main.group(name="kpis")
def kpis_group() -> None:
    """Customer KPIs: survey results per call, first-contact resolution, escalations (docs: Customer KPIs)."""


@kpis_group.command(name="import")
@click.argument("file", type=click.Path())
@existing_db_option
@click.option("--keep-good", is_flag=True,
              help="Store the good rows and list the others (default: a file with a bad row stores nothing).")
def kpis_import(file: str, db: str, keep_good: bool) -> None:
    """Import survey results from FILE, a CSV with call_id and csat (1-5), nps (0-10) and/or ces (1-7) columns.

    Every row is checked first (scale, whole numbers, known call id, no id twice). Exit status: 0 every row
    stored, 1 some rows were not (with --keep-good; each is listed)."""
    from qa.review.kpi_import import import_surveys
    from qa.store.database import Store

    report = import_surveys(Store(db), file, keep_good=keep_good)
    click.echo(f"{file}: {report.stored} survey(s) stored ({report.replaced} replaced an earlier one)"
               + (f", {report.empty} row(s) without an answer skipped" if report.empty else ""))
    if report.ignored_columns:
        click.echo(f"columns ignored: {', '.join(report.ignored_columns)}")
    if report.problems:
        click.echo(f"{len(report.problems)} row(s) not stored:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)


@kpis_group.command(name="customers")
@existing_db_option
@config_option
def kpis_customers(db: str, config: str | None) -> None:
    """Find the customer of stored calls that have none (calls stored before this version): from the path
    metadata's or transcript's customer_id, else a phone number in the stored customer turns; only a keyed hash
    is stored (kpis.key_file)."""
    from qa.pipeline.kpis import load_secret
    from qa.review.kpi_import import fill_customers
    from qa.store.database import Store

    settings = load(config)
    n = fill_customers(Store(db), load_secret(settings.kpis.key_file), settings.kpis.phone_region)
    click.echo(f"{n} call(s) got a customer key")


@kpis_group.command(name="report")
@existing_db_option
@config_option
@click.option("--period", type=click.Choice(["day", "week", "month", "all"]), default="all", show_default=True)
@click.option("--group", "group", type=click.Choice(["agent", "team"]), default="agent", show_default=True)
def kpis_report(db: str, config: str | None, period: str, group: str) -> None:
    """Print the KPIs per agent or team: CSAT, NPS, CES, first-contact resolution (kpis.fcr_days), escalation
    rate against the 5-10% band, handling time; as tab-separated columns."""
    from qa.accounts.access import Viewer
    from qa.review.kpis import kpi_columns, kpi_records, kpi_rows
    from qa.store.database import Store

    settings = load(config)
    rows = kpi_rows(Store(db), Viewer("callqa-cli", "admin"), period=period, group=group,
                    fcr_days=settings.kpis.fcr_days)
    keys = kpi_columns()
    click.echo("\t".join(keys))
    for rec in kpi_records(rows):
        click.echo("\t".join("" if rec[k] is None else str(rec[k]) for k in keys))
