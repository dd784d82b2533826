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
    """Teams on ``$PORT``, with Slack next to it when configured: Socket Mode in a thread, or
    Slack's HTTP endpoints mounted on the same port."""
    try:
        from bot.teams.server import serve as serve_teams
    except ImportError:
        return fail("Teams heeft Python 3.12 en het extra 'teams' nodig: bash scripts/setup.sh (zie README).")
    mount = None
    if settings.slack_enabled and settings.slack_app_token:
        import threading

        from bot.slack.server import serve_socket_mode

        threading.Thread(target=serve_socket_mode, args=(settings,), name="slack-socket-mode", daemon=True).start()
    elif settings.slack_enabled:
        if not settings.slack_signing_secret:
            return fail("SLACK_SIGNING_SECRET ontbreekt (of zet SLACK_APP_TOKEN voor Socket Mode).")
        mount = _slack_http_mount(settings)
    serve_teams(settings, mount=mount)
    return 0


def _slack_http_mount(settings: Settings):
    """Slack over HTTP on the Teams app's port (its runtime closes with the app)."""
    from bot.slack import wsgi
    from bot.teams import slack_bridge

    def mount(app) -> None:
        pool = slack_bridge.mount(app, wsgi.create(settings), threads=wsgi.GUNICORN_THREADS)

        async def close(_app) -> None:
            pool.shutdown(wait=False)
            wsgi.close_all()

        app.on_cleanup.append(close)

    return mount
