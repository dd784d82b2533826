""""Vraag ondersteuning" in Teams: the support request form as an Adaptive Card.

The button under an answer replies with the form (what, province, by when); its
*Versturen* (Action.Submit) brings the inputs back with the question's id. The
``ondersteuning`` command shows the same form without a question (id 0): then the request is
the submitter's own, in the conversation where the form was. Submitting
opens the same support request as Slack (``SupportRequests.open``: an escalation of kind
``ondersteuning`` with its province and date), in the conversation of that answer, and
posts it to the core channel. A refused submission (no description, a date in the past)
gets the form again, filled in, with the reason.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.network.items import InvalidItem
from bot.core.views import VIA_COMMAND, Asker
from bot.teams import cards, cards_core
from bot.teams.activities import Incoming
from bot.teams.flows import REFUSAL, asker_of, reply_in_place

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

FIELDS = ("what", "province", "needed_by")
UNAVAILABLE = "Ondersteuning vragen kan nu niet. Probeer het later nog eens, of stel je vraag aan het kernteam."


UNKNOWN = "Dat gesprek ken ik niet (meer)."


async def show(rt: "TeamsRuntime", msg: Incoming, *, core: bool) -> None:
    """"Vraag ondersteuning" under an answer: the form, for the conversation of that answer."""
    question_id = _question_id(msg)
    if await _refused(rt, msg, question_id, core=core):
        return
    await reply_in_place(rt, msg, cards_core.support_form(question_id=question_id, asker=msg.user_id),
                         summary=cards_core.SUPPORT_TITLE)


def command_form(msg: Incoming, *, what: str = "") -> dict:
    """The form for the ``ondersteuning`` command: no earlier question (``question_id`` 0)."""
    return cards_core.support_form(question_id=0, asker=msg.user_id, values={"what": what})


async def submit(rt: "TeamsRuntime", msg: Incoming, *, core: bool) -> None:
    """*Versturen*: open the support request and post it to the core team."""
    question_id = _question_id(msg)
    value = msg.value or {}
    values = {f: value.get(f) or None for f in FIELDS}
    if question_id == 0:  # from the command: the submitter's own request, in this conversation
        if rt.network is None:
            await reply_in_place(rt, msg, cards.notice_card(UNAVAILABLE))
            return
        asker = replace(asker_of(msg), via=VIA_COMMAND)
    elif await _refused(rt, msg, question_id, core=core):
        return
    else:
        asker = await asyncio.to_thread(_asker, rt, question_id, msg.user_id)
    try:
        esc = await asyncio.to_thread(rt.network.support.open, asker, what=str(values["what"] or ""),
                                      province=str(values["province"] or ""), needed_by=values["needed_by"])
    except InvalidItem as e:
        log.info("support request refused: %s", e.field)
        form = cards_core.support_form(question_id=question_id, asker=msg.user_id, values=values, error=str(e))
        await reply_in_place(rt, msg, form, summary=cards_core.SUPPORT_TITLE, question_id=question_id)
        return
    details = await asyncio.to_thread(rt.network.support.details, esc.number)
    await reply_in_place(rt, msg, cards_core.support_opened(esc.number, province=details.province,
                                                            needed_by=details.needed_by),
                         question_id=esc.question_id)
    await rt.post_escalation(esc, asker_name=msg.user_name)


def _question_id(msg: Incoming) -> int:
    try:
        return int((msg.value or {}).get("question_id") or 0)
    except (TypeError, ValueError):
        return 0


async def _refused(rt: "TeamsRuntime", msg: Incoming, question_id: int, *, core: bool) -> bool:
    """Only the asker of the stored question (or a core member) may ask support for it: the
    card's data are not trusted for that. True (and a note) when refused or not possible."""
    try:
        owner = await asyncio.to_thread(rt.service.asker_of, question_id)
    except (KeyError, ValueError):
        owner = None
    text = None
    if owner is None:
        text = UNKNOWN
    elif msg.user_id != owner and not core:
        log.info("support form refused: not the asker")
        text = REFUSAL
    elif rt.network is None:
        text = UNAVAILABLE
    if text:
        await reply_in_place(rt, msg, cards.notice_card(text))
    return text is not None


def _asker(rt: "TeamsRuntime", question_id: int, user_id: str) -> Asker:
    """Where the request lives: the conversation (and thread) of the answer it came from."""
    with rt.service.store.tx() as tx:
        question = tx.question(question_id)
        return Asker(user_id=user_id, channel_id=question.channel_id, thread_ts=question.conversation_ts,
                     via=VIA_COMMAND)
