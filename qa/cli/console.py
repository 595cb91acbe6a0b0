"""Console presentation for the CLI: progress bar, per-call summaries, failure reports, scorecard text."""
from __future__ import annotations

import sys
from typing import Any

import click

from qa.batch.lock import RunLock
from qa.batch.run import BatchReport, FileOutcome, run_batch, scan
from qa.batch.types import NEEDS_REVIEW, SKIPPED
from qa.config.settings import Settings
from qa.store.database import Store
from qa.store.scorecard_view import CallView

SHORT = {"pass": "pass", "fail": "FAIL", "na": "n/a"}


def summary_line(o: FileOutcome) -> str:
    """One line per call: id, total, each criterion's status, where it came from."""
    if o.model_missing:
        return f"FAILED {o.path}: a model is not available (details below)"
    if o.error:
        return f"FAILED {o.error}"
    if o.status == SKIPPED:
        return f"skip   {o.path}: {o.reason}"
    if o.status == NEEDS_REVIEW:
        return f"REVIEW {o.call_id:<24} (from {o.path}): not scored, {o.reason}"
    if o.result is None:  # ray engine: the call travelled as Parquet
        return f"ok     {o.call_id:<24} (from {o.path})"
    card = o.result.scorecard
    crit = " ".join(f"{c.id}={SHORT.get(c.status, c.status)}" for c in card.criteria)
    total = "—" if card.total is None else f"{card.total:5.1f}"
    flags = f"  flags: {', '.join(card.flags)}" if card.flags else ""
    return f"ok     {o.call_id:<24} total {total}  {crit}  [{o.result.transcript.source}]{flags}"


def run_score(paths: list[str], settings: Settings, db: str, quiet: bool = False,
              command: str = "score", retry_failed: bool = False) -> BatchReport:
    """Score `paths` into `db` with a progress bar on stderr and one summary line per call on stdout.
    Holds the database's batch lock for the whole run, so two runs never overlap."""
    if settings.batch.engine == "ray" and not settings.batch.results_dir:
        from qa.batch.engine_ray import default_results_dir

        settings.batch.results_dir = default_results_dir(db)
    with RunLock(db):
        return _run(paths, settings, db, quiet, command, retry_failed)


def _run(paths: list[str], settings: Settings, db: str, quiet: bool, command: str,
         retry_failed: bool) -> BatchReport:
    scanned = scan(paths)
    store = Store(db)
    from tqdm import tqdm

    bar = tqdm(total=len(scanned.files), unit="call", disable=quiet, file=sys.stderr, dynamic_ncols=True)

    def on_file(i: int, n: int, outcome: FileOutcome) -> None:
        bar.update(1)
        if not quiet:
            bar.write(summary_line(outcome), file=sys.stdout)

    try:
        return run_batch(paths, settings, store, command=command, retry_failed=retry_failed, on_file=on_file,
                         scanned=scanned)
    finally:
        bar.close()


def print_report(report: BatchReport, quiet: bool = False) -> None:
    """Totals and the run summary, then every failed file with its reason (on stderr)."""
    review = f"{len(report.needs_review)} need review (recognition failed, not scored), " \
        if report.needs_review else ""
    click.echo(f"{len(report.done)} call(s) scored, {review}{len(report.failed)} failed, "
               f"{len(report.skipped) + len(report.not_imported)} skipped (run {report.run_id})")
    click.echo(report.files_line())
    if report.summary and not quiet:
        click.echo(report.summary.line())
    if not report.failed:
        return
    click.echo("Failed files:", err=True)
    by_model: dict[str, list[str]] = {}
    for o in report.failed:
        if o.model_missing and o.reason:
            by_model.setdefault(o.reason, []).append(o.path)
        else:
            click.echo(f"  {o.error}", err=True)
    for reason, paths in by_model.items():
        click.echo(f"  {len(paths)} file(s): {reason}", err=True)
        for p in paths:
            click.echo(f"    {p}", err=True)


def format_call_row(row: dict[str, Any]) -> str:
    total = "  —  " if row["total"] is None else f"{row['total']:5.1f}"
    statuses = " ".join(f"{k}={SHORT.get(v, v)}" for k, v in row["statuses"].items())
    return f"{row['call_id']:<24} {total}  {row['language'] or '?':<3} {row['source']:<10} {statuses}"


def format_scorecard(card: CallView) -> str:
    """Human-readable scorecard: totals, each criterion with its evidence, then the transcript."""
    total = "—" if card.total is None else f"{card.total:.1f}/100"
    lines = [f"Call {card.call_id}  ({card.language}, {card.source}, {card.duration:.1f} s)  "
             f"total {total}  rubric {card.rubric_id} {card.rubric_version} "
             f"(content {(card.rubric.get('sha256') or '—')[:12]})"]
    if card.flags:
        lines.append(f"flags: {', '.join(card.flags)}")
    for c in card.criteria:
        lines.append(f"  {c.name:<10} {SHORT.get(c.status, c.status):<5} {c.reason}")
        for e in c.evidence:
            lines.append(f"      [{e.kind}] turn {e.turn} {e.start:.2f}-{e.end:.2f}s: {e.text}")
    lines.append("Transcript:")
    for t in card.turns:
        lines.append(f"  {t.index:>3} {t.start:7.2f} {t.speaker:<8} [{t.sentiment.label or '?'}] {t.text}")
    return "\n".join(lines)
