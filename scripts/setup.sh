#!/usr/bin/env bash
# Create .venv (if needed) and install Loket into it. `--test` adds what the tests need;
# `--st` sets up .venv-st instead (see below).
#
# Python: Loket runs on Python 3.12, because the Microsoft 365 Agents SDK 1.x (Teams) needs
# >= 3.12. torch is only needed for the sentence-transformers backend, and the CPU torch wheel
# on this machine's disk is for Python 3.11 only (on 3.12 pip would pull a multi-GB CUDA
# build). So .venv (3.12) has no torch; `--st` builds a second venv .venv-st on 3.11 with
# torch==2.13.0 (CPU) installed first and then the `st` and `test` extras, for the
# sentence-transformers tests (`pytest -m st`) and for non-default embedding models.
set -euo pipefail
cd "$(dirname "$0")/.."
find_python() {  # $1: version, e.g. 3.12
    for c in "python$1" "$HOME/.pyenv/versions/$1"*/bin/python /root/.pyenv/versions/"$1"*/bin/python; do
        if "$c" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$1'.split('.'))))" 2>/dev/null; then
            echo "$c"; return 0
        fi
    done
    echo "setup: Python $1 not found (set PYTHON=/path/to/python$1)" >&2; return 1
}
quiet() { "$@" 2>&1 | grep -vE '^(WARNING: Location|  )' || true; }
make_venv() {  # $1: venv dir, $2: Python version; recreated when it has another version
    local dir=$1 want=$2
    if [ -x "$dir/bin/python" ] && ! "$dir/bin/python" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))"; then
        echo "setup: $dir is not Python $want: recreating it" >&2
        rm -rf "$dir"
    fi
    [ -x "$dir/bin/python" ] || "${PYTHON:-$(find_python "$want")}" -m venv "$dir"
}
if [ "${1:-}" = "--st" ]; then
    make_venv .venv-st 3.11
    . .venv-st/bin/activate
    python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    python -c 'import torch' 2>/dev/null || quiet python -m pip install -q torch==2.13.0
    quiet python -m pip install -q -e '.[st,test]'
    python -c 'import bot, index, sentence_transformers' || { echo "setup --st failed: see pip output above" >&2; exit 1; }
    exit 0
fi
make_venv .venv 3.12
. .venv/bin/activate
python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "--test" ]; then
    quiet python -m pip install -q -e '.[teams,test]'
else
    quiet python -m pip install -q -e '.[teams]'
fi
python -c 'import bot, index, microsoft_agents.hosting.aiohttp' || { echo "setup failed: see pip output above" >&2; exit 1; }
