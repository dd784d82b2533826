#!/usr/bin/env bash
# Set up and run the whole test suite, on SQLite and on a throwaway local PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
. .venv/bin/activate
if [ -z "${LOKET_TEST_POSTGRES_URL:-}" ] && [ "${LOKET_TEST_NO_POSTGRES:-}" != 1 ]; then
    eval "$(bash .ci/postgres.sh)"
    trap 'bash .ci/postgres.sh stop "$LOKET_TEST_POSTGRES_DIR"' EXIT
fi
python -m pytest -q "$@"
