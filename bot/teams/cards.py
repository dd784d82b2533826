"""Adaptive Cards for Teams: pure builders (data in, card JSON out).

Text a person wrote (questions, core replies, passages) goes into ``RichTextBlock`` /
``TextRun`` elements, which Teams renders literally: no Markdown, no links, no mentions.
That is how user text is escaped here. Loket's own labels use ``TextBlock``.
"""
from __future__ import annotations

from typing import Any, Iterable

from bot.core.answering.answer import KIND_EMPTY, KIND_SMALLTALK, KIND_VERIFIED, Answer, Passage, Source
from bot.core.answering.validity import currency_label
from bot.core.views import EscalationView
from bot.teams import action_ids

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
MAX_SOURCES = 3
MAX_PASSAGES = 3
PASSAGE_CHARS = 400
APOLOGY = "Sorry, er ging iets mis bij het verwerken van je bericht. Probeer het over een paar minuten opnieuw."
ANONYMOUS_NOTE = "LOKET_TEAMS_ANONYMOUS=1: Teams draait ZONDER authenticatie (alleen voor lokaal ontwikkelen)."


def literal(text: str, **style: Any) -> dict[str, Any]:
    """User text, shown exactly as written (a TextRun is never parsed as Markdown)."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def label(text: str, **style: Any) -> dict[str, Any]:
    """Loket's own words."""
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def submit(title: str, action: str, **data: Any) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": {"loket": action, **data}}


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An Adaptive Card as a message attachment."""
    content: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        content["actions"] = actions
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def source_line(source: Source) -> str:
    """Title · section · page · how current · (link)."""
    parts = [source.title]
    if source.section and source.section != source.title:
        parts.append(source.section)
    if source.page:
        parts.append(f"p. {source.page}")
    if source.updated and source.kind == "document":
        parts.append(currency_label({"updated": source.updated}) or "")
    return " · ".join(p for p in parts if p)


def _sources(sources: Iterable[Source]) -> list[dict[str, Any]]:
    docs = [s for s in sources if s.kind != "verified"][:MAX_SOURCES]
    if not docs:
        return []
    items: list[dict[str, Any]] = [label("Bronnen", weight="Bolder", size="Small", spacing="Medium")]
    for s in docs:
        items.append(literal(source_line(s), size="Small", isSubtle=True))
        if s.url and s.url.startswith(("https://", "http://")):
            items.append({"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Openen", "url": s.url}]})
    return items


def answer_card(answer: Answer, *, question_id: int, asker_id: str) -> dict[str, Any]:
    """Loket's answer: the quote, its sources (with date), and the three buttons.

    ``asker_id`` travels with the buttons so a click by someone else can be refused.
    """
    if answer.kind in (KIND_SMALLTALK, KIND_EMPTY):
        return card([literal(answer.answer)])
    head = "Eerder beantwoord door het kernteam" if answer.kind == KIND_VERIFIED else "Uit de kennisbank"
    body = [label(head, weight="Bolder", size="Small"),
            {"type": "Container", "style": "emphasis", "items": [literal(answer.answer)]}, *_sources(answer.sources)]
    if answer.read_as_line:
        body.append(literal(answer.read_as_line, size="Small", isSubtle=True))
    data = {"question_id": question_id, "asker": asker_id}
    return card(body, [submit("Dit helpt", action_ids.HELPFUL, **data),
                       submit("Stel aan kernteam", action_ids.ASK_CORE, **data),
                       submit("Vraag ondersteuning", action_ids.ASK_SUPPORT, **data)])


def escalated_card(number: int, *, by_asker: bool = False) -> dict[str, Any]:
    text = f"Ik heb je vraag doorgezet naar het kernteam als #{number}. Het antwoord komt hier."
    if not by_asker:
        text = "Daar vind ik in de kennisbank geen goed antwoord op. " + text
    return card([label(text)])


def followup_card(number: int) -> dict[str, Any]:
    return card([label(f"Doorgestuurd naar het kernteam (bij vraag #{number}).")])


def _passages(passages: Iterable[Passage]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for p in list(passages)[:MAX_PASSAGES]:
        text = p.text if len(p.text) <= PASSAGE_CHARS else p.text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
        items += [literal(source_line(p.source), size="Small", weight="Bolder"), literal(text, size="Small")]
    return items


def escalation_card(esc: EscalationView, *, asker_name: str | None, claimer_name: str | None = None,
                    closer_name: str | None = None, answerer_name: str | None = None) -> dict[str, Any]:
    """The root of the escalation's thread in the core channel, in its current state: who
    picked it up or answered it, whether it is closed, and the actions still possible."""
    what = "verzoek om ondersteuning" if esc.kind == "ondersteuning" else "vraag aan het kernteam"
    body: list[dict[str, Any]] = [
        label(f"#{esc.number} · {what}", weight="Bolder", size="Medium"),
        label(f"Van {asker_name or 'een deelnemer'}" + (f" · Provincie: {esc.province}" if esc.province else ""),
              size="Small", isSubtle=True),
        {"type": "Container", "style": "emphasis", "items": [literal(esc.question)]},
    ]
    if esc.context:
        body += [label("Eerdere vraag in dit gesprek", size="Small", isSubtle=True), literal(esc.context, size="Small")]
    if esc.passages:
        body += [label("Wat Loket vond", weight="Bolder", size="Small", spacing="Medium"), *_passages(esc.passages)]
    body.append(label("Antwoord in deze thread: Loket stuurt het door naar de vrager. Begin met // of (intern) "
                      "voor een notitie die hier blijft.", size="Small", isSubtle=True, spacing="Medium"))
    state = _state_line(esc, claimer_name=claimer_name, closer_name=closer_name, answerer_name=answerer_name)
    if state:
        body.insert(2, label(state, weight="Bolder", size="Small", color="Good" if esc.closed_at else "Accent"))
    data = {"number": esc.number}
    actions = [] if esc.closed_at else [submit("Sluiten", action_ids.CLOSE, **data)]
    if not (esc.claimed_by or esc.answered_at or esc.closed_at):
        actions.insert(0, submit("Oppakken", action_ids.CLAIM, **data))
    return card(body, actions)


def _state_line(esc: EscalationView, *, claimer_name: str | None, closer_name: str | None,
                answerer_name: str | None) -> str | None:
    """"Opgepakt door …" / "Beantwoord door …" / "Gesloten door …" (None while open)."""
    if esc.closed_at:
        return f"✔ Gesloten door {closer_name or 'het kernteam'}"
    if esc.answered_at:
        return f"Beantwoord door {answerer_name or 'het kernteam'}"
    if esc.claimed_by:
        return f"Opgepakt door {claimer_name or 'het kernteam'}"
    return None


def relay_card(number: int, *, core_name: str | None, text: str) -> dict[str, Any]:
    """A core member's reply, at the asker's."""
    who = core_name or "het kernteam"
    return card([label(f"Antwoord van {who} (kernteam) op vraag #{number}:", weight="Bolder"), literal(text)])


def notice_card(text: str) -> dict[str, Any]:
    """A short note of Loket's own (claimed, closed, refusals, the apology)."""
    return card([label(text)])


def relayed_card(number: int) -> dict[str, Any]:
    return card([label(f"Doorgestuurd naar de vrager van #{number}.", size="Small", isSubtle=True)])
