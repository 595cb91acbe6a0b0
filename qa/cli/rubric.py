"""`callqa rescore`, `callqa rubric check` and `callqa eval rubric`: the rubric commands (registered on the main
CLI group)."""
from __future__ import annotations

import os
import sys

import click

from qa.cli.group import config_option, db_option, eval_group, existing_db_option, load, main, rubric_option
from transcribe.errors import CallQAError


@main.command()
@click.argument("call_ids", nargs=-1)
@existing_db_option
@config_option
@rubric_option
def rescore(call_ids: tuple[str, ...], db: str, config: str | None, rubric: str | None) -> None:
    """Score stored calls (all, or CALL_IDS) again without transcribing: each with the rubric that scored it
    (a changed rubric file of the same id is used, with a warning), or every one with --rubric."""
    from qa.review.rescore import rescore as run_rescore
    from qa.store.database import Store
    from scoring.rubric import resolve_rubric

    load(config, {"rubric": rubric})  # the settings are checked as for any command; their rubric is not used
    done = run_rescore(Store(db), resolve_rubric(rubric) if rubric else None, list(call_ids) or None)
    for r in done:
        old = "—" if r.old_total is None else f"{r.old_total:5.1f}"
        new = "—" if r.new_total is None else f"{r.new_total:5.1f}"
        statuses = " ".join(f"{k}={v}" for k, v in r.statuses.items())
        if r.done:
            click.echo(f"{r.call_id:<24} {old} ({r.old_rubric}) -> {new} ({r.new_rubric})  {statuses}")
        if r.warning:
            click.secho(f"{'warning' if r.done else 'not re-scored'}: {r.warning}", fg="yellow", err=True)
    n = sum(r.done for r in done)
    click.echo(f"{n} call(s) re-scored" + (f", {len(done) - n} left as they were" if n < len(done) else ""))
    if n < len(done):
        sys.exit(1)


@main.group(name="rubric")
def rubric_group() -> None:
    """Check rubric files."""


@rubric_group.command(name="check")
@click.argument("path")
@db_option
def rubric_check(path: str, db: str) -> None:
    """Validate a rubric (file or built-in name), print its criteria and content hash, and flag it when calls in
    DB were scored under the same id and version with other content (exit 1: bump its version)."""
    from qa.review.provenance import content_clash, short
    from qa.store.database import Store
    from scoring.rubric import resolve_rubric

    rubric = resolve_rubric(path)
    click.echo(f"{rubric.id} {rubric.version} (content {short(rubric.sha256)}): "
               + ", ".join(f"{c.id} ({c.weight:g})" for c in rubric.criteria))
    if not os.path.exists(db):
        click.echo(f"no database {db}: the content was not compared with stored scores (--db)")
        return
    clash = content_clash(Store(db), rubric)
    if clash is not None:
        click.secho(f"Error: {clash.message()}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"matches every score stored in {db} under {rubric.id} {rubric.version}")


@eval_group.command(name="rubric")
@click.argument("calls_dir")
@click.argument("labels_dir")
@config_option
@rubric_option
@click.option("--sentiment-backend", type=click.Choice(["auto", "transformers", "lexicon"]), default=None)
@click.option("--also", "also", type=(str, str), multiple=True, metavar="CALLS_DIR LABELS_DIR",
              help="Another folder of calls and its labels, evaluated together with the first (repeatable).")
@click.option("--split", "split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="Only the calls of this split of split.json (found beside LABELS_DIR, or --split-file).")
@click.option("--split-file", default=None, help="split.json: {\"dev\": [call ids], \"test\": [call ids]}.")
@click.option("--noise", "noise", multiple=True, metavar="VARIANT",
              help="Also score ASR-like variants: lower, no_diacritics, fillers, wer10, wer20, split, merge, "
                   "no_speakers, or 'all' (repeatable).")
@click.option("--seed", default=0, show_default=True, help="Seed of the noise variants.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details/--no-details", default=True, show_default=True,
              help="Per-status table, confusion and disagreements of the clean run (text output).")
@click.option("--by-source", is_flag=True,
              help="Also the figures of each slice of calls sharing a source (the calls' `source` field up to "
                   "':', e.g. hvb, written).")
def eval_rubric(calls_dir: str, labels_dir: str, config: str | None, rubric: str | None,
                sentiment_backend: str | None, also: tuple[tuple[str, str], ...], split: str,
                split_file: str | None, noise: tuple[str, ...], seed: int, as_json: bool, details: bool,
                by_source: bool) -> None:
    """Score CALLS_DIR and compare with the labels in LABELS_DIR: macro-F1 per criterion, evidence precision,
    precision/recall/F1 per status, confusion, disagreements; with --noise, the same on ASR-like variants."""
    import json

    from qa.batch.run import discover
    from qa.evaluation.noise import VARIANTS
    from qa.evaluation.rubric import (
        find_split_file,
        format_report,
        format_summary,
        load_label_evidence,
        load_labels,
        load_split,
        select_split,
    )
    from qa.evaluation.rubric_run import evaluate
    from qa.pipeline.call import Pipeline

    variants = ["clean"] + [v for n in noise for v in (list(VARIANTS)[1:] if n == "all" else [n]) if v != "clean"]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise click.BadParameter(f"unknown variant(s) {', '.join(unknown)}; expected {', '.join(VARIANTS)} or all",
                                 param_hint="--noise")
    settings = load(config, {"rubric": rubric, "sentiment": {"backend": sentiment_backend}})
    failed = 0
    pipeline = Pipeline(settings)
    criteria = tuple(c.id for c in pipeline.rubric.criteria)
    labels: dict = {}
    evidence: dict = {}
    transcripts = []
    for calls, labelled in ((calls_dir, labels_dir),) + also:
        if not os.path.isdir(calls):
            raise CallQAError(calls, "is not a folder", "give the folder of calls the labels describe")
        labels.update(load_labels(labelled, criteria))
        evidence.update(load_label_evidence(labelled))
    split_path = split_file or find_split_file(labels_dir, calls_dir)
    labels = select_split(labels, split, load_split(split_path) if split_path else None)
    for calls, _ in ((calls_dir, labels_dir),) + also:
        for path in discover([calls]):
            try:
                t = pipeline.import_transcript(path)
            except CallQAError as exc:
                click.echo(f"FAILED {exc.message}", err=True)
                failed += 1
                continue
            if t.call_id in labels:
                transcripts.append(t)
    results = evaluate(pipeline, transcripts, labels, evidence, variants, seed, by_source)
    if as_json:
        figures: dict = {"split": split, "calls": len(transcripts), "seed": seed,
                         "variants": {r.variant: r.rows for r in results}}
        if by_source:
            figures["slices"] = {r.variant: r.slices for r in results}
        click.echo(json.dumps(figures, indent=1))
    else:
        if details:
            click.echo(format_report(results[0].reports, results[0].disagreements, results[0].unscored))
            click.echo("")
        for r in results:
            click.echo(f"== {r.variant} (split {split}, {len(transcripts)} calls)")
            click.echo(format_summary(r.rows))
            for name, rows in r.slices.items():
                n = max((row.get("n", 0) for row in rows.values()), default=0)
                click.echo(f"-- {r.variant} · {name} ({n} calls)")
                click.echo(format_summary(rows))
    sys.exit(1 if failed else 0)
