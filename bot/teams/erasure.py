"""Privacy erasure of Loket's Teams posts: the outbox kinds ``privacy_delete`` and
``privacy_redact`` that ``bot.core.privacy.privacy_core`` queues when a person asks to be forgotten.

``privacy_delete`` deletes one of Loket's messages (DELETE activity); ``privacy_redact``
replaces the escalation card in the core channel by a neutral notice (PUT activity): it
is the root of the core team's thread and stays. A message in a channel thread is
addressed through its thread (``payload.thread_ts``, the root). A message that is gone
already (404) counts as done, as ``message_not_found`` does in Slack.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiohttp import ClientResponseError

from bot.core.delivery.drain import Undeliverable
from bot.core.delivery.outbox import POST_DELETE
from bot.core.views import OutboxPost
from bot.teams import cards_core
from bot.teams.activities import PERSONAL
from bot.teams.conversations import thread_conversation

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

PERMANENT = frozenset({400, 401, 403})  # trying again will not help


async def erase(rt: "TeamsRuntime", post: OutboxPost) -> str:
    """Carry out one erasure post; returns the message id it acted on. A message that is gone
    already (404) counts as done; other errors are raised for the outbox to retry or give up
    (400/401/403: :data:`PERMANENT`)."""
    activity_id = str(post.payload.get("ts") or "")
    stored = rt.book.get(post.channel_id)
    if stored is None or not activity_id:
        raise Undeliverable("erasure target unknown")
    thread = post.payload.get("thread_ts") if stored.kind != PERSONAL else None
    conversation = thread_conversation(stored.conversation_id, thread)
    try:
        if post.kind == POST_DELETE:
            await rt.sender.delete(stored.reference, conversation, activity_id)
        else:
            await rt.sender.update_card(stored.reference, conversation, activity_id, cards_core.erased_card())
    except ClientResponseError as e:
        if e.status != 404:
            raise
        log.info("outbox %s (%s): message already gone", post.id, post.kind)
    return activity_id
