"""Adaptive Cards for monitoring in Teams: help, the weekly summary (with its chart), the
provincial plans, signals (list, form, the posts in the core and LRT channels), SLA
reminders and "Nieuw in de kennisbank". Pure builders like :mod:`bot.teams.cards`: core
views in, card JSON out; what people typed goes into ``TextRun``s
(:func:`~bot.teams.cards.literal`).

The weekly summary uses :func:`bot.core.monitoring.summary_render.sections`, as Slack, the Markdown
and the HTML renderings do, so Teams never shows other figures than ``loket summary``.
"""
from __future__ import annotations

import base64
import json
from typing import Any, Sequence

from bot.core.monitoring import taxonomy as tx_
from bot.core.network.updates import NEW, REMOVED, UPDATED, DocChange, summary_line
from bot.core.monitoring.plans import MILESTONE_MAX, PlanView
from bot.core.monitoring.plans import plan_line as core_plan_line
from bot.core.escalations.reminders import Reminder
from bot.core.monitoring.signals import DESCRIPTION_MAX, TITLE_MAX, SignalDraft, SignalView
from bot.core.monitoring.summary import WeeklySummary
from bot.core.monitoring.summary_render import Section, fmt_number, sections, title
from bot.teams.cards import card, label, literal

SIGNAL_COMMAND_ID = "logSignal"  # the message action "Log als signaal" (app manifest, bot.teams.package)
SIGNAL_FORM = "signal_form"  # data.loket of the button (task/fetch) that opens the signal form
SIGNAL_SUBMIT = "signal_submit"  # data.loket of the form's own submit button
SIGNAL_STATUS_FORM = "signal_status_form"  # "Status wijzigen" on a signal card (core team)
SIGNAL_STATUS_SUBMIT = "signal_status_submit"
SIGNAL_LRT_FORM = "signal_lrt_form"  # "Escaleer naar LRT" on a signal card (core team)
SIGNAL_LRT_SUBMIT = "signal_lrt_submit"
PLAN_FORM = "plan_form"
PLAN_SUBMIT = "plan_submit"
SIGNALS_SHOWN = 30
MAX_UPDATES = 20
UPDATE_LABELS = {NEW: "Nieuw", UPDATED: "Bijgewerkt", REMOVED: "Verwijderd"}
# Teams refuses a message whose payload is larger than about 28 KB (HTTP 413); the card with
# the chart must stay under this, with room for the activity around it.
MESSAGE_BUDGET = 26_000

COMMANDS: tuple[tuple[str, str], ...] = (
    ("help", "Wat Loket kan en welke commando's er zijn"),
    ("signaal", "Een kans, risico of issue loggen (formulier); 'signaal #12' vult het in vanuit escalatie #12"),
    ("signalen", "De open signalen (kernteam)"),
    ("overzicht", "Het weekoverzicht van vorige week, of 'overzicht deze week' / 'overzicht 2026-W48' (kernteam)"),
    ("plan", "De twaalf provinciale plannen; 'plan Utrecht' om er een bij te werken (kernteam)"),
    ("deskundige", "Deskundigen uit het netwerk voor een onderwerp: 'deskundige flexwonen'"),
    ("ondersteuning", "Praktische ondersteuning bij je provinciale plan vragen (formulier)"),
    ("bericht", "Een bericht van het kernteam opslaan en delen in het updates-kanaal (kernteam)"),
    ("les", "Een lesson learned uit een provincie opslaan (kernteam)"),
)


def task_fetch(title_: str, action: str, **data: Any) -> dict[str, Any]:
    """A button that opens a dialog (Teams sends ``task/fetch`` with this data)."""
    return {"type": "Action.Submit", "title": title_, "data": {"msteams": {"type": "task/fetch"}, "loket": action, **data}}


# -- help ----------------------------------------------------------------------------------------
def help_card() -> dict[str, Any]:
    body = [label("Loket is het kennis- en informatieloket van het ondersteuningsarrangement.", weight="Bolder"),
            label("Stel je vraag in een privégesprek met Loket, of noem @Loket in een kanaal. Helpt het antwoord "
                  "niet, klik dan *Stel aan kernteam*."),
            label("Commando's (als eerste woord van je bericht):", weight="Bolder", spacing="Medium"),
            {"type": "FactSet", "facts": [{"title": word, "value": text} for word, text in COMMANDS]},
            label("Op een bericht: *…* → *Meer acties* → *Log als signaal*.", size="Small", isSubtle=True)]
    return card(body)


def unknown_command_card(word: str) -> dict[str, Any]:
    """A command Loket does not know: say so and show the help, never try to answer it."""
    body = [label("Dat commando ken ik niet:", weight="Bolder"), literal(word[:40]),
            label("Bedoel je een vraag? Schrijf een hele zin. Typ *help* voor de commando's.")]
    return card(body)


# -- the weekly summary ----------------------------------------------------------------------------
def _section_items(section: Section) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [label(section.title, weight="Bolder", spacing="Medium")]
    for line in section.lines:
        indent = "    " if line.startswith("    ") else ""
        items.append(literal(f"{indent}• {line.strip()}", size="Small"))
    if section.table:
        headers = section.table.headers
        for row in section.table.rows:
            parts = [row[1]] + [f"{h.lower()}: {c}" for h, c in zip(headers[2:], row[2:]) if c and c != "–"]
            items.append(literal(f"{row[0]} — " + " · ".join(parts), size="Small"))
    return items


def summary_card(summary: WeeklySummary, *, chart_png: bytes | None = None, note: str | None = None) -> dict[str, Any]:
    """The weekly summary; ``chart_png`` is shown inline (a ``data:`` URL) when given."""
    body: list[dict[str, Any]] = [label(title(summary), weight="Bolder", size="Medium")]
    if summary.is_quiet:
        body.append(label("Een rustige week: geen vragen, escalaties, signalen of planwijzigingen.", isSubtle=True))
    if chart_png:
        body.append({"type": "Image", "url": "data:image/png;base64," + base64.b64encode(chart_png).decode(),
                     "altText": f"Grafiek: vragen, escalaties, signalen en provinciale plannen in week {summary.week}"})
    for section in sections(summary):
        body += _section_items(section)
    if note:
        body.append(label(note, size="Small", isSubtle=True))
    return card(body)


def payload_size(attachment: dict[str, Any], *, summary: str = "") -> int:
    """The size of the message Loket would send (the activity as JSON, UTF-8)."""
    activity = {"type": "message", "text": summary, "attachments": [attachment]}
    return len(json.dumps(activity, ensure_ascii=False).encode())


def summary_card_within(summary: WeeklySummary, charts: Sequence[bytes], *, budget: int = MESSAGE_BUDGET) -> dict[str, Any]:
    """The summary card with the first chart that keeps it under ``budget``; else without a chart
    (the figures are all in the text; ``loket summary --chart`` writes the chart)."""
    for png in charts:
        attachment = summary_card(summary, chart_png=png)
        if payload_size(attachment) <= budget:
            return attachment
    return summary_card(summary, note="De grafiek past niet in een Teams-bericht; 'loket summary --chart' maakt hem.")


# -- provincial plans ------------------------------------------------------------------------------
def plan_line(p: PlanView) -> str:
    """'Utrecht — Concept · mijlpaal: GS-besluit (2026-12-15) · bijgewerkt 2026-12-03' (plain)."""
    line = core_plan_line(p)
    return " · ".join(x for x in (f"{line.province} — {line.state}", line.milestone, line.note, line.updated) if x)


def plans_card(plans: Sequence[PlanView]) -> dict[str, Any]:
    return card([label("Provinciale plannen", weight="Bolder", size="Medium"),
                 *[literal(plan_line(p), size="Small") for p in plans]])


def plan_card(plan: PlanView) -> dict[str, Any]:
    """One plan with *Bijwerken* (opens the plan form as a dialog)."""
    return card([label(f"Plan {plan.province}", weight="Bolder"), literal(plan_line(plan), size="Small")],
                [task_fetch("Bijwerken", PLAN_FORM, province=plan.province)])


def _choices(input_id: str, label_: str, choices: dict[str, str], value: str | None) -> dict[str, Any]:
    element = {"type": "Input.ChoiceSet", "id": input_id, "label": label_, "style": "compact", "isRequired": True,
               "choices": [{"title": v, "value": k} for k, v in choices.items()]}
    if value in choices:
        element["value"] = value
    return element


def _text(input_id: str, label_: str, value: str | None, *, max_length: int, multiline: bool = False,
          required: bool = False) -> dict[str, Any]:
    element = {"type": "Input.Text", "id": input_id, "label": label_, "maxLength": max_length, "isMultiline": multiline,
               "value": value or ""}
    if required:
        element.update(isRequired=True, errorMessage=f"Vul '{label_}' in.")
    return element


def plan_form(plan: PlanView, *, error: str | None = None) -> dict[str, Any]:
    """The form to update one province's plan (the dialog behind *Bijwerken*)."""
    body = [label(f"Plan {plan.province}", weight="Bolder"), literal(plan_line(plan), size="Small")]
    if error:
        body.append(label(error, color="Attention"))
    date_input = {"type": "Input.Date", "id": "milestone_date", "label": "Datum mijlpaal",
                  "value": plan.milestone_date.isoformat() if plan.milestone_date else ""}
    body += [_choices("state", "Status van het plan", tx_.PLAN_STATES, plan.state),
             _text("next_milestone", "Volgende mijlpaal", plan.next_milestone, max_length=MILESTONE_MAX),
             date_input, _text("note", "Notitie", plan.note, max_length=1000, multiline=True)]
    return card(body, [{"type": "Action.Submit", "title": "Opslaan",
                        "data": {"loket": PLAN_SUBMIT, "province": plan.province}}])


# -- signals ---------------------------------------------------------------------------------------
def signal_line(s: SignalView) -> str:
    """'S4 Te weinig locaties · Risico · Utrecht · hoog · In behandeling' (plain)."""
    return (f"S{s.id} {s.title} · {tx_.label(tx_.KINDS, s.kind)} · {s.province} · "
            f"{tx_.label(tx_.SEVERITIES, s.severity).lower()} · {tx_.label(tx_.SIGNAL_STATUSES, s.status)}")


def signal_list_card(signals: Sequence[SignalView], *, heading: str = "Open signalen") -> dict[str, Any]:
    if not signals:
        return card([label("Geen open signalen.")])
    body = [label(f"{heading} ({len(signals)})", weight="Bolder"),
            *[literal(signal_line(s), size="Small") for s in signals[:SIGNALS_SHOWN]]]
    if len(signals) > SIGNALS_SHOWN:  # say what is not shown, never drop it silently
        body.append(label(f"En nog {len(signals) - SIGNALS_SHOWN} signalen: 'loket signal list' toont ze allemaal.",
                          size="Small", isSubtle=True))
    return card(body)


def signal_card(s: SignalView) -> dict[str, Any]:
    """A new signal, as posted in the core channel."""
    body = [label(f"Nieuw signaal S{s.id}", weight="Bolder"), literal(signal_line(s))]
    if s.description:
        body.append({"type": "Container", "style": "emphasis", "items": [literal(s.description, size="Small")]})
    details = [f"Thema: {tx_.label(tx_.THEMES, s.theme)}"]
    if s.escalations:
        details.append("Escalaties: " + ", ".join(f"#{n}" for n in s.escalations))
    body.append(label(" · ".join(details), size="Small", isSubtle=True))
    if s.source_permalink and s.source_permalink.startswith("https://"):
        body.append({"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Oorspronkelijk bericht",
                                                       "url": s.source_permalink}]})
    actions = [task_fetch("Status wijzigen", SIGNAL_STATUS_FORM, signal=s.id)]
    if s.status != tx_.ESCALATED:
        actions.append(task_fetch("Escaleer naar LRT", SIGNAL_LRT_FORM, signal=s.id))
    return card(body, actions if s.is_open else None)


def signal_lrt_card(s: SignalView, *, escalated_by: str | None = None) -> dict[str, Any]:
    """A signal escalated to the LRT, as posted in ``LOKET_TEAMS_LRT_CHANNEL``: the facts of
    Slack's LRT message (who escalated it; the signal with its kind, province, severity and
    status; its description, theme and linked escalations). No buttons: the round table
    reads it, the core team changes the signal on its own card. ``escalated_by`` is the
    display name of who clicked (Loket stores no names; without it: "het kernteam")."""
    body = [label(f"🚨 Signaal S{s.id} geëscaleerd naar de LRT", weight="Bolder"),
            literal(f"Geëscaleerd door {escalated_by or 'het kernteam'}", size="Small"),
            literal(signal_line(s))]
    if s.description:
        body.append({"type": "Container", "style": "emphasis", "items": [literal(s.description, size="Small")]})
    details = [f"Thema: {tx_.label(tx_.THEMES, s.theme)}"]
    if s.escalations:
        details.append("Escalaties: " + ", ".join(f"#{n}" for n in s.escalations))
    if s.lrt_escalated_at:
        details.append(f"Geëscaleerd op {s.lrt_escalated_at.date().isoformat()}")
    body.append(label(" · ".join(details), size="Small", isSubtle=True))
    if s.source_permalink and s.source_permalink.startswith("https://"):
        body.append({"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Oorspronkelijk bericht",
                                                       "url": s.source_permalink}]})
    return card(body)


def signal_status_form(s: SignalView) -> dict[str, Any]:
    """Change a signal's status, with a note for its history (core team)."""
    statuses = {k: v for k, v in tx_.SIGNAL_STATUSES.items() if k != tx_.ESCALATED}  # escalating: its own button
    body = [label(f"Signaal S{s.id}", weight="Bolder"), literal(signal_line(s), size="Small"),
            _choices("status", "Status", statuses, s.status),
            _text("note", "Notitie (komt in de geschiedenis)", "", max_length=DESCRIPTION_MAX, multiline=True)]
    return card(body, [{"type": "Action.Submit", "title": "Opslaan", "data": {"loket": SIGNAL_STATUS_SUBMIT,
                                                                              "signal": s.id}}])


def signal_lrt_form(s: SignalView) -> dict[str, Any]:
    """Confirm escalating a signal to the LRT (core team)."""
    body = [label(f"Signaal S{s.id} escaleren naar de LRT?", weight="Bolder"), literal(signal_line(s), size="Small")]
    return card(body, [{"type": "Action.Submit", "title": "Escaleren", "data": {"loket": SIGNAL_LRT_SUBMIT,
                                                                                "signal": s.id}}])


def signal_start_card(*, escalation: int | None = None) -> dict[str, Any]:
    """The answer to the ``signaal`` command: a button that opens the form as a dialog."""
    text = f"Signaal loggen vanuit escalatie #{escalation}." if escalation else "Een kans, risico of issue loggen."
    data = {"escalation": escalation} if escalation else {}
    return card([label(text)], [task_fetch("Signaal loggen", SIGNAL_FORM, **data)])


def signal_form(draft: SignalDraft, *, error: str | None = None) -> dict[str, Any]:
    """The signal form (as Slack's modal; choices from the same taxonomy), pre-filled from ``draft``.

    Where the signal came from (message, escalations) travels in the submit button's data,
    as Slack keeps it in the modal's private metadata.
    """
    body: list[dict[str, Any]] = [label("Signaal loggen", weight="Bolder", size="Medium")]
    if draft.escalations:
        body.append(label("Gekoppeld aan escalatie " + ", ".join(f"#{n}" for n in draft.escalations), size="Small",
                          isSubtle=True))
    elif draft.source_ts:
        body.append(label("Gelogd vanuit een bericht", size="Small", isSubtle=True))
    if error:
        body.append(label(error, color="Attention"))
    body += [
        _choices("kind", "Soort", tx_.KINDS, draft.kind),
        _text("title", "Titel", draft.title, max_length=TITLE_MAX, required=True),
        _text("description", "Beschrijving", draft.description, max_length=DESCRIPTION_MAX, multiline=True),
        _choices("province", "Provincie", {r: r for r in tx_.REGIONS}, draft.province),
        _choices("theme", "Thema", tx_.THEMES, draft.theme),
        _choices("severity", "Ernst", tx_.SEVERITIES, draft.severity),
    ]
    source = {"source_channel_id": draft.source_channel_id, "source_ts": draft.source_ts,
              "source_user_id": draft.source_user_id, "source_permalink": draft.source_permalink,
              "escalations": list(draft.escalations)}
    return card(body, [{"type": "Action.Submit", "title": "Loggen", "data": {"loket": SIGNAL_SUBMIT, "source": source}}])


def signal_form_values(data: dict[str, Any]) -> SignalDraft:
    """The submitted signal form (``data``: the inputs plus the button's data) as a draft (not validated)."""
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    return SignalDraft(
        kind=str(data.get("kind") or ""), province=str(data.get("province") or ""), theme=str(data.get("theme") or ""),
        title=str(data.get("title") or ""), description=str(data.get("description") or ""),
        severity=str(data.get("severity") or ""), source_channel_id=source.get("source_channel_id"),
        source_ts=source.get("source_ts"), source_user_id=source.get("source_user_id"),
        source_permalink=source.get("source_permalink"),
        escalations=tuple(int(n) for n in source.get("escalations") or () if str(n).isdigit()),
    )


def signal_created_text(s: SignalView) -> str:
    return f"Signaal S{s.id} is gelogd ({tx_.label(tx_.KINDS, s.kind).lower()}, {s.province}). Dank je!"


# -- SLA reminders and knowledge-base updates ---------------------------------------------------
def reminder_card(r: Reminder) -> dict[str, Any]:
    """The reminder in an escalation's core thread (the same words as in Slack)."""
    waited = fmt_number(r.waiting_working_hours)
    if r.count == 1:
        text = (f"Vraag #{r.number} wacht al {waited} werkuren en is nog niet opgepakt "
                f"(streeftijd {fmt_number(r.sla_hours)} werkuren). Wie pakt hem op?")
    else:
        text = f"Herinnering {r.count}: vraag #{r.number} wacht nu {waited} werkuren en is nog steeds niet opgepakt."
    return card([label("⏰ " + text)])


def updates_card(changes: Sequence[DocChange]) -> dict[str, Any] | None:
    """"Nieuw in de kennisbank" for the updates channel; None when nothing changed."""
    if not changes:
        return None
    body: list[dict[str, Any]] = [label(f"📚 Nieuw in de kennisbank ({summary_line(changes)})", weight="Bolder")]
    for kind in (NEW, UPDATED, REMOVED):
        shown = [c for c in changes if c.change == kind][:MAX_UPDATES]
        if not shown:
            continue
        body.append(label(UPDATE_LABELS[kind], weight="Bolder", spacing="Medium"))
        for c in shown:
            line = f"• {c.title}" + (f" (bron van {c.updated})" if c.updated and kind != REMOVED else "")
            body.append(literal(line, size="Small"))
            if c.url and c.url.startswith("https://") and kind != REMOVED:
                body.append({"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Openen", "url": c.url}]})
    body.append(label("Stel je vraag aan Loket: de nieuwe informatie wordt meteen gebruikt.", size="Small", isSubtle=True))
    return card(body)
