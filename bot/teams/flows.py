"""What Loket does with one Teams message, after the acknowledgement: ask the core, then
send cards. Each flow takes the parsed :class:`~bot.teams.activities.Incoming`.

* a question (personal chat, or an @mention of Loket in a channel or group chat): the
  answer card, or the escalation (a new thread in the core channel) and a note to the asker;
* a message in the thread of an escalation in the core channel: a core member's reply is
  relayed to the asker through the outbox (not: internal notes, non-core members);
* a card button (Action.Submit): only the asker (or the core team) may use the answer's
  buttons, only the core team Oppakken/Sluiten.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.core.escalations import InvalidTransition
from bot.core.escalations.relays import is_internal
from bot.core.service import NotAllowed
from bot.core.views import REPLY_ESCALATED, REPLY_NOTE, VIA_DM, VIA_MENTION, Asker, EscalationView
from bot.teams import action_ids, cards, escalation_card
from bot.teams.activities import PERSONAL, Incoming
from bot.teams.conversations import conversation_key, short_ts, split_thread, thread_conversation

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

REFUSAL = "Alleen de vrager of het kernteam kan deze knop gebruiken."
CORE_REFUSAL = "Alleen het kernteam kan dit doen."
FILES_NOT_RELAYED = "Bestanden stuurt Loket niet door naar de vrager; alleen de tekst."


def asker_of(msg: Incoming) -> Asker:
    """The core's view of who asked and where: the conversation's key, the thread root."""
    base, root = split_thread(msg.conversation_id)
    message_ts = short_ts(msg.activity_id)
    thread_ts = short_ts(root) if root and root != msg.activity_id else None
    return Asker(user_id=msg.user_id, channel_id=conversation_key(base), thread_ts=thread_ts, message_ts=message_ts,
                 via=VIA_DM if msg.kind == PERSONAL else VIA_MENTION)


async def reply_in_place(rt: "TeamsRuntime", msg: Incoming, attachment: dict, *, summary: str = "",
                         question_id: int | None = None, kind: str = REPLY_NOTE) -> str | None:
    """Reply where ``msg`` was written (in a channel: in its thread); returns the activity id.
    A reply about the asker's question (``question_id``) is recorded, so that erasure can
    delete it (a crash between sending and recording loses the id; the card then stays)."""
    base, root = split_thread(msg.conversation_id)
    reference = rt.reference_for(conversation_key(base))
    thread = root or (msg.activity_id if msg.kind != PERSONAL else None)
    activity_id = await rt.sender.send_card(reference, thread_conversation(base, thread), attachment, summary=summary)
    if question_id:
        await asyncio.to_thread(rt.service.record_reply, question_id, channel_id=conversation_key(base),
                                message_ts=activity_id, thread_ts=thread, kind=kind)
    return activity_id


async def show_typing(rt: "TeamsRuntime", msg: Incoming) -> None:
    """Teams' "Even zoeken…": the typing indicator where the answer will come (best effort)."""
    base, root = split_thread(msg.conversation_id)
    try:
        await rt.sender.typing(rt.reference_for(conversation_key(base)),
                               thread_conversation(base, root or (msg.activity_id if msg.kind != PERSONAL else None)))
    except Exception as e:  # noqa: BLE001 - the answer matters, the indicator does not
        log.info("teams: typing indicator not sent (%s)", type(e).__name__)


async def question(rt: "TeamsRuntime", msg: Incoming, *, source_key: str) -> None:
    await show_typing(rt, msg)
    asker = asker_of(msg)
    outcome = await asyncio.to_thread(rt.service.handle_question, asker, msg.text, source_key=source_key,
                                      dm_followups=msg.kind == PERSONAL)
    mine = dict(question_id=outcome.question_id, kind=outcome.reply_kind)  # recorded for erasure
    if outcome.followup_of is not None:
        await reply_in_place(rt, msg, cards.followup_card(outcome.followup_of.number), **mine)
        await rt.deliver_outbox()
        return
    if outcome.escalation is not None:
        await reply_in_place(rt, msg, cards.escalated_card(outcome.escalation.number), **mine)
        await rt.post_escalation(outcome.escalation, asker_name=msg.user_name)
        return
    if outcome.answer is not None:
        card = cards.answer_card(outcome.answer, question_id=outcome.question_id, asker_id=msg.user_id)
        await reply_in_place(rt, msg, card, summary="Antwoord van Loket", **mine)


async def core_thread_message(rt: "TeamsRuntime", msg: Incoming, esc: EscalationView) -> None:
    """A message in an escalation's core thread: relay a core member's reply to the asker."""
    if is_internal(msg.text):
        log.info("escalation #%s: internal note, not relayed", esc.number)
        return
    await rt.refresh_core_team()
    if msg.has_files and rt.core_team.is_member(msg.user_id):
        await reply_in_place(rt, msg, cards.notice_card(FILES_NOT_RELAYED))
    if not msg.text:
        return
    try:
        view = await asyncio.to_thread(rt.service.record_core_reply, esc.number, user_id=msg.user_id, text=msg.text,
                                       message_ts=short_ts(msg.activity_id))
    except InvalidTransition:
        await reply_in_place(rt, msg, cards.notice_card(f"#{esc.number} is gesloten; dit antwoord is niet doorgestuurd."))
        return
    if view is None:
        log.info("escalation #%s: reply by someone outside the core team, not relayed", esc.number)
        return
    await rt.deliver_outbox()
    await escalation_card.redraw(rt, esc.number)  # "Beantwoord door …"


async def card_action(rt: "TeamsRuntime", msg: Incoming) -> None:
    """A button on one of Loket's cards; refused (with a note) for the wrong person."""
    value = msg.value or {}
    action = value.get("loket")
    if action not in action_ids.ALL:
        return
    await rt.refresh_core_team()
    core = rt.core_team.is_member(msg.user_id)
    if action in (action_ids.CLAIM, action_ids.CLOSE):
        await _core_action(rt, msg, action, int(value.get("number") or 0), core=core)
        return
    question_id = int(value.get("question_id") or 0)
    if not core and msg.user_id != await asyncio.to_thread(_asker_or_none, rt, question_id):
        log.info("card action %s refused: not the asker", action)
        await reply_in_place(rt, msg, cards.notice_card(REFUSAL))
        return
    if action == action_ids.HELPFUL:
        await asyncio.to_thread(rt.service.feedback, question_id, user_id=msg.user_id, helpful=True)
        await reply_in_place(rt, msg, cards.notice_card("Dank je, fijn dat het hielp."), question_id=question_id)
    elif action == action_ids.ASK_CORE:  # ASK_SUPPORT: bot.teams.forms
        esc = await asyncio.to_thread(rt.service.escalate, question_id, by_user=msg.user_id)
        await reply_in_place(rt, msg, cards.escalated_card(esc.number, by_asker=True), question_id=question_id,
                             kind=REPLY_ESCALATED)
        if not esc.posted:
            await rt.post_escalation(esc, asker_name=msg.user_name)


def _asker_or_none(rt: "TeamsRuntime", question_id: int) -> str | None:
    try:
        return rt.service.asker_of(question_id)
    except KeyError:
        return None


async def _core_action(rt: "TeamsRuntime", msg: Incoming, action: str, number: int, *, core: bool) -> None:
    if not core:
        log.info("card action %s on #%s refused: not in the core team", action, number)
        await reply_in_place(rt, msg, cards.notice_card(CORE_REFUSAL))
        return
    names: dict[str, str | None] = {}  # the clicker's name: no need to read it
    try:
        if action == action_ids.CLAIM:
            await asyncio.to_thread(rt.service.claim, number, user_id=msg.user_id)
            text = f"#{number} is opgepakt door {msg.user_name or 'een kernteamlid'}."
            names["claimer_name"] = msg.user_name
        else:
            await asyncio.to_thread(rt.service.close, number, user_id=msg.user_id)
            text = f"#{number} is gesloten."
            names["closer_name"] = msg.user_name
    except (NotAllowed, InvalidTransition) as e:
        log.info("card action %s on #%s not possible (%s)", action, number, type(e).__name__)
        text = f"Dat kan nu niet: #{number} is al opgepakt of gesloten."
    else:
        await escalation_card.redraw(rt, number, **names)  # the card shows the new state, as in Slack
    await reply_in_place(rt, msg, cards.notice_card(text))
    await rt.deliver_outbox()
