"""The `callqa` group, its one error handler and the options several commands share.

Every command module registers on `main` (or on the `eval`/`models` groups below); `qa.cli` imports them all.
A `CallQAError` raised anywhere inside a command becomes one clean message and exit status 1 — commands do not
catch it themselves (sqlite-utils' `click.ClickException` idea).
"""
from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import click

from qa import __version__
from transcribe.errors import CallQAError

if TYPE_CHECKING:
    from qa.config.settings import Settings

DEFAULT_DB = os.environ.get("CALLQA_DB", "callqa.duckdb")


class CallQAGroup(click.Group):
    """A click group whose commands' `CallQAError`s are printed as their message (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CallQAError as exc:
            raise click.ClickException(exc.message) from None


def _existing_db(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not os.path.exists(value):
        raise click.ClickException(f"{value}: no such database — score calls first: callqa score PATH --db {value}")
    return value


db_option = click.option("--db", default=DEFAULT_DB, show_default=True, envvar="CALLQA_DB",
                         help="DuckDB file holding the results (created when missing).")
existing_db_option = click.option("--db", default=DEFAULT_DB, show_default=True, envvar="CALLQA_DB",
                                  callback=_existing_db, help="DuckDB file holding the results.")
config_option = click.option("--config", "config", default=None, envvar="CALLQA_CONFIG",
                             help="Settings file (YAML); see the docs' Configuration page.")
rubric_option = click.option("--rubric", default=None,
                             help="Built-in rubric name or rubric YAML file (setting: rubric).")


def load(config: str | None, overrides: dict[str, Any] | None = None) -> Settings:
    """The settings of `config` with the command line's overrides (None values are not overrides)."""
    from qa.config.settings import load_settings

    return load_settings(config, overrides or {})


@click.group(cls=CallQAGroup)
@click.version_option(__version__, prog_name="callqa")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Call-center QA: transcribe, diarize and score calls against the LAST rubric."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*torchcodec is not installed")  # in-memory audio is used


@main.group(name="eval")
def eval_group() -> None:
    """Measure accuracy against references (diarization, speech recognition, rubric)."""


@main.group()
def models() -> None:
    """List or download the configured models."""
