"""The network commands in Teams, as Slack's ``/loket deskundige|bericht|les|ondersteuning``
(:mod:`bot.slack.listeners.network`), on the same core (:mod:`bot.core.network`):

* ``deskundige <onderwerp>``: the best-matching experts from the directory;
* ``ondersteuning [wat]``: the support request form (:mod:`bot.teams.forms`) without an
  earlier question: the request is the submitter's, in this conversation;
* ``bericht [tekst]`` and ``les`` (core team, in a personal chat or the core channel): a form
  card; *Opslaan* stores the announcement or lesson (``KnowledgeItems``: searchable at once,
  audited, refused for others) and queues it for ``LOKET_TEAMS_UPDATES_CHANNEL`` through the
  outbox (once per item), as Slack posts it in its updates channel.

Teams has no modals outside dialogs and no ephemeral messages: the forms are cards in the
conversation, and what they store is checked again by the core when submitted.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.core.network.intent import expert_topic
from bot.core.network.items import KIND_ANNOUNCEMENT, KIND_LESSON, InvalidItem, ItemView
from bot.core.service import NotAllowed
from bot.teams import action_ids, cards, cards_network as cn, forms
from bot.teams.activities import Incoming
from bot.teams.conversations import conversation_key
from bot.teams.flows import reply_in_place
from bot.teams.jobs import refresh_core_team, remember_channels
from bot.teams.notices import POST_CARD

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

ITEM_FIELDS = ("title", "text", "province", "theme")


async def experts(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    """``deskundige <onderwerp>``: the experts for the topic ("wie weet iets van …" works too)."""
    if rt.network is None:
        return cards.notice_card(forms.UNAVAILABLE)
    topic = expert_topic(argument) or argument
    matches = await asyncio.to_thread(rt.network.finder.match, topic, k=3) if topic.strip() else []
    return cn.expert_list(topic, matches)


async def support(rt: "TeamsRuntime", msg: Incoming, argument: str) -> dict:
    """``ondersteuning [wat]``: the support request form, filled in with ``wat``."""
    if rt.network is None:
        return cards.notice_card(forms.UNAVAILABLE)
    return forms.command_form(msg, what=argument)


async def item_form(rt: "TeamsRuntime", msg: Incoming, kind: str, text: str = "") -> dict:
    """``bericht [tekst]`` / ``les``: the form (the caller checked it is the core team)."""
    if rt.network is None:
        return cards.notice_card(forms.UNAVAILABLE)
    return cn.item_form(kind, values={"text": text})


async def card_action(rt: "TeamsRuntime", msg: Incoming) -> bool:
    """*Opslaan* on a ``bericht``/``les`` form; False when ``msg`` is another button."""
    value = msg.value or {}
    if value.get("loket") != action_ids.ITEM_SUBMIT:
        return False
    kind = KIND_LESSON if value.get("kind") == KIND_LESSON else KIND_ANNOUNCEMENT
    values = {f: str(value.get(f) or "") for f in ITEM_FIELDS}
    if rt.network is None:
        await reply_in_place(rt, msg, cards.notice_card(forms.UNAVAILABLE))
        return True
    await refresh_core_team(rt)
    try:
        item = await asyncio.to_thread(_store, rt, msg.user_id, kind, values)
    except NotAllowed as e:  # audited by the core
        await reply_in_place(rt, msg, cards.notice_card(str(e)))
        return True
    except InvalidItem as e:
        log.info("knowledge item refused: %s", e.field)
        await reply_in_place(rt, msg, cn.item_form(kind, values=values, error=str(e)))
        return True
    posted = await asyncio.to_thread(queue_item, rt, item, author=msg.user_name)
    await reply_in_place(rt, msg, cn.item_saved(item, posted=posted))
    if posted:
        await rt.deliver_outbox()
    return True


def _store(rt: "TeamsRuntime", user_id: str, kind: str, values: dict[str, str]) -> ItemView:
    items = rt.network.items
    if kind == KIND_LESSON:
        return items.add_lesson(user_id, title=values["title"], text=values["text"], province=values["province"],
                                theme=values["theme"])
    return items.add_announcement(user_id, title=values["title"], text=values["text"])


def queue_item(rt: "TeamsRuntime", item: ItemView, *, author: str | None) -> bool:
    """Queue ``item`` for the updates channel (once: keyed by the item); False without one."""
    channel = rt.settings.teams_updates_channel
    if not channel:
        return False
    remember_channels(rt, rt.clock())  # the outbox needs the channel's reference
    rt.service.enqueue_post(kind=POST_CARD, channel_id=conversation_key(channel), thread_ts=None,
                            payload={"card": cn.item_post(item, author=author), "summary": item.display_title},
                            dedupe_key=f"teams-item:{item.id}")
    return True
