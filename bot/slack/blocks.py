"""Block Kit builders: pure functions from core types to Slack message payloads.

Nothing here talks to Slack or the database, so every message Loket can send is testable
by calling a function. Each builder returns a ``Message`` (``text`` for notifications and
screen readers, ``blocks`` for display) ready for ``chat.postMessage(**message)``.

All user-typed text goes through :mod:`bot.slack.escaping` and into fields with
``verbatim: true``; knowledge-base text is escaped too (documents may contain ``<``).
Askers' questions reach the core as plain text (the listeners resolve Slack markup with
``slack_to_plain``), so they are escaped with ``escape_mrkdwn``; texts that are still
Slack-formatted (core replies, verified answers) use ``echo`` or ``defuse_broadcasts``.
"""
from __future__ import annotations

from typing import Any, Iterable

from bot.core.answering.answer import KIND_EMPTY, KIND_SMALLTALK, KIND_VERIFIED, Answer, Passage, Source
from bot.core.escalations import ANSWERED, CLAIMED, CLOSED, KIND_SUPPORT, dutch_status
from bot.core.network.responder import KIND_EXPERTS
from bot.core.service import EscalationView
from bot.core.answering.validity import currency_label
from bot.slack import action_ids
from bot.slack.block_kit import Message
from bot.slack.blocks_network import expert_answer
from bot.slack.escaping import defuse_broadcasts, echo, escape_mrkdwn, quote, truncate_mrkdwn

SECTION_LIMIT = 3000  # Slack's limit for a section's text
CONTEXT_LIMIT = 2000  # a context element's text
FALLBACK_LIMIT = 300  # notification text: short on purpose
PASSAGE_LIMIT = 500
MAX_SOURCES = 5
MAX_PASSAGES = 3


# -- primitives ----------------------------------------------------------------------------
def _mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate_mrkdwn(text, limit), "verbatim": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(t, CONTEXT_LIMIT) for t in texts if t][:10]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _actions(block_id: str, *buttons: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(buttons)}


def _message(text: str, blocks: list[dict[str, Any]]) -> Message:
    return {"text": truncate_mrkdwn(text, FALLBACK_LIMIT), "blocks": blocks[:50]}


def _simple(text: str) -> Message:
    return _message(text, [_section(text)])


def _link(url: str | None, label: str) -> str | None:
    """An mrkdwn link, only for plain http(s) URLs that cannot break out of ``<…>``."""
    if not url or not url.startswith(("https://", "http://")) or any(c in url for c in "<>| \n"):
        return None
    return f"<{url.replace('&', '&amp;')}|{escape_mrkdwn(label)}>"


def _source_line(source: Source) -> str:
    parts = [f"*{escape_mrkdwn(source.title)}*"]
    if source.section and source.section != source.title:
        parts.append(escape_mrkdwn(source.section))
    if source.page:
        parts.append(f"p. {source.page}")
    if source.updated and source.kind == "document":
        parts.append(escape_mrkdwn(currency_label({"updated": source.updated}) or ""))  # how current (bot.core.answering.validity)
    link = _link(source.url, "openen")
    if link:
        parts.append(link)
    return " · ".join(parts)


# -- asker side ----------------------------------------------------------------------------
def searching() -> Message:
    """The placeholder shown while Loket looks for an answer."""
    return _message("Even zoeken…", [_context(":mag: Even zoeken…")])


def is_smalltalk(answer: Answer) -> bool:
    """Greetings, thanks, empty messages: a friendly reply, no buttons."""
    return answer.kind in (KIND_SMALLTALK, KIND_EMPTY)


def answer_message(answer: Answer, question_id: int) -> Message:
    """Loket's answer: the quoted text, its sources, and the feedback buttons."""
    if answer.kind == KIND_EXPERTS:  # "wie weet er iets van …?" (bot.slack.blocks_network)
        return expert_answer(answer, question_id)
    if is_smalltalk(answer):
        return _simple(escape_mrkdwn(answer.answer))
    if answer.kind == KIND_VERIFIED:
        body = echo(answer.answer)  # a core-team reply: stored as Slack text
        label = ":white_check_mark: Eerder beantwoord door het kernteam"
    else:
        body = escape_mrkdwn(answer.answer)
        label = ":books: Uit de kennisbank"
    blocks = [_section(quote(body)), _context(label)]
    if answer.read_as_line:
        blocks.append(_context(escape_mrkdwn(answer.read_as_line)))
    document_sources = [s for s in answer.sources if s.kind != "verified"][:MAX_SOURCES]
    if document_sources:
        blocks.append(_context("*Bronnen*", *(_source_line(s) for s in document_sources)))
    value = str(question_id)
    blocks.append(
        _actions(
            f"answer-{question_id}",
            _button("Dit helpt", action_ids.HELPFUL, value, "primary"),
            _button("Stel aan kernteam", action_ids.ESCALATE, value),
            _button("Vraag ondersteuning", action_ids.SUPPORT_REQUEST, value),  # practical help with the plan
        )
    )
    return _message(body, blocks)


def not_answered_message(answer: Answer, question_id: int) -> Message:
    """No good answer and (for some reason) no escalation yet: offer the button."""
    text = "Daar vind ik in de kennisbank geen goed antwoord op."
    return _message(
        text,
        [
            _section(text + " Wil je de vraag aan het kernteam stellen?"),
            _actions(f"answer-{question_id}", _button("Stel aan kernteam", action_ids.ESCALATE, str(question_id), "primary")),
        ],
    )


def escalated_notice(number: int, *, by_asker: bool = False, in_dm: bool = False) -> Message:
    """Told to the asker: the question is with the core team, under #number (``in_dm``: in
    the DM with Loket itself, where there is no thread)."""
    where = "Het antwoord komt hier in ons gesprek." if in_dm else "Het antwoord komt hier in deze thread."
    if in_dm:
        where += " Wat je me hierna stuurt, geef ik door als aanvulling, tot de vraag is gesloten."
    text = f"Ik heb je vraag doorgezet naar het kernteam als *#{number}*. {where}"
    if not by_asker:
        text = "Daar vind ik in de kennisbank geen goed antwoord op. " + text
    return _message(text, [_section(f":outbox_tray: {text}")])


def already_escalated_notice(number: int) -> Message:
    return _simple(f"Deze vraag ligt al bij het kernteam als *#{number}*.")


def followup_forwarded_notice(number: int, *, question_id: int | None = None, in_dm: bool = False) -> Message:
    """Told to the asker: the follow-up went to the core team's thread. In a DM (no threads)
    it says why, and offers "Nieuwe vraag" to ask it on its own instead."""
    if not in_dm or question_id is None:
        return _simple(f":outbox_tray: Doorgestuurd naar het kernteam (bij vraag *#{number}*).")
    text = (f":outbox_tray: Je vraag *#{number}* ligt nog bij het kernteam, dus ik heb dit als aanvulling daarop "
            "doorgestuurd. Is het een nieuwe vraag? Klik dan op *Nieuwe vraag*.")
    button = _button("Nieuwe vraag", action_ids.NEW_QUESTION, str(question_id))
    return _message(text, [_section(text), _actions(f"followup-{question_id}", button)])


def core_reply_relay(number: int, user_id: str, text: str) -> Message:
    """A core member's reply, relayed into the asker's thread with attribution.

    A long reply arrives whole: it is split over several sections (Slack allows 3000
    characters per section), at line or word boundaries, in order.
    """
    head = f"Antwoord van <@{user_id}> (kernteam) op vraag #{number}:"
    body = defuse_broadcasts(text)
    return _message(f"{head} {body}", [_section(head)] + [_section(part) for part in quoted_parts(body)])


def quoted_parts(body: str, limit: int = SECTION_LIMIT) -> list[str]:
    """``body`` as block quotes of at most ``limit`` characters each, nothing left out."""
    parts: list[str] = []
    current = ""
    for line in quote(body).split("\n"):
        while len(line) > limit:  # one very long line: cut at a space (never inside an entity)
            cut = line.rfind(" ", 0, limit - 2)
            cut = cut if cut > limit // 2 else limit - 2
            amp = line.rfind("&", 0, cut)
            if amp != -1 and ";" not in line[amp:cut]:
                cut = amp
            head, line = line[:cut], "> " + line[cut:].lstrip()
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


def claimed_notice(number: int, user_id: str) -> Message:
    return _simple(f":raising_hand: Vraag *#{number}* is opgepakt door <@{user_id}> van het kernteam.")


def closed_notice(number: int, user_id: str) -> Message:
    return _simple(f":lock: Vraag *#{number}* is gesloten door <@{user_id}>.")


def erased_post() -> Message:
    """What an escalation post in the core channel becomes after its asker asked to be
    forgotten: the thread root stays (the core team's replies hang on it), the question goes."""
    return _simple(":wastebasket: Deze vraag is verwijderd op verzoek van de vrager (AVG).")


def thanks_for_feedback(helpful: bool) -> str:
    return "Fijn, dank je!" if helpful else "Dank je voor je reactie."


def command_root(user_id: str, question: str) -> Message:
    """The visible root of a ``/loket`` conversation in the channel (a thread starts here)."""
    head = f"<@{user_id}> vroeg via `/loket`:"
    body = escape_mrkdwn(question)
    return _message(f"{head} {body}", [_section(f"{head}\n{quote(body)}")])


def moved_to_dm_notice() -> Message:
    """In place of "Even zoeken…" when Loket cannot post in the channel of ``/loket``."""
    return _simple("Ik ben geen lid van dit kanaal, dus ik heb je vraag in ons privébericht gezet. "
                   "Daar komt ook het antwoord. Wil je het hier? Nodig @Loket uit in dit kanaal.")


def help_message() -> Message:
    text = (
        "*Loket* is het kennis- en informatieloket van het ondersteuningsarrangement.\n"
        "• Stuur me een privébericht, noem me met @Loket in een kanaal, of typ `/loket <je vraag>`.\n"
        "• Ik antwoord met tekst uit de kennisbank en noem de bronnen.\n"
        "• Helpt het antwoord niet? Klik *Stel aan kernteam*: het kernteam antwoordt in dezelfde thread.\n"
        "• `/deskundige <onderwerp>` of \"wie weet er iets van …?\": deskundigen uit het netwerk.\n"
        "• `/loket ondersteuning`: vraag het kernteam om praktische hulp bij je provinciale plan.\n"
        "_English is fine too._"
    )
    return _simple(text)


def unknown_command(word: str) -> Message:
    w = escape_mrkdwn(word)[:40]
    return _simple(
        f"Onbekend commando `{w}`. Typ `/loket help` voor uitleg.\n"
        f"Bedoel je een vraag? Schrijf een hele zin, of `/loket vraag {w}`."
    )


def error_message() -> Message:
    return _simple("Er ging iets mis bij het zoeken. Probeer het zo nog eens; lukt het niet, dan kijkt het kernteam mee.")


def home_view() -> dict[str, Any]:
    """The App Home tab."""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Loket: kennis- en informatieloket"}},
            *help_message()["blocks"],
        ],
    }


def ephemeral(text: str) -> Message:
    """A short message for ``chat.postEphemeral`` (errors, confirmations)."""
    return _simple(text)


# -- core side -----------------------------------------------------------------------------
def _status_line(esc: EscalationView) -> str:
    if esc.status == CLAIMED and esc.claimed_by:
        return f":raising_hand: Opgepakt door <@{esc.claimed_by}>"
    if esc.status == ANSWERED and esc.answered_by:
        return f":speech_balloon: Beantwoord door <@{esc.answered_by}>"
    if esc.status == CLOSED:
        who = f" door <@{esc.closed_by}>" if esc.closed_by else ""
        return f":lock: Gesloten{who}"
    return f":large_yellow_circle: {dutch_status(esc.status).capitalize()}"


def _where(esc: EscalationView, asker_permalink: str | None, is_dm: bool) -> str:
    who = f"Gesteld door <@{esc.asker_user_id}>"
    if is_dm:
        return f"{who} in een privébericht aan Loket"
    link = _link(asker_permalink, "dit gesprek")
    return f"{who} in {link}" if link else f"{who} in <#{esc.asker_channel_id}>"


def _passages(passages: Iterable[Passage]) -> list[dict[str, Any]]:
    blocks = []
    for p in list(passages)[:MAX_PASSAGES]:
        snippet = truncate_mrkdwn(escape_mrkdwn(" ".join(p.text.split())), PASSAGE_LIMIT)
        blocks.append(_section(f"{_source_line(p.source)}\n{quote(snippet)}"))
    return blocks


RELAY_RULE = ("Antwoord in deze thread: Loket stuurt het door naar de vrager. Begin met `//` of `(intern)` "
              "voor een interne notitie die hier blijft.")


def escalation_post(
    esc: EscalationView,
    *,
    asker_permalink: str | None = None,
    is_dm: bool = False,
    province: str | None = None,
    theme: str | None = None,
) -> Message:
    """The escalation in the core channel: question, asker, where, found passages, buttons."""
    question = escape_mrkdwn(esc.question)
    reason = "Doorgezet door de vrager" if esc.escalated_by else "Loket vond geen goed antwoord"
    title = "Vraag"
    if esc.kind == KIND_SUPPORT:
        title, reason = "Verzoek om ondersteuning", "Praktische ondersteuning bij het provinciale plan"
    blocks: list[dict[str, Any]] = [
        _section(f"*{title} #{esc.number}* voor het kernteam\n{quote(question)}"),
        _context(_where(esc, asker_permalink, is_dm), reason, _status_line(esc)),
    ]
    labels = [f"Provincie: {escape_mrkdwn(province)}" if province else "", f"Thema: {escape_mrkdwn(theme)}" if theme else ""]
    if any(labels):
        blocks.append(_context(*labels))
    if esc.context:
        blocks.append(_context(f"Eerdere vraag in dit gesprek: {truncate_mrkdwn(escape_mrkdwn(esc.context), 500)}"))
    if esc.passages:
        blocks.append(_context("*Wat Loket vond* (niet goed genoeg om zelf te antwoorden):"))
        blocks.extend(_passages(esc.passages))
    if esc.status != CLOSED:
        buttons = []
        if esc.status not in (CLAIMED, ANSWERED):
            buttons.append(_button("Oppakken", action_ids.CLAIM, str(esc.number), "primary"))
        buttons.append(_button("Sluiten", action_ids.CLOSE, str(esc.number)))
        blocks.append(_actions(f"escalation-{esc.number}", *buttons))
    blocks.append(_context(RELAY_RULE))
    return _message(f"{title} #{esc.number} voor het kernteam: {question}", blocks)


def followup_post(number: int, user_id: str, text: str) -> Message:
    """An asker's follow-up, posted in the escalation's core thread."""
    head = f"Aanvulling van <@{user_id}> op vraag #{number}:"
    body = escape_mrkdwn(text)
    return _message(f"{head} {body}", [_section(f"{head}\n{quote(body)}")])


def relayed_notice(number: int, asker_user_id: str, reply_ts: str | None = None) -> Message:
    """In the core thread after each relay: it went to the asker, "Terugnemen" (that reply
    only) and "Opnemen in kennisbank"."""
    text = f":white_check_mark: Doorgestuurd naar <@{asker_user_id}>."
    buttons = [_button("Opnemen in kennisbank", action_ids.SAVE_VERIFIED, str(number))]
    if reply_ts:
        buttons.append(_button("Terugnemen", action_ids.TAKE_BACK, f"{number}:{reply_ts}"))
    hint = "Bewerk of verwijder je bericht en Loket past het bij de vrager aan; *Terugnemen* haalt het daar weg."
    return _message(text, [_section(text), _actions(f"relayed-{number}-{reply_ts or ''}", *buttons), _context(hint)])


def withdrawn_notice(asker_user_id: str, user_id: str, *, removed: bool) -> Message:
    """The relay notice after the reply was taken back or deleted."""
    where = "weggehaald bij" if removed else "niet verstuurd naar"
    return _simple(f":leftwards_arrow_with_hook: Teruggenomen door <@{user_id}>: dit antwoord is {where} <@{asker_user_id}>.")


def files_not_relayed(names: list[str], *, text_relayed: bool) -> str:
    """To a core member whose reply had files: they did not reach the asker."""
    listed = ", ".join(escape_mrkdwn(n) for n in names[:5]) or "je bestand"
    done = "Je tekst is doorgestuurd, maar " if text_relayed else ""
    return (f"{done}{listed} is niet doorgestuurd naar de vrager: bestanden uit het kernteamkanaal kan de vrager "
            "niet openen. Zet de inhoud of een openbare link in je antwoord, of deel het bestand zelf met de vrager.")


def saved_notice(number: int, user_id: str) -> Message:
    return _simple(f":books: Vraag #{number} en het antwoord staan nu in de kennisbank (door <@{user_id}>).")
