"""``loket serve`` for Teams: the aiohttp app on ``$PORT`` (``POST /api/messages``).

With Slack configured too, Slack runs alongside in the same process when it uses Socket
Mode (its own connection, no port). Slack over HTTP and Teams on one port is not done yet:
``loket serve`` says so instead of starting half.
"""
from __future__ import annotations

import logging
import threading

from aiohttp import web

from bot.settings import Settings

log = logging.getLogger(__name__)


def build_app(settings: Settings) -> web.Application:
    """Store, desk (with the core team's verified answers), service and the Teams app."""
    from bot.core.desk import Desk
    from bot.core.service import LoketService
    from bot.core.verified_sync import VerifiedSync
    from bot.store.repo import Store
    from bot.teams.app import core_team_for, create_app

    store = Store.open(settings.db_url)
    sync = VerifiedSync(Desk.open(settings, progress=False))
    core_team = core_team_for(settings)
    service = LoketService(desk=sync.desk_proxy, store=store, is_core=core_team.is_member)
    sync.load(service.verified_answers())
    return create_app(settings, service=service, store=store, core_team=core_team)


def serve(settings: Settings) -> None:
    """Teams on ``$PORT`` (and Slack in Socket Mode next to it when configured); blocks."""
    from bot import logsafe
    from bot.slack.server import configure_logging

    configure_logging(settings)
    secrets = [v for k, v in settings.teams_sdk_env.items() if k.endswith(("CLIENTSECRET", "CLIENT_SECRET"))]
    logsafe.install([settings.slack_bot_token or "", settings.slack_app_token or "",  # Slack's, plus the Teams secret
                     settings.slack_signing_secret or "", *secrets])
    if settings.slack_enabled:
        if not settings.slack_app_token:
            raise SystemExit("Slack over HTTP and Teams together are not supported yet: set SLACK_APP_TOKEN "
                             "(Socket Mode) to run both, or run them as two services")
        from bot.slack.server import serve_socket_mode

        threading.Thread(target=serve_socket_mode, args=(settings,), name="slack-socket-mode", daemon=True).start()
    log.info("Loket serving Teams on port %d (POST /api/messages, GET /healthz)", settings.port)
    web.run_app(build_app(settings), port=settings.port, print=None)
