"""Adaptive Cards of the network commands in Teams: ``deskundige``, and the forms of
``bericht`` and ``les`` with what they post in the updates channel. Pure builders, as
:mod:`bot.teams.cards` (people's text in ``TextRun``s, never parsed as Markdown); the words
follow Slack's (:mod:`bot.slack.blocks_network`), the rules are the core's
(:mod:`bot.core.network`)."""
from __future__ import annotations

from typing import Any, Sequence

from bot.core.monitoring import taxonomy as tx_
from bot.core.network.items import KIND_LESSON, TEXT_MAX, TITLE_MAX, ItemView
from bot.core.network.matcher import ExpertMatch
from bot.core.network.responder import EXAMPLE_NOTE
from bot.teams import action_ids
from bot.teams.cards import card, label, literal, notice_card, submit
from bot.teams.cards_core import expert_items

EXPERT_USAGE = ("Typ 'deskundige <onderwerp>', bijvoorbeeld 'deskundige flexwonen'. Ik noem de deskundigen uit het "
                "netwerk die het best passen, met hoe je ze bereikt.")
ITEM_TITLES = {"bericht": "Bericht van het kernteam", KIND_LESSON: "Lesson learned"}


def expert_list(topic: str, matches: Sequence[ExpertMatch]) -> dict[str, Any]:
    """The answer to ``deskundige <onderwerp>``."""
    if not topic.strip():
        return notice_card(EXPERT_USAGE)
    if not matches:
        return card([label("Ik vond geen deskundige voor:"), literal(topic, weight="Bolder"),
                      label("Stel je vraag aan Loket: kan ik hem niet beantwoorden, dan kan het kernteam je "
                            "doorverwijzen.")])
    body: list[dict[str, Any]] = [label("Deskundigen voor:", weight="Bolder"), literal(topic)]
    for m in matches:
        body.append({"type": "Container", "separator": True, "items": expert_items(m)})
    if any(m.expert.example for m in matches):
        body.append(label(EXAMPLE_NOTE, size="Small", isSubtle=True))
    body.append(label("Past niemand? Stel je vraag aan Loket; het kernteam kan je doorverwijzen.", size="Small",
                      isSubtle=True))
    return card(body)


def item_form(kind: str, *, values: dict[str, Any] | None = None, error: str | None = None) -> dict[str, Any]:
    """The form of ``bericht`` (title, text) or ``les`` (also province and theme)."""
    values = values or {}
    body: list[dict[str, Any]] = [label(ITEM_TITLES[kind], weight="Bolder", size="Medium")]
    if error:
        body.append(label(error, color="Attention"))
    body += [
        {"type": "Input.Text", "id": "title", "label": "Titel", "maxLength": TITLE_MAX, "isRequired": True,
         "value": str(values.get("title") or ""), "errorMessage": "Geef een titel."},
        {"type": "Input.Text", "id": "text", "label": "Tekst", "isMultiline": True, "maxLength": TEXT_MAX,
         "isRequired": True, "value": str(values.get("text") or ""), "errorMessage": "Schrijf de tekst."},
    ]
    if kind == KIND_LESSON:
        body += [
            {"type": "Input.ChoiceSet", "id": "province", "label": "Provincie", "isRequired": True,
             "value": str(values.get("province") or ""), "choices": [{"title": r, "value": r} for r in tx_.REGIONS],
             "errorMessage": "Kies een provincie."},
            {"type": "Input.ChoiceSet", "id": "theme", "label": "Thema", "isRequired": True,
             "value": str(values.get("theme") or ""),
             "choices": [{"title": v, "value": k} for k, v in tx_.THEMES.items()], "errorMessage": "Kies een thema."},
        ]
    else:
        body.append(label("Het bericht komt in het updates-kanaal en Loket gebruikt het bij het beantwoorden van "
                          "vragen.", size="Small", isSubtle=True))
    return card(body, [submit("Opslaan", action_ids.ITEM_SUBMIT, kind=kind)])


def item_post(item: ItemView, *, author: str | None) -> dict[str, Any]:
    """An announcement or lesson as posted in the updates channel."""
    icon = "💡" if item.kind == KIND_LESSON else "📣"
    meta = []
    if item.kind == KIND_LESSON and item.theme:
        meta.append(f"Thema: {tx_.label(tx_.THEMES, item.theme)}")
    meta.append(f"Gedeeld door {author or 'het kernteam'}")
    meta.append("Ook te vinden via Loket")
    return card([literal(f"{icon} {item.display_title}", weight="Bolder"), literal(item.text),
                 literal(" · ".join(meta), size="Small", isSubtle=True)])


def item_saved(item: ItemView, *, posted: bool) -> dict[str, Any]:
    what = "De lesson learned" if item.kind == KIND_LESSON else "Het bericht"
    where = (" en wordt gedeeld in het updates-kanaal" if posted
             else " (er is geen updates-kanaal ingesteld: LOKET_TEAMS_UPDATES_CHANNEL)")
    return card([label(f"{what} is opgeslagen{where}:"), literal(item.title, weight="Bolder"),
                 label("Loket gebruikt het vanaf nu bij het beantwoorden van vragen.", size="Small", isSubtle=True)])
