"""Post "Nieuw in de kennisbank" to ``LOKET_UPDATES_CHANNEL`` after an index build.

Used by ``loket index build --announce``: a one-off post from the command line, through
the same Web API client (``SLACK_API_URL``, retries) as ``loket serve``. Nothing is posted
when nothing changed.
"""
from __future__ import annotations

import logging
from typing import Sequence

from slack_sdk import WebClient

from bot.core.network.updates import DocChange
from bot.settings import Settings
from bot.slack.blocks_network import updates_message
from bot.slack.client import make_clients

log = logging.getLogger(__name__)


class NotConfigured(RuntimeError):
    """Slack or the updates channel is not set up; ``str(exc)`` says what to set (Dutch)."""


def announce_changes(settings: Settings, changes: Sequence[DocChange], *, client: WebClient | None = None) -> str | None:
    """Post the changes; returns the message ts, or None when there was nothing to post."""
    message = updates_message(changes)
    if message is None:
        return None
    if not settings.slack_bot_token or not settings.updates_channel:
        raise NotConfigured("Zet SLACK_BOT_TOKEN en LOKET_UPDATES_CHANNEL om wijzigingen aan te kondigen.")
    client = client or make_clients(settings)[0]
    resp = client.chat_postMessage(channel=settings.updates_channel, **message)
    log.info("knowledge base changes announced in %s (%d document(s))", settings.updates_channel, len(changes))
    return resp.get("ts")
