#!/usr/bin/env bash
# Create .venv (if needed) and install Loket into it. `--test` adds what the tests need.
#
# torch is only needed for the sentence-transformers backend (tests and non-default models).
# It is installed first, pinned to the CPU build on this machine's disk, because an
# unpinned torch pulled in by sentence-transformers would download a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
quiet() { "$@" 2>&1 | grep -vE '^(WARNING: Location|  )' || true; }
python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "--test" ]; then
    python -c 'import torch' 2>/dev/null || quiet python -m pip install -q torch==2.13.0
    quiet python -m pip install -q -e '.[test]'
else
    quiet python -m pip install -q -e .
fi
python -c 'import bot, index' || { echo "setup failed: see pip output above" >&2; exit 1; }
