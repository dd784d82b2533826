"""Teams conversations as the core sees them, and their stored references.

The core keys conversations by a short channel id and a thread ts (Slack's shape, which
fits its id columns). Teams conversation ids can be 130+ characters, so the adapter hands
the core ``"t:" + hash`` of the conversation id instead and keeps the conversation itself
(id, kind and the ``serviceUrl`` replies must use) in ``teams_conversations``. A channel
thread is the channel's key plus the root message id, the ``;messageid=`` part of
``conversation.id``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.delivery.platforms import TEAMS_CHANNEL_PREFIX, is_teams_channel
from bot.store.models import TeamsConversation
from bot.store.repo import Store

KEY_PREFIX = TEAMS_CHANNEL_PREFIX
THREAD_MARK = ";messageid="
MAX_TS = 32  # the core's ts columns


def conversation_key(conversation_id: str) -> str:
    """The core's channel id for a Teams conversation (stable, short, never a Slack id)."""
    return KEY_PREFIX + hashlib.sha256(conversation_id.encode()).hexdigest()[:24]


is_teams_key = is_teams_channel


def split_thread(conversation_id: str) -> tuple[str, str | None]:
    """``"19:x@thread.tacv2;messageid=123"`` -> ``("19:x@thread.tacv2", "123")``."""
    base, mark, root = conversation_id.partition(THREAD_MARK)
    return base, (root or None) if mark else None


def thread_conversation(base_id: str, root: str | None) -> str:
    """The conversation id that posts into the thread ``root`` of channel ``base_id``."""
    return f"{base_id}{THREAD_MARK}{root}" if root else base_id


def short_ts(activity_id: str | None) -> str | None:
    """An activity id as the core's message ts: as is when it fits, else a hash."""
    if not activity_id:
        return None
    return activity_id if len(activity_id) <= MAX_TS else "h" + hashlib.sha256(activity_id.encode()).hexdigest()[:30]


@dataclass(frozen=True)
class StoredConversation:
    key: str
    conversation_id: str
    kind: str
    service_url: str
    reference: dict[str, Any]


class ConversationBook:
    """Read and write ``teams_conversations`` (the last reference seen wins)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def remember(self, *, conversation_id: str, kind: str, service_url: str, reference: dict[str, Any],
                 now: datetime) -> str:
        """Store (or refresh) the reference of ``conversation_id``; returns its key."""
        key = conversation_key(conversation_id)
        with self.store.tx() as tx:
            row = tx.session.get(TeamsConversation, key, with_for_update=True)
            if row is None:
                tx.session.add(TeamsConversation(key=key, conversation_id=conversation_id, kind=kind,
                                                 service_url=service_url, reference=reference, updated_at=now))
            elif (row.service_url, row.reference, row.kind) != (service_url, reference, kind):
                row.service_url, row.reference, row.kind, row.updated_at = service_url, reference, kind, now
        return key

    def get(self, key: str) -> StoredConversation | None:
        with self.store.read() as tx:
            row = tx.session.get(TeamsConversation, key)
            if row is None:
                return None
            return StoredConversation(row.key, row.conversation_id, row.kind, row.service_url, dict(row.reference))
