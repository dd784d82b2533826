"""``create_app``: the aiohttp application of Loket in Teams (``POST /api/messages``).

No import-time side effects: the SDK objects, the runtime and the background loop are
made here. Anonymous mode (``LOKET_TEAMS_ANONYMOUS=1``, for the Agents Playground) is
logged loudly at every start.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from datetime import datetime
from typing import Callable

from aiohttp import web
from microsoft_agents.hosting.core.authorization import Connections

from bot.core.network.hub import open_network
from bot.core.service import LoketService, utcnow
from bot.core.delivery.pace import channel_pacer
from bot.settings import Settings
from bot.store.repo import Store
from bot.teams import cards, jobs
from bot.teams.core_team import CoreTeam
from bot.teams.runtime import TeamsRuntime
from bot.teams.sdk import MESSAGES_PATH, Sender, auth_configuration, auth_middleware, claims_for, connections_from_settings, new_adapter

log = logging.getLogger(__name__)

RUNTIME_KEY = web.AppKey("loket.teams", TeamsRuntime)


def create_app(settings: Settings, *, service: LoketService, store: Store, core_team: CoreTeam | None = None,
               connections: Connections | None = None, background: bool = True,
               clock: Callable[[], datetime] = utcnow) -> web.Application:
    """The Teams app on ``service``; ``connections`` (tests) replaces the SDK's MSAL connections.

    ``core_team`` must be the one ``service.is_core`` asks (see :func:`core_team_for`).
    """
    if not settings.teams_enabled:
        raise ValueError("Teams is not configured: set the app credentials or LOKET_TEAMS_ANONYMOUS=1")
    connections = connections or connections_from_settings(settings)
    core_team = core_team or CoreTeam(settings.teams_core_users)
    runtime_box: dict[str, TeamsRuntime] = {}

    async def on_error(context, error):
        await runtime_box["rt"].on_error(context, error)

    adapter = new_adapter(connections, on_error)
    runtime = TeamsRuntime(settings, service=service, store=store, core_team=core_team,
                           sender=Sender(adapter, claims_for(settings, connections),
                                         pace=channel_pacer(store, settings.teams_channel_rate,
                                                            settings.teams_channel_burst)),
                           clock=clock,
                           network=open_network(settings, service))
    runtime_box["rt"] = runtime
    if settings.teams_anonymous:
        log.warning("!!! %s !!!", cards.ANONYMOUS_NOTE)

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, runtime)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application(middlewares=[auth_middleware])
    with warnings.catch_warnings():  # the SDK's middleware reads this plain string key
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        app["agent_configuration"] = auth_configuration(settings, connections)
    app[RUNTIME_KEY] = runtime
    app.router.add_post(MESSAGES_PATH, messages)
    app.router.add_get("/healthz", healthz)
    if background:
        app.cleanup_ctx.append(_background(runtime))
        app.cleanup_ctx.append(jobs.scheduler_context(runtime))  # weekly summary, SLA reminders
    return app


def core_team_for(settings: Settings) -> CoreTeam:
    """The core team of Teams (give the same object to the service's ``is_core``)."""
    return CoreTeam(settings.teams_core_users)


def _background(runtime: TeamsRuntime):
    async def ctx(_app: web.Application):
        task = asyncio.get_running_loop().create_task(runtime.loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await runtime.idle()

    return ctx
