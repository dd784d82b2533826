"""The core team's control over what reached the asker: edits, deletions, "Terugnemen", files.

The relay rule (see docs/slack.md): a core member's plain reply in an escalation's core
thread goes to the asker; a message starting with ``//`` or ``(intern)`` is an internal
note and stays in the core channel. After each relay Loket confirms it in the core thread,
with "Terugnemen". Then:

* editing the reply (``message_changed``) updates the relayed message; editing it into an
  internal note takes it back;
* deleting the reply (``message_deleted``) or clicking "Terugnemen" removes the relayed
  message (``chat.delete``), or stops it when it has not gone out yet;
* files in a reply do not reach the asker (files in the core channel are not visible to
  them): Loket says so to the core member, privately, and relays the text if there is any.
"""
from __future__ import annotations

import logging
from typing import Any

from bot.core.escalations import relays
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.slack.guards import is_core

log = logging.getLogger(__name__)

is_internal = relays.is_internal  # the relay rule lives in bot.core.escalations.relays (Slack and Teams)


def on_core_correction(deps: Deps, event: dict[str, Any]) -> None:
    """``message_changed`` / ``message_deleted`` in the core channel: follow it at the asker's."""
    if event.get("subtype") == "message_changed":
        message = event.get("message") or {}
        ts, deleted = message.get("ts"), False
    else:
        message = event.get("previous_message") or {}
        ts, deleted = event.get("deleted_ts") or message.get("ts"), True
    thread_ts, user = message.get("thread_ts"), message.get("user")
    if message.get("bot_id") or not (ts and thread_ts and user) or ts == thread_ts:
        return
    esc = deps.service.escalation_for_core_thread(event["channel"], thread_ts)
    if esc is None:
        return
    action = relays.correction(deps.service.store, esc.number, ts, text=message.get("text"), deleted=deleted)
    if action == relays.WITHDRAW:
        take_back(deps, esc.number, ts, user_id=user)
        return
    if action is None:
        return  # never relayed, or not a change of text (Slack also sends message_changed for link previews)
    relay = relays.edit(deps.service.store, esc.number, ts, text=message.get("text") or "", user_id=user,
                        now=deps.service.clock())
    if relay is None or relay.sent_ts is None or relay.channel_id is None:
        return  # never relayed, or not out yet (the outbox sends the new text)
    try:
        deps.delivery.client.chat_update(channel=relay.channel_id, ts=relay.sent_ts,
                                         **blocks.core_reply_relay(esc.number, relay.user_id, relay.text))
        log.info("escalation #%d: edited reply updated at the asker's", esc.number)
    except Exception as e:  # noqa: BLE001
        log.warning("escalation #%d: edited reply not updated: %s", esc.number, type(e).__name__)
        deps.delivery.ephemeral(event["channel"], user, "Je wijziging kon niet bij de vrager worden aangepast. "
                                "Probeer het nog eens, of neem het antwoord terug.", thread_ts=thread_ts)


def take_back(deps: Deps, number: int, reply_ts: str, *, user_id: str, notice: tuple[str, str] | None = None) -> bool:
    """Withdraw the relay of core message ``reply_ts``; True if there was one to take back.

    ``notice`` (channel, ts) is the relay notice to mark as taken back; without it the
    notice is looked up in the outbox.
    """
    relay = relays.withdraw(deps.service.store, number, reply_ts, user_id=user_id, now=deps.service.clock())
    if relay is None:
        return False
    removed = remove_relayed(deps, relay)
    esc = deps.service.escalation(number)
    notice = notice or relays.relay_notice(deps.service.store, relay.post_id)
    if notice is not None:
        try:
            deps.delivery.client.chat_update(channel=notice[0], ts=notice[1],
                                             **blocks.withdrawn_notice(esc.asker_user_id, user_id, removed=removed))
        except Exception as e:  # noqa: BLE001 - cosmetic
            log.info("relay notice not updated: %s", type(e).__name__)
    deps.delivery.refresh_escalation_post(esc)
    log.info("escalation #%d: reply taken back (removed=%s)", number, removed)
    return True


def remove_relayed(deps: Deps, relay: relays.RelayedReply) -> bool:
    """Delete the relayed message at the asker's; False when it had not gone out."""
    if relay.sent_ts is None or relay.channel_id is None:
        return False
    try:
        deps.delivery.client.chat_delete(channel=relay.channel_id, ts=relay.sent_ts)
        return True
    except Exception as e:  # noqa: BLE001
        log.warning("escalation #%d: relayed reply not deleted: %s", relay.number, type(e).__name__)
        return False


def tell_files_not_relayed(deps: Deps, event: dict[str, Any], *, text_relayed: bool) -> None:
    """A core member's reply carried files: say privately that they did not reach the asker."""
    files = event.get("files") or []
    if not files or not is_core(deps, event.get("user")):
        return
    names = [str(f.get("name") or f.get("title") or "bestand") for f in files]
    deps.delivery.ephemeral(event["channel"], event["user"], blocks.files_not_relayed(names, text_relayed=text_relayed),
                            thread_ts=event.get("thread_ts"))
