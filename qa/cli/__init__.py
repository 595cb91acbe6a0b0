"""callqa command line: `callqa` (entry point `qa.cli:main`)."""
from qa.cli.main import main

__all__ = ["main"]
