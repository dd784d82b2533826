"""The core team's actions in an escalation's thread in Teams, on the same core calls as Slack:

* expert suggestions: once per posted escalation, a card in its core thread with up to
  three experts from the directory (``bot.core.network``), each with *Doorverwijzen*;
* *Doorverwijzen*: the referral is recorded (``Referrals.refer``) and the asker is
  introduced to the expert in their own conversation (experts are reached by e-mail from
  Teams: the directory holds Slack ids only), with a note in the core thread;
* *Opnemen in kennisbank*: the core team's answer becomes a verified answer
  (``LoketService.save_verified``), searchable at once;
* *Terugnemen*: the relayed reply is removed at the asker's (:mod:`bot.teams.relay_edits`).

All are for the core team only: anyone else gets a note, the refusal is audited and
nothing changes (the core services check again).
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from bot.core.privacy import audit
from bot.core.escalations import InvalidTransition
from bot.core.network.referrals import UnknownExpert
from bot.core.delivery.platforms import is_teams_channel
from bot.core.service import NotAllowed
from bot.teams import action_ids, cards, cards_core, forms
from bot.teams.activities import Incoming
from bot.teams.flows import CORE_REFUSAL, reply_in_place
from bot.teams.relay_edits import take_back

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

UNAVAILABLE = "De netwerkfunctie (deskundigen, ondersteuning) is nu niet beschikbaar."
UNKNOWN = "Dat gesprek ken ik niet (meer)."
AUDIT_ACTIONS = {action_ids.SAVE_VERIFIED: "verified.save", action_ids.TAKE_BACK: "escalation.answer_withdraw",
                 action_ids.REFER: "escalation.refer"}


HANDLED = action_ids.CORE_ACTIONS | {action_ids.ASK_SUPPORT, action_ids.SUPPORT_SUBMIT}


async def card_action(rt: "TeamsRuntime", msg: Incoming) -> bool:
    """Handle a card button of :data:`HANDLED` (True), or leave it to ``bot.teams.flows`` (False)."""
    action = (msg.value or {}).get("loket")
    if action not in HANDLED:
        return False
    await rt.refresh_core_team()
    core = rt.core_team.is_member(msg.user_id)
    if action == action_ids.ASK_SUPPORT:
        await forms.show(rt, msg, core=core)
    elif action == action_ids.SUPPORT_SUBMIT:
        await forms.submit(rt, msg, core=core)
    else:
        await run(rt, msg, action, core=core)
    return True


async def run(rt: "TeamsRuntime", msg: Incoming, action: str, *, core: bool) -> None:
    """One of :data:`~bot.teams.action_ids.CORE_ACTIONS`; refusals and mistakes become a note."""
    value = msg.value or {}
    try:
        number = int(value.get("number") or 0)
    except (TypeError, ValueError):
        number = 0
    if not core:
        log.info("card action %s on #%s refused: not in the core team", action, number)
        _audit_refusal(rt, msg.user_id, AUDIT_ACTIONS[action], number)
        await reply_in_place(rt, msg, cards.notice_card(CORE_REFUSAL))
        return
    try:
        if action == action_ids.SAVE_VERIFIED:
            await asyncio.to_thread(rt.service.save_verified, number, user_id=msg.user_id)
            reply = cards_core.saved_notice(number, by=msg.user_name)
        elif action == action_ids.TAKE_BACK:
            done = await take_back(rt, number, str(value.get("reply") or ""), user_id=msg.user_id,
                                   user_name=msg.user_name)
            reply = None if done else cards.notice_card("Dat antwoord is al teruggenomen.")
        else:
            reply = await _refer(rt, msg, number, str(value.get("expert") or ""))
    except (NotAllowed, InvalidTransition, UnknownExpert) as e:
        reply = cards.notice_card(str(e))
    except (KeyError, ValueError):
        log.info("card action %s with an unknown escalation", action)
        reply = cards.notice_card(UNKNOWN)
    if reply is not None:
        await reply_in_place(rt, msg, reply)


async def _refer(rt: "TeamsRuntime", msg: Incoming, number: int, expert_id: str) -> dict[str, Any] | None:
    """"Doorverwijzen": record the referral, introduce asker and expert (once, through the outbox)."""
    if rt.network is None:
        return cards.notice_card(UNAVAILABLE)
    ref = await asyncio.to_thread(rt.network.referrals.refer, number, expert_id, user_id=msg.user_id)
    if not ref.new:
        return cards.notice_card(f"#{number} is al doorverwezen naar {ref.expert.name}.")
    esc = ref.escalation
    notices = [("intro", cards_core.ready(esc.asker_channel_id, cards_core.introduction(ref, by=msg.user_name),
                                         esc.asker_thread_ts)),
               ("core", cards_core.ready(esc.core_channel_id, cards_core.referral_core_note(ref, by=msg.user_name),
                                         esc.core_ts))]
    await asyncio.to_thread(rt.network.referrals.introduced, ref, channel_id=esc.asker_channel_id, notices=notices)
    await rt.deliver_outbox()
    return None


async def queue_suggestions(rt: "TeamsRuntime") -> int:
    """Expert suggestions for Teams escalations posted since (once each), then send them."""
    if rt.network is None:
        return 0

    def render(esc, matches):
        return cards_core.ready(esc.core_channel_id, cards_core.suggestions(esc, matches), esc.core_ts)

    queued = await asyncio.to_thread(rt.network.referrals.queue_suggestions, render,
                                     accept=lambda esc: is_teams_channel(esc.core_channel_id))
    if queued:
        await rt.deliver_outbox()
    return queued


def _audit_refusal(rt: "TeamsRuntime", user_id: str, action: str, number: int) -> None:
    object_type, _, _ = action.partition(".")
    try:
        audit.AuditLog(rt.service.store).record(actor=user_id, action=action, object_type=object_type,
                                                object_id=number or None, result=audit.RESULT_DENIED)
    except Exception as e:  # noqa: BLE001 - the refusal itself must still reach the person
        log.warning("audit of %s failed (%s)", action, type(e).__name__)
