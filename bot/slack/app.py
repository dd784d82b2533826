"""Building the Bolt app. Nothing happens at import time; ``create_app`` does it all.

``process_before_response``: in HTTP mode Loket runs as a long-lived WSGI app, but it is
built like a FaaS app on purpose: each listener's ack function (fast, no Slack calls)
completes *before* the HTTP response, and all slow work (the desk, Slack posts) runs in
lazy listeners after it, well within Slack's 3 seconds. In Socket Mode the ack goes over
the WebSocket and Bolt's default (ack first, listener after) is right.
"""
from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.core.service import LoketService
from bot.settings import Settings
from bot.slack.core_team import CoreTeam
from bot.slack.delivery import Delivery
from bot.slack.deps import Deps
from bot.slack.listeners import register_listeners

log = logging.getLogger(__name__)

WEB_API_TIMEOUT_SECONDS = 20


def make_web_client(settings: Settings) -> WebClient:
    """The Web API client: ``SLACK_API_URL``, and retries for 429 / 5xx / broken connections."""
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(
        token=settings.slack_bot_token,
        base_url=base_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_deps(settings: Settings, service: LoketService, client: WebClient, core_team: CoreTeam | None = None) -> Deps:
    """The listeners' collaborators for ``service`` talking to Slack through ``client``."""
    core_team = core_team or CoreTeam(client, settings.core_channel, settings.core_users)
    delivery = Delivery(client=client, service=service, core_channel=settings.core_channel)
    return Deps(service=service, delivery=delivery, core_team=core_team, core_channel=settings.core_channel)


def create_app(
    settings: Settings,
    service: LoketService,
    *,
    client: WebClient | None = None,
    deps: Deps | None = None,
    socket_mode: bool = False,
) -> App:
    """A Bolt app with all Loket listeners, for HTTP (default) or Socket Mode.

    Pass ``deps`` to share the delivery / core-team objects with a background loop (see
    :mod:`bot.slack.server`); otherwise they are made here. Calls ``auth.test`` once, to
    fail fast on a bad token and learn Loket's own user id (its messages are ignored).
    """
    if not settings.slack_bot_token:
        raise ValueError("SLACK_BOT_TOKEN is required for Slack mode")
    if not socket_mode and not settings.slack_signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)")
    client = deps.delivery.client if deps else (client or make_web_client(settings))
    deps = deps or make_deps(settings, service, client)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=not socket_mode,
        ignoring_self_events_enabled=True,
        name="loket",
    )
    register_listeners(app, deps)
    return app
