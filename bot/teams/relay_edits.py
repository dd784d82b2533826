"""The core team's control over what reached the asker, in Teams: edits, deletions,
"Terugnemen" (the same rule as Slack, :func:`bot.core.escalations.relays.correction`).

* After a core reply went out, :func:`after_sent` queues the relay notice in the core thread
  ("Doorgestuurd", *Opnemen in kennisbank*, *Terugnemen*), or, when the reply was taken back
  while it was being sent, removes it again.
* Teams tells of an edit (``messageUpdate``, ``editMessage``) or a deletion
  (``messageDelete``, ``softDeleteMessage``) with the id of the changed message; the relay
  is found by that id (the outbox row of the relay, ``bot.core.escalations.relays``) and its sent copy
  at the asker's is updated (PUT) or deleted (DELETE) through the Bot Connector. An edit
  into an internal note takes the reply back; a note edited into a reply is not relayed.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.core.escalations import relays
from bot.core.delivery.outbox import POST_CORE_REPLY
from bot.core.views import OutboxPost
from bot.teams import cards, cards_core, escalation_card
from bot.teams.activities import CHANNEL, DELETED, PERSONAL, Incoming
from bot.teams.conversations import conversation_key, short_ts, split_thread, thread_conversation
from bot.teams.flows import reply_in_place

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

NOT_UPDATED = ("Je wijziging kon niet bij de vrager worden aangepast. Probeer het nog eens, of neem het antwoord "
               "terug.")


async def on_correction(rt: "TeamsRuntime", msg: Incoming) -> None:
    """An edit or deletion in the core channel: follow it at the asker's (only for relayed replies)."""
    base, root = split_thread(msg.conversation_id)
    if rt.core_key is None or msg.kind != CHANNEL or not root or root == msg.activity_id:
        return
    if conversation_key(base) != rt.core_key:
        return
    esc = await asyncio.to_thread(rt.service.escalation_for_core_thread, rt.core_key, root)
    reply_ts = short_ts(msg.activity_id)
    if esc is None or reply_ts is None:
        return
    store = rt.service.store
    action = await asyncio.to_thread(relays.correction, store, esc.number, reply_ts, text=msg.text,
                                     deleted=msg.event == DELETED)
    if action == relays.WITHDRAW:
        await take_back(rt, esc.number, reply_ts, user_id=msg.user_id, user_name=msg.user_name)
    elif action == relays.EDIT:
        relay = await asyncio.to_thread(relays.edit, store, esc.number, reply_ts, text=msg.text, user_id=msg.user_id,
                                        now=rt.clock())
        if relay is not None and relay.sent_ts and relay.channel_id and not await _update(rt, relay):
            await reply_in_place(rt, msg, cards.notice_card(NOT_UPDATED))


async def take_back(rt: "TeamsRuntime", number: int, reply_ts: str, *, user_id: str, user_name: str | None) -> bool:
    """Withdraw the relay of core message ``reply_ts``; True if there was one to take back.

    The sent copy is deleted at the asker's, and the relay notice in the core thread says so.
    """
    store = rt.service.store
    relay = await asyncio.to_thread(relays.withdraw, store, number, reply_ts, user_id=user_id, now=rt.clock())
    if relay is None:
        return False
    removed = await _remove(rt, relay)
    notice = await asyncio.to_thread(relays.relay_notice, store, relay.post_id, key_prefix=cards_core.RELAYED_KEY)
    esc = await asyncio.to_thread(rt.service.escalation, number)
    if notice is not None and esc.core_ts:
        try:
            stored = rt.book.get(notice[0])
            if stored is not None:
                await rt.sender.update_card(stored.reference, thread_conversation(stored.conversation_id, esc.core_ts),
                                            notice[1], cards_core.withdrawn_notice(number, by=user_name, removed=removed))
        except Exception as e:  # noqa: BLE001 - cosmetic; the reply is withdrawn anyway
            log.info("escalation #%d: relay notice not updated (%s)", number, type(e).__name__)
    log.info("escalation #%d: reply taken back (removed=%s)", number, removed)
    await escalation_card.redraw(rt, number)  # back to "Opgepakt" or open
    return True


def _target(rt: "TeamsRuntime", channel_key: str, thread_ts: str | None):
    stored = rt.book.get(channel_key)
    if stored is None:
        return None, None
    return stored.reference, thread_conversation(stored.conversation_id, thread_ts if stored.kind != PERSONAL else None)


async def _update(rt: "TeamsRuntime", relay: relays.RelayedReply) -> bool:
    reference, conversation = _target(rt, relay.channel_id, relay.thread_ts)
    if reference is None:
        return False
    try:
        await rt.sender.update_card(reference, conversation, relay.sent_ts,
                                    cards.relay_card(relay.number, core_name=None, text=relay.text))
    except Exception as e:  # noqa: BLE001 - the core member is told
        log.warning("escalation #%d: edited reply not updated (%s)", relay.number, type(e).__name__)
        return False
    log.info("escalation #%d: edited reply updated at the asker's", relay.number)
    return True


async def _remove(rt: "TeamsRuntime", relay: relays.RelayedReply) -> bool:
    """Delete the relayed message at the asker's; False when it had not gone out (or failed)."""
    if relay.sent_ts is None or relay.channel_id is None:
        return False
    reference, conversation = _target(rt, relay.channel_id, relay.thread_ts)
    if reference is None:
        return False
    try:
        await rt.sender.delete(reference, conversation, relay.sent_ts)
        return True
    except Exception as e:  # noqa: BLE001
        log.warning("escalation #%d: relayed reply not deleted (%s)", relay.number, type(e).__name__)
        return False


async def after_sent(rt: "TeamsRuntime", post: OutboxPost, activity_id: str | None) -> None:
    """A core reply went out: queue the relay notice, or remove it when it was taken back meanwhile."""
    if post.kind != POST_CORE_REPLY:
        return
    number = int(post.payload.get("number") or post.escalation_number or 0)
    reply_ts = post.payload.get("message_ts")
    relay = await asyncio.to_thread(relays.find, rt.service.store, number, reply_ts) if reply_ts else None
    if relay is not None and relay.withdrawn:
        if activity_id:
            reference, conversation = _target(rt, post.channel_id, post.thread_ts)
            try:
                if reference is not None:
                    await rt.sender.delete(reference, conversation, activity_id)
            except Exception as e:  # noqa: BLE001
                log.warning("escalation #%d: withdrawn reply not removed (%s)", number, type(e).__name__)
        return
    esc = await asyncio.to_thread(rt.service.escalation, number)
    if not esc.posted:
        return
    await asyncio.to_thread(rt.service.enqueue_post, kind=cards_core.POST_RELAYED, channel_id=esc.core_channel_id,
                            thread_ts=esc.core_ts, payload={"number": number, "reply_ts": reply_ts},
                            dedupe_key=f"{cards_core.RELAYED_KEY}:{post.id}", escalation_id=number)
