#!/usr/bin/env bash
# README command 2: set up (idempotent) and run the test suite offline.
# Extra arguments go to pytest (e.g. -k rubric, -x).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYANNOTE_METRICS_ENABLED=false
exec "${CALLQA_VENV:-$ROOT/.venv}/bin/python" -m pytest "$@"
