"""`callqa rescore` and `callqa eval rubric`: the rubric commands (registered on the main CLI group)."""
from __future__ import annotations

import os
import sys

import click

from qa.cli.group import config_option, eval_group, existing_db_option, load, main, rubric_option
from transcribe.errors import CallQAError


@main.command()
@click.argument("call_ids", nargs=-1)
@existing_db_option
@config_option
@rubric_option
def rescore(call_ids: tuple[str, ...], db: str, config: str | None, rubric: str | None) -> None:
    """Apply a (changed) rubric to stored calls (all, or CALL_IDS) without transcribing again."""
    from qa.review.rescore import rescore as run_rescore
    from qa.store.database import Store
    from scoring.rubric import resolve_rubric

    settings = load(config, {"rubric": rubric})
    done = run_rescore(Store(db), resolve_rubric(settings.rubric), list(call_ids) or None)
    for r in done:
        old = "—" if r.old_total is None else f"{r.old_total:5.1f}"
        new = "—" if r.new_total is None else f"{r.new_total:5.1f}"
        statuses = " ".join(f"{k}={v}" for k, v in r.statuses.items())
        click.echo(f"{r.call_id:<24} {old} ({r.old_rubric}) -> {new} ({r.new_rubric})  {statuses}")
    click.echo(f"{len(done)} call(s) re-scored")


@eval_group.command(name="rubric")
@click.argument("calls_dir")
@click.argument("labels_dir")
@config_option
@rubric_option
@click.option("--sentiment-backend", type=click.Choice(["auto", "transformers", "lexicon"]), default=None)
def eval_rubric(calls_dir: str, labels_dir: str, config: str | None, rubric: str | None,
                sentiment_backend: str | None) -> None:
    """Score CALLS_DIR and compare with the labels in LABELS_DIR: precision, recall, F1, confusion, disagreements."""
    from qa.batch.run import discover
    from qa.evaluation.rubric import compare, format_report, load_labels
    from qa.pipeline.call import Pipeline

    settings = load(config, {"rubric": rubric, "sentiment": {"backend": sentiment_backend}})
    pipeline = Pipeline(settings)
    labels = load_labels(labels_dir, tuple(c.id for c in pipeline.rubric.criteria))
    if not os.path.isdir(calls_dir):
        raise CallQAError(calls_dir, "is not a folder", "give the folder of calls the labels describe")
    predicted, failed = {}, 0
    for path in discover([calls_dir]):
        try:
            result = pipeline.process(path)
        except CallQAError as exc:
            click.echo(f"FAILED {exc.message}", err=True)
            failed += 1
            continue
        predicted[result.transcript.call_id] = result.scorecard.criteria
    click.echo(format_report(*compare(predicted, labels)))
    sys.exit(1 if failed else 0)
