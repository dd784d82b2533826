"""``loket serve``: run Loket in Slack (Socket Mode or HTTP), or explain what is missing."""
from __future__ import annotations

import argparse

from bot.settings import Settings

from .common import CliError, check_index, fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="Loket in Slack draaien (Socket Mode met SLACK_APP_TOKEN, anders HTTP op $PORT)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.slack_enabled:
        return fail(
            "SLACK_BOT_TOKEN ontbreekt. Zet SLACK_BOT_TOKEN (en SLACK_APP_TOKEN voor Socket Mode, of "
            "SLACK_SIGNING_SECRET voor HTTP), of gebruik 'loket chat' in de terminal."
        )
    try:
        check_index(settings)  # say which index answers; refuse a mismatched one before booting
    except CliError as exc:
        return fail(str(exc))
    from bot.slack.server import serve

    serve(settings)
    return 0
