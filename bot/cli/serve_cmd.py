"""``loket serve``: run Loket in Slack (Socket Mode or HTTP), or explain what is missing."""
from __future__ import annotations

import argparse

from bot.settings import Settings

from .common import CliError, check_index, fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="Loket in Slack en/of Teams draaien (Teams en Slack-HTTP op $PORT)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.slack_enabled and not settings.teams_enabled:
        return fail(
            "Geen Slack- of Teams-instellingen. Zet SLACK_BOT_TOKEN (en SLACK_APP_TOKEN voor Socket Mode, of "
            "SLACK_SIGNING_SECRET voor HTTP), of voor Teams CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID "
            "(zie docs/teams.md) of LOKET_TEAMS_ANONYMOUS=1 om lokaal te proberen; of gebruik 'loket chat'."
        )
    try:
        check_index(settings)  # say which index answers; refuse a mismatched one before booting
    except CliError as exc:
        return fail(str(exc))
    if settings.teams_enabled:
        try:
            from bot.teams.server import serve as serve_teams
        except ImportError:
            return fail("Teams heeft Python 3.12 en het extra 'teams' nodig: bash scripts/setup.sh (zie README).")
        serve_teams(settings)
        return 0
    from bot.slack.server import serve

    serve(settings)
    return 0
