#!/usr/bin/env bash
# Set up and run Loket on the embedded defaults: local index (built on first use) +
# SQLite in ./data + terminal chat. With Slack or Teams settings (SLACK_BOT_TOKEN,
# CLIENTID of the Teams app, or LOKET_TEAMS_ANONYMOUS=1) it serves them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
if [ -n "${SLACK_BOT_TOKEN:-}" ] || [ -n "${CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID:-}" ] \
   || [ "${LOKET_TEAMS_ANONYMOUS:-}" = 1 ]; then
    exec loket serve
else
    exec loket chat "$@"
fi
