#!/usr/bin/env bash
# README command 1: set up (idempotent), score the bundled sample calls, open the reviewer app.
# Extra arguments go to `callqa demo` (e.g. --no-app, --port 8502, --config callqa.yaml).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "${CALLQA_VENV:-$ROOT/.venv}/bin/callqa" demo --db "${CALLQA_DB:-demo.duckdb}" "$@"
