"""Building the Bolt app. Nothing happens at import time; ``create_app`` does it all.

``process_before_response``, in both modes: each listener's ack function (fast) runs
in the thread that received the request and completes *before* the acknowledgement goes
out (HTTP response or WebSocket ack); all slow work (the desk, Slack posts) runs in lazy
listeners on Bolt's worker pool after it. Bolt's default for Socket Mode would run the
ack function itself on that pool, so with five answers in flight every command, button
and form waited behind them, past Slack's 3 seconds (issue 10, defect 5).

Either way the inbox middleware (:mod:`bot.slack.inbox`) runs before any acknowledgement:
a question is in the database before Slack hears that it arrived.
"""
from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.core.service import LoketService
from bot.settings import Settings
from bot.slack.client import make_clients
from bot.slack.core_team import CoreTeam
from bot.slack.delivery import Delivery
from bot.slack.deps import Deps
from bot.slack import blocks
from bot.slack.forms import Forms
from bot.slack.inbox import FAILED_TEXT, SlackInbox, failure_notice, outage_notice
from bot.slack.listeners import register_listeners
from bot.slack.listeners.monitoring import register as register_monitoring
from bot.slack.listeners.network import register as register_network
from bot.slack.metrics import Metrics
from bot.core.network.hub import open_network
from bot.slack.posting import Poster

log = logging.getLogger(__name__)

def make_web_client(settings: Settings) -> WebClient:
    """The main Web API client: ``SLACK_API_URL``, retries for 429 / 5xx / broken connections,
    posts paced per channel (see :mod:`bot.slack.client`)."""
    return make_clients(settings)[0]


def make_deps(settings: Settings, service: LoketService, client: WebClient, core_team: CoreTeam | None = None, *,
              poster_client: WebClient | None = None, metrics: Metrics | None = None) -> Deps:
    """The listeners' collaborators for ``service`` talking to Slack through ``client``.

    ``poster_client`` posts at-most-once (no blind retries; see :mod:`bot.slack.posting`).
    """
    core_team = core_team or CoreTeam(client, settings.core_channel, settings.core_users)
    delivery = Delivery(client=client, service=service, core_channel=settings.core_channel,
                        poster=Poster(poster_client or client), metrics=metrics)
    inbox = SlackInbox(service.store, notify=outage_notice(delivery.ephemeral),
                       notify_failed=failure_notice(delivery.post, blocks.ephemeral(FAILED_TEXT)))
    return Deps(service=service, delivery=delivery, core_team=core_team, core_channel=settings.core_channel,
                forms=Forms(client),
                inbox=inbox, metrics=metrics, network=open_network(settings, service))


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
    deps.core_team.verify_private()  # a public core channel would give anyone the core team's rights
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=True,  # acks never wait behind answering work (module docstring)
        ignoring_self_events_enabled=True,
        name="loket",
    )
    if deps.inbox is not None:
        app.middleware(deps.inbox.middleware())
    register_network(app, deps, settings)  # first: /deskundige, /loket deskundige|bericht|les|ondersteuning
    register_monitoring(app, deps, settings)  # then: /loket plan|overzicht|signalen and the App Home
    register_listeners(app, deps)
    return app
