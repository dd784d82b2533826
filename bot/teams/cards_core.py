"""Adaptive Cards of the core team's workflow in Teams: relay notices, expert suggestions,
referrals, the support request form, erased posts. Pure builders, as :mod:`bot.teams.cards`
(people's text and directory text go into ``TextRun``s, never parsed as Markdown).

Also the outbox kinds the Teams adapter queues itself, and :func:`render` for them:

* ``teams_relayed`` -> core thread, after a relay went out: "Doorgestuurd naar de vrager",
  with *Opnemen in kennisbank* and *Terugnemen*. payload: ``number``, ``reply_ts`` (the
  core member's message).
* ``teams_card`` -> anywhere: a ready card (expert suggestions, introductions). payload: ``card``.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from bot.core.monitoring import taxonomy as tx_
from bot.core.network.matcher import ExpertMatch
from bot.core.network.referrals import EscalationRef, ReferralView
from bot.core.network.responder import EXAMPLE_NOTE
from bot.core.network.support import WHAT_MAX
from bot.core.delivery.notices import Notice
from bot.core.answering.validity import dutch_date
from bot.core.views import OutboxPost
from bot.teams import action_ids
from bot.teams.cards import card, label, literal, notice_card, submit

POST_RELAYED = "teams_relayed"
POST_CARD = "teams_card"
KINDS = (POST_RELAYED, POST_CARD)
RELAYED_KEY = "teams-relayed"  # dedupe key prefix of the relay notice (bot.core.escalations.relays.relay_notice)

ERASED_TEXT = "Dit bericht is verwijderd op verzoek van de vrager (privacy)."
SUPPORT_TITLE = "Ondersteuning vragen"


# -- after a relay ------------------------------------------------------------------------------
def relayed_notice(number: int, reply_ts: str | None) -> dict[str, Any]:
    """In the core thread after each relay: it went out; keep it, or take it back."""
    actions = [submit("Opnemen in kennisbank", action_ids.SAVE_VERIFIED, number=number)]
    if reply_ts:
        actions.append(submit("Terugnemen", action_ids.TAKE_BACK, number=number, reply=reply_ts))
    return card([label(f"Doorgestuurd naar de vrager van #{number}.", weight="Bolder"),
                 label("Bewerk of verwijder je bericht en Loket past het bij de vrager aan; Terugnemen haalt het "
                       "daar weg.", size="Small", isSubtle=True)], actions)


def withdrawn_notice(number: int, *, by: str | None, removed: bool) -> dict[str, Any]:
    where = "weggehaald bij" if removed else "niet verstuurd naar"
    return notice_card(f"Teruggenomen door {by or 'het kernteam'}: dit antwoord op #{number} is {where} de vrager.")


def saved_notice(number: int, *, by: str | None) -> dict[str, Any]:
    return notice_card(f"Vraag #{number} en het antwoord staan nu in de kennisbank (door {by or 'het kernteam'}).")


# -- experts ------------------------------------------------------------------------------------
def contact(match_or_expert: Any) -> str:
    """How to reach an expert from Teams (plain text; Slack ids mean nothing here)."""
    expert = getattr(match_or_expert, "expert", match_or_expert)
    return expert.email or "via het kernteam"


def expert_items(m: ExpertMatch) -> list[dict[str, Any]]:
    e = m.expert
    tag = " (voorbeeld)" if e.example else ""
    return [literal(f"{e.name}{tag}", weight="Bolder"),
            literal(f"{e.role}, {e.organisation} · {', '.join(e.provinces)}", size="Small"),
            literal(f"Waarom: {m.reason}", size="Small", isSubtle=True),
            literal(f"Contact: {contact(e)}", size="Small")]


def suggestions(esc: EscalationRef, matches: Sequence[ExpertMatch]) -> dict[str, Any]:
    """In the core thread: experts for the escalation, each with "Doorverwijzen"."""
    what = "dit verzoek" if esc.kind == "ondersteuning" else "deze vraag"
    body: list[dict[str, Any]] = [label(f"Deskundigen die kunnen helpen bij #{esc.number} (suggestie van Loket)",
                                        weight="Bolder")]
    for m in matches:
        body.append({"type": "Container", "separator": True, "items": [
            *expert_items(m),
            {"type": "ActionSet", "actions": [submit("Doorverwijzen", action_ids.REFER, number=esc.number,
                                                     expert=m.expert.id)]}]})
    if any(m.expert.example for m in matches):
        body.append(label(EXAMPLE_NOTE, size="Small", isSubtle=True))
    body.append(label(f"Doorverwijzen brengt de vrager in contact met de deskundige over {what} en legt het vast "
                      f"bij #{esc.number}.", size="Small", isSubtle=True))
    return card(body)


def introduction(ref: ReferralView, *, by: str | None) -> dict[str, Any]:
    """At the asker's: who the core team refers them to, about which question, and how to reach them."""
    e, esc = ref.expert, ref.escalation
    what = "verzoek om ondersteuning" if esc.kind == "ondersteuning" else "vraag"
    body = [label(f"{by or 'Het kernteam'} van het kernteam verwijst je voor {what} #{esc.number} door naar een "
                  "deskundige:", weight="Bolder"),
            literal(esc.question, size="Small", isSubtle=True),
            literal(f"{e.name}, {e.role} bij {e.organisation} ({', '.join(e.themes)})."),
            literal(f"Neem contact op via {contact(e)}.")]
    if e.example:
        body.append(label(EXAMPLE_NOTE, size="Small", isSubtle=True))
    return card(body)


def referral_core_note(ref: ReferralView, *, by: str | None) -> dict[str, Any]:
    return card([literal(f"{by or 'Iemand'} heeft #{ref.escalation.number} doorverwezen naar {ref.expert.name}, "
                         f"in het gesprek van de vrager (contact: {contact(ref.expert)}).")])


def ready(channel_id: str | None, attachment: dict[str, Any], thread_ts: str | None = None) -> Notice | None:
    """A card as an outbox notice (None without a channel: nothing is posted)."""
    if not channel_id:
        return None
    return Notice(kind=POST_CARD, channel_id=channel_id, thread_ts=thread_ts, payload={"card": attachment})


# -- the support request form ---------------------------------------------------------------------
def support_form(*, question_id: int, asker: str, values: dict[str, Any] | None = None,
                 error: str | None = None) -> dict[str, Any]:
    """"Vraag ondersteuning": what, province, by when (Input fields and Action.Submit).

    ``values`` fill the form in again after a refused submission, ``error`` says why.
    """
    values = values or {}
    body: list[dict[str, Any]] = [label(SUPPORT_TITLE, weight="Bolder", size="Medium")]
    if error:
        body.append(label(error, color="Attention"))
    body += [
        {"type": "Input.Text", "id": "what", "label": "Waarmee wil je ondersteuning bij je provinciale plan?",
         "isMultiline": True, "maxLength": WHAT_MAX, "isRequired": True, "value": str(values.get("what") or ""),
         "errorMessage": "Beschrijf waarmee je ondersteuning wilt."},
        label("Het kernteam helpt praktisch, maar neemt het opstellen van het plan niet over.", size="Small",
              isSubtle=True),
        {"type": "Input.ChoiceSet", "id": "province", "label": "Provincie", "isRequired": True,
         "placeholder": "Provincie", "value": str(values.get("province") or ""),
         "choices": [{"title": r, "value": r} for r in tx_.REGIONS], "errorMessage": "Kies een provincie."},
        {"type": "Input.Date", "id": "needed_by", "label": "Graag vóór (niet verplicht)",
         "value": str(values.get("needed_by") or "")},
    ]
    return card(body, [submit("Versturen", action_ids.SUPPORT_SUBMIT, question_id=question_id, asker=asker)])


def support_opened(number: int, *, province: str, needed_by: date | None) -> dict[str, Any]:
    due = f", graag vóór {dutch_date(needed_by)}" if needed_by else ""
    return notice_card(f"Je verzoek om ondersteuning ({province}{due}) is doorgezet naar het kernteam als #{number}. "
                       "Het antwoord komt hier.")


# -- privacy ----------------------------------------------------------------------------------------
def erased_card() -> dict[str, Any]:
    """What the core-channel escalation card becomes when its asker asked to be forgotten."""
    return notice_card(ERASED_TEXT)


# -- the adapter's own outbox posts -------------------------------------------------------------------
def undelivered_notice(number: int, error: str) -> dict[str, Any]:
    """The core-channel note for a post Loket gave up on (ids and the error code only)."""
    about = f" bij escalatie #{number}" if number else ""
    return notice_card(f"Een bericht van Loket{about} kon niet worden afgeleverd ({error or 'onbekende fout'}). "
                       "Stuur het zo nodig zelf; latere berichten in die draad zijn wel verstuurd.")


def render(post: OutboxPost) -> dict[str, Any] | None:
    """The card of an outbox post of one of :data:`KINDS` (None: not one of these)."""
    p = post.payload
    if post.kind == POST_RELAYED:
        return relayed_notice(int(p.get("number") or post.escalation_number or 0), p.get("reply_ts"))
    if post.kind == POST_CARD and isinstance(p.get("card"), dict):
        return p["card"]
    return None
