"""Queue "Nieuw in de kennisbank" for the Teams updates channel (``LOKET_TEAMS_UPDATES_CHANNEL``).

``loket index build --announce`` runs without the Teams server, and Teams takes messages
only from the running bot (its credentials, the tenant's ``serviceUrl``); so the card is
queued in the outbox, which the Teams server sends (once: the dedupe key is the set of
changes) within its next background round.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Sequence

from bot.core.network.updates import DocChange
from bot.core.delivery.outbox import Outbox
from bot.settings import Settings
from bot.store.repo import Store
from bot.teams import cards_monitoring as cm
from bot.teams.conversations import conversation_key
from bot.teams.notices import POST_CARD


def changes_key(changes: Sequence[DocChange]) -> str:
    """The same changes announced twice are one post."""
    text = "\n".join(sorted(f"{c.change}|{c.path}|{c.updated or ''}" for c in changes))
    return "kb-updates:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def queue_updates(settings: Settings, store: Store, changes: Sequence[DocChange]) -> int | None:
    """Queue the card; None when nothing changed, no channel is set, or it was queued before."""
    attachment = cm.updates_card(changes)
    if attachment is None or not settings.teams_updates_channel:
        return None
    outbox = Outbox(store, lambda: datetime.now(timezone.utc))
    return outbox.enqueue(kind=POST_CARD, channel_id=conversation_key(settings.teams_updates_channel), thread_ts=None,
                          payload={"card": attachment, "summary": "Nieuw in de kennisbank"},
                          dedupe_key=changes_key(changes))
