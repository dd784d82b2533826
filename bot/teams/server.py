"""``loket serve`` for Teams: the aiohttp app on ``$PORT`` (``POST /api/messages``).

With Slack configured too, ``loket serve`` (:mod:`bot.cli.serve_cmd`) runs Slack alongside
in the same process: in Socket Mode on its own connection, or over HTTP on the same port
(Slack's WSGI app mounted behind this app, :mod:`bot.teams.slack_bridge`). This module
never imports Slack: the CLI hands the mount in.
"""
from __future__ import annotations

import logging
from typing import Callable

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


def serve(settings: Settings, *, mount: Callable[[web.Application], None] | None = None) -> None:
    """Teams on ``$PORT``; blocks. ``mount`` adds routes of another adapter to the same app
    (``loket serve`` mounts Slack over HTTP this way)."""
    app = build_app(settings)
    if mount is not None:
        mount(app)
    log.info("Loket serving Teams on port %d (POST /api/messages, GET /healthz)", settings.port)
    web.run_app(app, port=settings.port, print=None)
