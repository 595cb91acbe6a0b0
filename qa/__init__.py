"""callqa services: settings, the per-call pipeline, the DuckDB store, the CLI and the demo."""
import logging
from importlib import metadata

logger = logging.getLogger("qa")

try:
    __version__ = metadata.version("callqa")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
