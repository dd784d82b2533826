#!/usr/bin/env bash
# Set up and run Loket on the embedded defaults: local index (built on first use) +
# SQLite in ./data + terminal chat. With SLACK_BOT_TOKEN set it serves Slack instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
if [ -n "${SLACK_BOT_TOKEN:-}" ]; then exec loket serve; else exec loket chat "$@"; fi
