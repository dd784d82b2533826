#!/usr/bin/env bash
# Set up and run the whole test suite, on SQLite and on a throwaway local PostgreSQL:
# everything in .venv (Python 3.12, Teams included), then the sentence-transformers tests
# (`-m st`, they need torch) in .venv-st (Python 3.11); see scripts/setup.sh for why.
# With arguments, only `pytest ARGS` in .venv runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if [ $# -eq 0 ]; then bash scripts/setup.sh --st; fi
. .venv/bin/activate
if [ -z "${LOKET_TEST_POSTGRES_URL:-}" ] && [ "${LOKET_TEST_NO_POSTGRES:-}" != 1 ]; then
    eval "$(bash .ci/postgres.sh)"
    trap 'bash .ci/postgres.sh stop "$LOKET_TEST_POSTGRES_DIR"' EXIT
fi
python -m pytest -q "$@"
if [ $# -eq 0 ]; then
    .venv-st/bin/python -m pytest -q -m st -p no:cacheprovider tests/test_embeddings.py
fi
