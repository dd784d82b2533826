"""``loket serve`` for Teams: the aiohttp app on ``$PORT`` (``POST /api/messages``).

With Slack configured too, Slack runs alongside in the same process: in Socket Mode on its
own connection, or over HTTP on the same port (``POST /slack/events``, ``/readyz``,
``/metrics``: Slack's WSGI app behind the aiohttp app, :mod:`bot.teams.slack_bridge`).
"""
from __future__ import annotations

import logging
import threading

from aiohttp import web

from bot.settings import Settings

log = logging.getLogger(__name__)


def build_app(settings: Settings) -> web.Application:
    """Store, desk (with the core team's verified answers), service and the Teams app."""
    from bot.core.answering.desk import Desk
    from bot.core.service import LoketService
    from bot.core.answering.verified_sync import VerifiedSync
    from bot.store.repo import Store
    from bot.teams.app import core_team_for, create_app

    store = Store.open(settings.db_url)
    sync = VerifiedSync(Desk.open(settings, progress=False))
    core_team = core_team_for(settings)
    service = LoketService(desk=sync.desk_proxy, store=store, is_core=core_team.is_member)
    sync.load(service.verified_answers())
    return create_app(settings, service=service, store=store, core_team=core_team)


def serve(settings: Settings) -> None:
    """Teams on ``$PORT`` (and Slack next to it when configured: Socket Mode, or HTTP on the same port); blocks."""
    from bot import logsafe
    from bot.logsafe import configure_logging

    configure_logging(settings)
    secrets = [v for k, v in settings.teams_sdk_env.items() if k.endswith(("CLIENTSECRET", "CLIENT_SECRET"))]
    logsafe.install([settings.slack_bot_token or "", settings.slack_app_token or "",  # Slack's, plus the Teams secret
                     settings.slack_signing_secret or "", *secrets])
    if settings.slack_enabled and not settings.slack_app_token and not settings.slack_signing_secret:
        raise SystemExit("SLACK_SIGNING_SECRET is not set (or set SLACK_APP_TOKEN for Socket Mode)")
    app = build_app(settings)
    if settings.slack_enabled and settings.slack_app_token:
        from bot.slack.server import serve_socket_mode

        threading.Thread(target=serve_socket_mode, args=(settings,), name="slack-socket-mode", daemon=True).start()
    elif settings.slack_enabled:
        mount_slack_http(app, settings)
    log.info("Loket serving Teams on port %d (POST /api/messages, GET /healthz)", settings.port)
    web.run_app(app, port=settings.port, print=None)


def mount_slack_http(app: web.Application, settings: Settings) -> None:
    """Slack over HTTP on the Teams app's port (its runtime closes with the app)."""
    if not settings.slack_signing_secret:
        raise SystemExit("SLACK_SIGNING_SECRET is not set (or set SLACK_APP_TOKEN for Socket Mode)")
    from bot.slack import wsgi
    from bot.slack.wsgi import GUNICORN_THREADS
    from bot.teams import slack_bridge

    pool = slack_bridge.mount(app, wsgi.create(settings), threads=GUNICORN_THREADS)

    async def close(_app: web.Application) -> None:
        pool.shutdown(wait=False)
        wsgi.close_all()

    app.on_cleanup.append(close)
    log.info("Slack over HTTP on the same port (POST /slack/events, GET /readyz, /metrics)")
