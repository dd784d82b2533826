"""``loket serve``: run Loket in Slack (Socket Mode or HTTP), in Teams, or both; or explain
what is missing."""
from __future__ import annotations

import argparse

from bot.logsafe import configure_logging
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
    configure_logging(settings)
    if settings.teams_enabled:
        return _serve_teams(settings)
    return _serve_slack(settings)


def _serve_slack(settings: Settings) -> int:
    """Slack alone: Socket Mode when ``SLACK_APP_TOKEN`` is set, else HTTP under gunicorn."""
    if not settings.slack_bot_token:
        raise SystemExit("SLACK_BOT_TOKEN is not set")
    if settings.slack_app_token:
        from bot.slack.server import serve_socket_mode

        serve_socket_mode(settings)
    else:
        from bot.slack.wsgi import serve_http

        serve_http(settings)
    return 0


def _serve_teams(settings: Settings) -> int:
    """Teams on ``$PORT``, with Slack in Socket Mode in a thread next to it when configured."""
    try:
        from bot.teams.server import serve as serve_teams
    except ImportError:
        return fail("Teams heeft Python 3.12 en het extra 'teams' nodig: bash scripts/setup.sh (zie README).")
    if settings.slack_enabled:
        if not settings.slack_app_token:
            raise SystemExit("Slack over HTTP and Teams together are not supported yet: set SLACK_APP_TOKEN "
                             "(Socket Mode) to run both, or run them as two services")
        import threading

        from bot.slack.server import serve_socket_mode

        threading.Thread(target=serve_socket_mode, args=(settings,), name="slack-socket-mode", daemon=True).start()
    serve_teams(settings)
    return 0
