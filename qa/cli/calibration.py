"""`callqa eval scorer`: the automatic scorer's agreement with the supervisors' reviews, per criterion."""
from __future__ import annotations

from datetime import datetime

import click

from qa.cli.group import eval_group, existing_db_option


def _num(x: float | None, fmt: str) -> str:
    return "—" if x is None else format(x, fmt)


@eval_group.command(name="scorer")
@existing_db_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None,
              help="Only calls reviewed on or after this date (YYYY-MM-DD).")
@click.option("--user", "username", default=None,
              help="Count only the calls this reviewer may see (default: every call).")
def eval_scorer(db: str, since: datetime | None, username: str | None) -> None:
    """Per criterion, how often the automatic result matched the supervisors' final result on reviewed calls
    (shared/acknowledged/disputed/final assessments and calls with an override in force): n, agreement, Cohen's
    kappa, overrides in force."""
    from qa.accounts.access import Viewer
    from qa.accounts.auth import get_user
    from qa.calibration.scorer_agreement import ALL, scorer_agreement
    from qa.store.database import Store

    store = Store(db)
    viewer = Viewer("callqa-cli", "admin")
    if username:
        user = get_user(store, username)
        if user is None:
            raise click.ClickException(f"no user {username!r} — list users with `callqa users list`")
        viewer = user.viewer()
    report = scorer_agreement(store, viewer, since)
    click.echo(f"reviewed calls: {report.calls}")
    if not report.calls:
        click.echo("no reviewed calls yet: share an assessment or override a result in the app first")
        return
    click.echo(f"{'criterion':<20} {'n':>5} {'agree':>6} {'%':>7} {'kappa':>7} {'overrides':>9}")
    for row in (*report.criteria, report.overall):
        pct = None if row.percent is None else row.percent * 100
        name = "(all criteria)" if row.criterion_id == ALL else row.criterion_id
        click.echo(f"{name:<20} {row.n:>5} {row.agreed:>6} {_num(pct, '.1f'):>7} {_num(row.kappa, '.3f'):>7}"
                   f" {row.overrides:>9}")
    click.echo("kappa — : undefined (the automatic result and the supervisors used one same status throughout)")
