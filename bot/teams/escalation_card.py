"""Re-drawing an escalation's card in the core channel after its state changed (*Oppakken*,
*Sluiten*), as Slack updates its message: a PUT of Loket's root message of the thread.

A card that privacy erasure replaced stays replaced (the escalation's question is gone
then). A failed PUT is logged; the note Loket also writes in the thread still says it.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.core.privacy import PSEUDONYM
from bot.teams import cards
from bot.teams.conversations import thread_conversation

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)


async def redraw(rt: "TeamsRuntime", number: int, *, asker_name: str | None, claimer_name: str | None = None,
                 closer_name: str | None = None) -> bool:
    """PUT the card of escalation ``number`` in its current state; True when it was updated."""
    esc = await asyncio.to_thread(rt.service.escalation, number)
    channel = rt.settings.teams_core_channel
    if not esc.posted or not channel or (esc.asker_user_id == PSEUDONYM and not esc.question):
        return False
    reference = rt.reference_for(rt.core_key) if rt.core_key else None
    card = cards.escalation_card(esc, asker_name=asker_name, claimer_name=claimer_name, closer_name=closer_name)
    try:
        await rt.sender.update_card(reference, thread_conversation(channel, esc.core_ts), esc.core_ts, card,
                                    summary=f"#{number}: vraag aan het kernteam")
    except Exception as e:  # noqa: BLE001 - the note in the thread says it anyway
        log.warning("escalation #%s: card not re-drawn (%s)", number, type(e).__name__)
        return False
    return True
