#!/usr/bin/env bash
# Idempotent set-up: creates .venv and installs callqa with its test extras.
# Used by scripts/demo.sh and scripts/test.sh (the README's two commands); safe to run again.
#
# On a machine without an NVIDIA GPU, torch is kept to its CPU build (a plain `pip install` would pull
# several GB of CUDA packages) and torchaudio's CUDA-only native libraries are removed so that its
# pure-Python parts, which pyannote.audio uses, import. GPU machines get the normal install.
#
# Settings (environment variables):
#   PYTHON               interpreter to build the venv with (default: python3)
#   CALLQA_VENV          venv folder (default: .venv in the repository)
#   CALLQA_TORCH         torch version for CPU machines (default: 2.13.0)
#   CALLQA_TORCH_INDEX   index with CPU torch builds (default: https://download.pytorch.org/whl/cpu)
#   CALLQA_GPU=0|1       force the CPU or GPU path instead of detecting nvidia-smi
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CALLQA_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
TORCH_VERSION="${CALLQA_TORCH:-2.13.0}"
TORCH_INDEX="${CALLQA_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
STAMP="$VENV/.callqa-setup"

log() { printf '[setup] %s\n' "$*" >&2; }

if [ -z "${CALLQA_GPU:-}" ]; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then CALLQA_GPU=1; else CALLQA_GPU=0; fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV with $($PY --version 2>&1)"
  "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
PIP=("$VPY" -m pip install --disable-pip-version-check -q)

# Skip the install when nothing it depends on has changed since the last successful run.
want="$(cat "$ROOT/pyproject.toml" "$ROOT/scripts/setup.sh" | sha256sum | cut -c1-16) gpu=$CALLQA_GPU"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && "$VPY" -c "import qa, torch" 2>/dev/null; then
  log "environment up to date ($VENV)"
  exit 0
fi

CONSTRAINTS="$VENV/constraints.txt"
: > "$CONSTRAINTS"
if [ "$CALLQA_GPU" = 0 ]; then
  if ! "$VPY" -c "import torch" 2>/dev/null; then
    log "no GPU found: installing the CPU build of torch $TORCH_VERSION"
    # A local wheel tagged +cpu (find-links, a mirror) is taken first; otherwise PyTorch's CPU index.
    "${PIP[@]}" "torch==$TORCH_VERSION+cpu" 2>/dev/null \
      || "${PIP[@]}" "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX" \
      || "${PIP[@]}" "torch==$TORCH_VERSION"
  fi
  # pin whatever torch is there so no other requirement replaces it with a CUDA build
  "$VPY" -c "import importlib.metadata as m; print('torch==' + m.version('torch'))" > "$CONSTRAINTS"
  log "keeping $(cat "$CONSTRAINTS")"
fi

log "installing callqa and its dependencies (first run: a few minutes, ~2.5 GB)"
"${PIP[@]}" -c "$CONSTRAINTS" -e "$ROOT[test]"

if [ "$CALLQA_GPU" = 0 ]; then
  # torchaudio wheels on PyPI are CUDA builds; with a CPU torch their native library cannot load.
  # pyannote.audio 4 needs only torchaudio's pure-Python parts, which import once the .so files are gone.
  "$VPY" - <<'PYEOF'
import glob, importlib.util, os
spec = importlib.util.find_spec("torchaudio")
if spec and spec.submodule_search_locations:
    root = list(spec.submodule_search_locations)[0]
    for so in glob.glob(os.path.join(root, "lib", "*.so")):
        os.remove(so)
PYEOF
fi
"$VPY" -W ignore -c "import torchaudio, pyannote.audio, faster_whisper, transformers, duckdb, streamlit, librosa" \
  || { log "the installed environment does not import; see the messages above"; exit 1; }
echo "$want" > "$STAMP"
log "ready: $VENV"
