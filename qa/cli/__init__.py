"""callqa command line: `callqa` (entry point `qa.cli:main`). Importing this package registers every command."""
from qa.cli.group import main
from qa.cli import batch, calibration, calls, export, kpis, rubric, speech, users, voices  # noqa: F401  (they register on main)

__all__ = ["main"]
