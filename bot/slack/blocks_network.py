"""Block Kit for the network function: experts, referrals, announcements, lessons, support.

Pure functions, like :mod:`bot.slack.blocks`: core views in, Slack payloads out; the
``*_values`` functions read a submitted form back. Text people typed and directory text
are escaped (:func:`~bot.slack.escaping.escape_mrkdwn`) and shown in ``verbatim``
fields; the only live markup is what Loket builds itself from validated values (user
mentions of ``U…`` ids, ``mailto:`` links of checked addresses, https links).
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any, Sequence

from bot.core.monitoring import taxonomy as tx_
from bot.core.network.experts import EMAIL_RE, SLACK_USER_RE, Expert
from bot.core.network.items import KIND_LESSON, TEXT_MAX, TITLE_MAX, ItemView
from bot.core.network.matcher import ExpertMatch
from bot.core.network.referrals import EscalationRef, ReferralView
from bot.core.network.responder import EXAMPLE_NOTE, ExpertAnswer
from bot.core.network.support import WHAT_MAX
from bot.core.network.updates import NEW, REMOVED, UPDATED, DocChange, summary_line
from bot.core.answering.validity import dutch_date, parse_date
from bot.slack import action_ids
from bot.slack.block_kit import INPUT_MAX
from bot.slack.block_kit import button as _button, context as _context, input_block as _input, message as _message, modal as _modal, plain as _plain, section as _section, text_input as _text_input
from bot.slack.block_kit import Message
from bot.slack.escaping import escape_mrkdwn, quote, truncate_mrkdwn

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 300
FORM_TEXT_MAX = min(TEXT_MAX, INPUT_MAX)  # what the announcement/lesson form lets people type
DESCRIPTION_LIMIT = 400
MAX_UPDATES = 20
UPDATE_LABELS = {NEW: ":new: Nieuw", UPDATED: ":arrows_counterclockwise: Bijgewerkt", REMOVED: ":wastebasket: Verwijderd"}


# -- primitives --------------------------------------------------------------------------------












def _mention(user_id: str | None) -> str | None:
    return f"<@{user_id}>" if user_id and SLACK_USER_RE.match(user_id) else None


def _mailto(email: str | None) -> str | None:
    if not email or not EMAIL_RE.match(email) or any(c in email for c in "<>|&"):
        return None
    return f"<mailto:{email}|{email}>"


def _https(url: str | None, label: str) -> str:
    if url and url.startswith(("https://", "http://")) and not any(c in url for c in "<>| \n"):
        return f"<{url.replace('&', '&amp;')}|{escape_mrkdwn(label)}>"
    return escape_mrkdwn(label)


# -- experts -----------------------------------------------------------------------------------
def contact(expert: Expert) -> str:
    ways = [w for w in (_mention(expert.slack_user_id), _mailto(expert.email)) if w]
    return " · ".join(ways) if ways else "via het kernteam"


def expert_section(match: ExpertMatch, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    e = match.expert
    tag = " _(voorbeeld)_" if e.example else ""
    description = truncate_mrkdwn(escape_mrkdwn(e.description), DESCRIPTION_LIMIT)
    text = (f"*{escape_mrkdwn(e.name)}*{tag}\n{escape_mrkdwn(e.role)}, {escape_mrkdwn(e.organisation)} · "
            f"{escape_mrkdwn(', '.join(e.provinces))}\n_Waarom:_ {escape_mrkdwn(match.reason)}\n{description}\n"
            f"Contact: {contact(e)}")
    return _section(text, accessory)


def _expert_blocks(topic: str, matches: Sequence[ExpertMatch]) -> list[dict[str, Any]]:
    blocks = [_section(f":busts_in_silhouette: Deskundigen uit het netwerk voor *{escape_mrkdwn(topic)}*:")]
    blocks += [expert_section(m) for m in matches]
    if any(m.expert.example for m in matches):
        blocks.append(_context(EXAMPLE_NOTE))
    return blocks


def expert_list(topic: str, matches: Sequence[ExpertMatch]) -> Message:
    """The answer to ``/deskundige <onderwerp>`` (shown only to the asker)."""
    if not topic.strip():
        text = ("Typ `/deskundige <onderwerp>`, bijvoorbeeld `/deskundige flexwonen`. Ik noem de deskundigen uit "
                "het netwerk die het best passen, met hoe je ze bereikt.")
        return _message(text, [_section(text)])
    if not matches:
        text = (f"Ik vond geen deskundige voor *{escape_mrkdwn(topic)}*. Stel je vraag aan Loket: kan ik hem niet "
                "beantwoorden, dan kan het kernteam je doorverwijzen.")
        return _message(text, [_section(text)])
    names = escape_mrkdwn(", ".join(m.expert.name for m in matches))
    return _message(f"Deskundigen voor {escape_mrkdwn(topic)}: {names}", _expert_blocks(topic, matches)
                    + [_context("Past niemand? Stel je vraag aan Loket; het kernteam kan je doorverwijzen.")])


def expert_answer(answer: ExpertAnswer, question_id: int) -> Message:
    """Loket's answer to "wie weet er iets van …?": the experts, and the usual buttons."""
    value = str(question_id)
    blocks = _expert_blocks(answer.topic, answer.experts)
    blocks.append({"type": "actions", "block_id": f"answer-{question_id}", "elements": [
        _button("Dit helpt", action_ids.HELPFUL, value, "primary"),
        _button("Stel aan kernteam", action_ids.ESCALATE, value)]})
    names = escape_mrkdwn(", ".join(m.expert.name for m in answer.experts))
    return _message(f"Deskundigen voor {escape_mrkdwn(answer.topic)}: {names}", blocks)


# -- suggestions and referrals -------------------------------------------------------------------
def refer_value(number: int, expert_id: str) -> str:
    return f"{number}:{expert_id}"


def parse_refer_value(value: str) -> tuple[int, str]:
    number, _, expert_id = (value or "").partition(":")
    if not expert_id:
        raise ValueError("no expert in the button value")
    return int(number), expert_id


def suggestions(esc: EscalationRef, matches: Sequence[ExpertMatch]) -> Message:
    """In the core thread: experts for the escalation, each with "Doorverwijzen"."""
    what = "dit verzoek" if esc.kind == "ondersteuning" else "deze vraag"
    blocks = [_section(f":busts_in_silhouette: *Deskundigen die kunnen helpen bij #{esc.number}* (suggestie van Loket)")]
    for m in matches:
        button = _button("Doorverwijzen", action_ids.REFER, refer_value(esc.number, m.expert.id))
        blocks.append(expert_section(m, accessory=button))
    asker = _mention(esc.asker_user_id) or "de vrager"
    blocks.append(_context(f"Doorverwijzen brengt {asker} in contact met de deskundige over {what} en legt het vast "
                           f"bij #{esc.number}."))
    return _message(f"Deskundigen voor #{esc.number}: " + escape_mrkdwn(", ".join(m.expert.name for m in matches)),
                    blocks)


def introduction(ref: ReferralView, *, group: bool) -> Message:
    """The introduction of asker and expert: in a group DM (``group``) or in the asker's thread."""
    e, esc = ref.expert, ref.escalation
    asker, core = _mention(esc.asker_user_id) or "vrager", _mention(ref.referred_by) or "het kernteam"
    question = truncate_mrkdwn(escape_mrkdwn(esc.question), 1500)
    what = "verzoek om ondersteuning" if esc.kind == "ondersteuning" else "vraag"
    about = f"{escape_mrkdwn(e.role)} bij {escape_mrkdwn(e.organisation)} ({escape_mrkdwn(', '.join(e.themes))})"
    if group:
        expert = _mention(e.slack_user_id) or escape_mrkdwn(e.name)
        head = (f":handshake: Hallo {asker} en {expert}! {core} van het kernteam brengt jullie met elkaar in contact "
                f"over {what} #{esc.number}:")
        tail = f"{expert} is {about}. Jullie kunnen hier verder praten."
    else:
        head = f":handshake: {core} van het kernteam verwijst je voor {what} #{esc.number} door naar een deskundige:"
        tail = f"*{escape_mrkdwn(e.name)}*, {about}. Neem contact op via {contact(e)}."
    blocks = [_section(f"{head}\n{quote(question)}"), _section(tail)]
    if e.example:
        blocks.append(_context(EXAMPLE_NOTE))
    return _message(f"Doorverwezen naar {escape_mrkdwn(e.name)} ({what} #{esc.number})", blocks)


def referral_asker_note(ref: ReferralView) -> Message:
    """In the asker's thread when the introduction went to a group DM."""
    text = (f":handshake: Het kernteam heeft je in contact gebracht met *{escape_mrkdwn(ref.expert.name)}* "
            f"({escape_mrkdwn(ref.expert.role)}, {escape_mrkdwn(ref.expert.organisation)}): zie het groepsbericht met Loket.")
    return _message(text, [_section(text)])


def referral_core_note(ref: ReferralView, *, group: bool) -> Message:
    """In the core thread: who referred whom to whom, and where."""
    core = _mention(ref.referred_by) or "Iemand"
    where = "in een groepsbericht" if group else f"in de thread van de vrager (contact: {contact(ref.expert)})"
    text = f":handshake: {core} heeft #{ref.escalation.number} doorverwezen naar *{escape_mrkdwn(ref.expert.name)}*, {where}."
    return _message(text, [_section(text)])


# -- announcements and lessons -------------------------------------------------------------------






def _select(action_id: str, choices: dict[str, str], placeholder: str, selected: str | None = None) -> dict[str, Any]:
    options = [{"text": _plain(label), "value": key} for key, label in choices.items()]
    element = {"type": "static_select", "action_id": action_id, "placeholder": _plain(placeholder), "options": options}
    if selected in choices:
        element["initial_option"] = {"text": _plain(choices[selected]), "value": selected}
    return element


REGIONS = {r: r for r in tx_.REGIONS}


def announce_modal(text: str = "", *, channel_id: str | None = None) -> dict[str, Any]:
    """``/loket bericht``: title and text of an announcement for the updates channel."""
    return _modal(action_ids.ANNOUNCE_MODAL, "Bericht delen", [
        _input("title", "Titel", _text_input("title", max_length=TITLE_MAX)),
        _input("text", "Bericht", _text_input("text", text, multiline=True, max_length=FORM_TEXT_MAX),
               hint="Wordt gedeeld in het updates-kanaal en is daarna via Loket te vinden."),
    ], {"channel_id": channel_id}, submit="Delen")


def lesson_modal(*, channel_id: str | None = None, province: str | None = None) -> dict[str, Any]:
    """``/loket les``: a lesson learned from a province."""
    return _modal(action_ids.LESSON_MODAL, "Lesson learned", [
        _input("title", "Titel", _text_input("title", max_length=TITLE_MAX)),
        _input("text", "Wat ging er goed of fout, en wat is de les?",
               _text_input("text", multiline=True, max_length=FORM_TEXT_MAX)),
        _input("province", "Provincie", _select("province", REGIONS, "Provincie of landelijk", province)),
        _input("theme", "Thema", _select("theme", tx_.THEMES, "Thema")),
    ], {"channel_id": channel_id})


def support_modal(*, what: str = "", channel_id: str | None = None, thread_ts: str | None = None,
                  question_id: int | None = None) -> dict[str, Any]:
    """``/loket ondersteuning`` or "Vraag ondersteuning": what, province, by when."""
    blocks = [
        _input("what", "Waarmee wil je ondersteuning bij je provinciale plan?",
               _text_input("what", what, multiline=True, max_length=WHAT_MAX),
               hint="Het kernteam helpt praktisch, maar neemt het opstellen van het plan niet over."),
        _input("province", "Provincie", _select("province", REGIONS, "Provincie")),
        _input("needed_by", "Graag vóór", {"type": "datepicker", "action_id": "needed_by",
                                          "placeholder": _plain("Kies een datum")}, optional=True),
    ]
    metadata = {"channel_id": channel_id, "thread_ts": thread_ts, "question_id": question_id}
    return _modal(action_ids.SUPPORT_MODAL, "Ondersteuning vragen", blocks, metadata, submit="Versturen")


def _value(state: dict[str, Any], block_id: str) -> Any:
    element = next(iter((state.get(block_id) or {}).values()), {}) or {}
    kind = element.get("type")
    if kind == "static_select":
        return (element.get("selected_option") or {}).get("value")
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")


def form_values(view: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The submitted values of ``fields`` (block ids) of a modal."""
    state = (view.get("state") or {}).get("values") or {}
    return {f: _value(state, f) for f in fields}


def form_metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def item_post(item: ItemView) -> Message:
    """An announcement or lesson as posted in the updates channel."""
    icon = ":bulb:" if item.kind == KIND_LESSON else ":mega:"
    title = escape_mrkdwn(item.display_title)
    body = truncate_mrkdwn(escape_mrkdwn(item.text), 2800)
    meta = []
    if item.kind == KIND_LESSON and item.theme:
        meta.append(f"Thema: {escape_mrkdwn(tx_.label(tx_.THEMES, item.theme))}")
    author = _mention(item.created_by)
    meta.append(f"Gedeeld door {author}" if author else "Gedeeld door het kernteam")
    meta.append("Ook te vinden via Loket")
    return _message(escape_mrkdwn(item.display_title), [_section(f"{icon} *{title}*\n{body}"), _context(" · ".join(meta))])


def item_saved_notice(item: ItemView, channel_id: str | None) -> str:
    where = f" en gedeeld in <#{channel_id}>" if channel_id else " (er is geen updates-kanaal ingesteld: LOKET_UPDATES_CHANNEL)"
    what = "De lesson learned" if item.kind == KIND_LESSON else "Het bericht"
    return f"{what} _{escape_mrkdwn(item.title)}_ is opgeslagen{where}. Loket gebruikt het vanaf nu bij het beantwoorden van vragen."


# -- knowledge base updates ----------------------------------------------------------------------
def _change_line(change: DocChange) -> str:
    line = f"• {_https(change.url, change.title)}"
    day = parse_date(change.updated)
    if day and change.change != REMOVED:
        line += f" _(bron van {dutch_date(day)})_"
    return line


def updates_message(changes: Sequence[DocChange]) -> Message | None:
    """"Nieuw in de kennisbank" for the updates channel; None when nothing changed."""
    if not changes:
        return None
    blocks = [_section(f":books: *Nieuw in de kennisbank* ({summary_line(changes)})")]
    for kind in (NEW, UPDATED, REMOVED):
        lines = [_change_line(c) for c in changes if c.change == kind][:MAX_UPDATES]
        if lines:
            blocks.append(_section(f"*{UPDATE_LABELS[kind]}*\n" + "\n".join(lines)))
    blocks.append(_context("Stel je vraag aan Loket: de nieuwe informatie wordt meteen gebruikt."))
    return _message(f"Nieuw in de kennisbank: {summary_line(changes)}", blocks)


# -- support requests ----------------------------------------------------------------------------
def support_root(user_id: str, what: str, province: str, needed_by: date | None) -> Message:
    """The visible start of a support request in the channel (the conversation's thread)."""
    due = f", graag vóór {dutch_date(needed_by)}" if needed_by else ""
    head = f"<@{user_id}> vraagt het kernteam om ondersteuning ({escape_mrkdwn(province)}{due}):"
    body = escape_mrkdwn(what)
    return _message(f"{head} {body}", [_section(f":raised_hand: {head}\n{quote(body)}")])


def support_opened_notice(number: int) -> Message:
    text = (f"Je verzoek om ondersteuning is doorgezet naar het kernteam als *#{number}*. "
            "Het antwoord komt hier in deze thread.")
    return _message(text, [_section(f":outbox_tray: {text}")])
