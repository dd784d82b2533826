"""Re-drawing an escalation's card in the core channel after its state changed (*Oppakken*,
*Sluiten*, a relayed answer, *Terugnemen*), as Slack updates its message: a PUT of Loket's
root message of the thread.

Teams cannot read a message back and Loket stores no names, so the names the card shows are
read through the SDK when it is re-drawn (the asker in their conversation, core members in
the core team; ``GET …/members/{id}``), unless the caller knows them (the person who
clicked). A name that cannot be read is left out ("een deelnemer", "het kernteam").

A card that privacy erasure replaced stays replaced (the escalation's question is gone
then). A failed PUT is logged; the note Loket also writes in the thread still says it.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from bot.core.privacy import PSEUDONYM
from bot.core.views import EscalationView
from bot.teams import cards
from bot.teams.conversations import thread_conversation

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)


async def redraw(rt: "TeamsRuntime", number: int, *, claimer_name: str | None = None,
                 closer_name: str | None = None) -> bool:
    """PUT the card of escalation ``number`` in its current state; True when it was updated."""
    esc = await asyncio.to_thread(rt.service.escalation, number)
    channel = rt.settings.teams_core_channel
    if not esc.posted or not channel or rt.core_key is None or (esc.asker_user_id == PSEUDONYM and not esc.question):
        return False
    try:
        reference = rt.reference_for(rt.core_key)
        names = await _names(rt, esc, reference, claimer_name=claimer_name, closer_name=closer_name)
        card = cards.escalation_card(esc, **names)
        await rt.sender.update_card(reference, thread_conversation(channel, esc.core_ts), esc.core_ts, card,
                                    summary=f"#{number}: vraag aan het kernteam")
    except Exception as e:  # noqa: BLE001 - the note in the thread says it anyway
        log.warning("escalation #%s: card not re-drawn (%s)", number, type(e).__name__)
        return False
    return True


async def _names(rt: "TeamsRuntime", esc: EscalationView, core_reference: dict[str, Any], *,
                 claimer_name: str | None, closer_name: str | None) -> dict[str, str | None]:
    asker = rt.book.get(esc.asker_channel_id)
    team = rt.settings.teams_team_id or rt.settings.teams_core_channel
    return {
        "asker_name": await _name(rt, asker.reference, asker.conversation_id, esc.asker_user_id) if asker else None,
        "claimer_name": claimer_name or await _name(rt, core_reference, team, esc.claimed_by),
        "closer_name": closer_name or await _name(rt, core_reference, team, esc.closed_by),
        "answerer_name": await _name(rt, core_reference, team, esc.answered_by),
    }


async def _name(rt: "TeamsRuntime", reference: dict[str, Any], conversation_id: str, user_id: str | None) -> str | None:
    if not user_id or user_id == PSEUDONYM:
        return None
    try:
        return (await rt.sender.member(reference, conversation_id, user_id)).get("name") or None
    except Exception as e:  # noqa: BLE001 - shown without the name
        log.info("teams: member name not read (%s)", type(e).__name__)
        return None
