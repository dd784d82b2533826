"""Block Kit for monitoring: the signal and plan forms, signal messages, SLA reminders.

Pure functions, like :mod:`bot.slack.blocks`: core views in, Slack payloads out; the
``*_values`` functions read a submitted form back (the block ids live here, next to the
form that uses them). Everything people typed is escaped with
:func:`~bot.slack.escaping.escape_mrkdwn` and shown in ``verbatim`` fields.
"""
from __future__ import annotations

import json
from typing import Any

from bot.core.monitoring import taxonomy as tx_
from bot.core.monitoring.plans import PlanView
from bot.core.monitoring.plans import plan_line as core_plan_line
from bot.core.escalations.reminders import Reminder
from bot.core.monitoring.signals import DESCRIPTION_MAX, TITLE_MAX, SignalDraft, SignalView
from bot.core.monitoring.summary_render import fmt_number
from bot.slack import action_ids
from bot.slack.block_kit import button as _button, context as _context, input_block as _input, message as _message, modal as _modal, plain as _plain, section as _section, text_input as _text_input
from bot.slack.block_kit import Message
from bot.slack.escaping import escape_mrkdwn

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 300
SEVERITY_ICON = {"hoog": ":red_circle:", "middel": ":large_orange_circle:", "laag": ":white_circle:"}
KIND_ICON = {"kans": ":seedling:", "risico": ":warning:", "issue": ":triangular_flag_on_post:"}


# -- primitives --------------------------------------------------------------------------------










def _option(key: str, label: str) -> dict[str, Any]:
    return {"text": _plain(label), "value": key}


def _select(action_id: str, choices: dict[str, str], selected: str | None, placeholder: str) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "action_id": action_id, "placeholder": _plain(placeholder),
                               "options": [_option(k, v) for k, v in choices.items()]}
    if selected in choices:
        element["initial_option"] = _option(selected, choices[selected])
    return element










def _link(url: str | None, label: str) -> str | None:
    """An mrkdwn link, only for plain https URLs that cannot break out of ``<…>``."""
    if not url or not url.startswith("https://") or any(c in url for c in "<>| \n"):
        return None
    return f"<{url.replace('&', '&amp;')}|{escape_mrkdwn(label)}>"


def _value(state: dict[str, Any], block_id: str) -> Any:
    """The value of the one element in ``block_id`` of a submitted view's state."""
    element = next(iter((state.get(block_id) or {}).values()), {}) or {}
    kind = element.get("type")
    if kind == "static_select":
        return (element.get("selected_option") or {}).get("value")
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")


# -- the signal form ---------------------------------------------------------------------------
REGIONS = {r: r for r in tx_.REGIONS}


def signal_modal(draft: SignalDraft, *, channel_id: str | None = None) -> dict[str, Any]:
    """The form behind ``/signaal``, "Log als signaal" and "Maak signaal" (pre-filled from ``draft``)."""
    metadata = {"source_channel_id": draft.source_channel_id, "source_ts": draft.source_ts,
                "source_user_id": draft.source_user_id,
                "source_permalink": draft.source_permalink, "escalations": list(draft.escalations),
                "channel_id": channel_id}
    owner = {"type": "users_select", "action_id": "owner", "placeholder": _plain("Kies een eigenaar")}
    if draft.owner:
        owner["initial_user"] = draft.owner
    blocks = [
        _input("kind", "Soort", _select("kind", tx_.KINDS, draft.kind, "Kans, risico of issue")),
        _input("title", "Titel", _text_input("title", draft.title, max_length=TITLE_MAX)),
        _input("description", "Beschrijving", _text_input("description", draft.description, multiline=True,
                                                           max_length=DESCRIPTION_MAX), optional=True),
        _input("province", "Provincie", _select("province", REGIONS, draft.province, "Provincie of landelijk")),
        _input("theme", "Thema", _select("theme", tx_.THEMES, draft.theme, "Thema")),
        _input("severity", "Ernst", _select("severity", tx_.SEVERITIES, draft.severity, "Ernst")),
        _input("owner", "Eigenaar", owner, optional=True, hint="Wie uit het kernteam dit oppakt (mag later)."),
    ]
    if draft.escalations:
        numbers = ", ".join(f"#{n}" for n in draft.escalations)
        blocks.insert(0, _context(f":link: Gekoppeld aan escalatie {numbers}"))
    elif _link(draft.source_permalink, "dit bericht"):
        blocks.insert(0, _context(f":link: Gelogd vanuit {_link(draft.source_permalink, 'dit bericht')}"))
    return _modal(action_ids.SIGNAL_MODAL, "Signaal loggen", blocks, metadata)


def signal_modal_values(view: dict[str, Any]) -> SignalDraft:
    """The submitted signal form as a draft (not yet validated)."""
    state = (view.get("state") or {}).get("values") or {}
    meta = json.loads(view.get("private_metadata") or "{}")
    return SignalDraft(
        kind=_value(state, "kind") or "", province=_value(state, "province") or "", theme=_value(state, "theme") or "",
        title=_value(state, "title") or "", description=_value(state, "description") or "",
        severity=_value(state, "severity") or "", owner=_value(state, "owner"),
        source_channel_id=meta.get("source_channel_id"), source_ts=meta.get("source_ts"),
        source_user_id=meta.get("source_user_id"), source_permalink=meta.get("source_permalink"), escalations=tuple(int(n) for n in meta.get("escalations") or ()),
    )


def form_channel(view: dict[str, Any]) -> str | None:
    """The channel the form was opened from (for the private confirmation)."""
    return json.loads(view.get("private_metadata") or "{}").get("channel_id")


def form_errors(error: Exception) -> dict[str, str]:
    """A refused form's message, on the field it belongs to (``response_action: errors``)."""
    text = str(error)
    for block_id, words in (("title", "titel"), ("description", "beschrijving"), ("province", "provincie"),
                            ("theme", "thema"), ("severity", "ernst"), ("kind", "soort")):
        if words in text.lower():
            return {block_id: text}
    return {"title": text}


# -- signal messages ---------------------------------------------------------------------------
def signal_summary_line(s: SignalView) -> str:
    """'⚠️ *S4 Te weinig locaties* · Risico · Utrecht · hoog · In behandeling' (escaped)."""
    return (f"{KIND_ICON.get(s.kind, '')} *S{s.id} {escape_mrkdwn(s.title)}* · {tx_.label(tx_.KINDS, s.kind)} · "
            f"{escape_mrkdwn(s.province)} · {SEVERITY_ICON.get(s.severity, '')} "
            f"{tx_.label(tx_.SEVERITIES, s.severity).lower()} · {tx_.label(tx_.SIGNAL_STATUSES, s.status)}")


def _signal_details(s: SignalView) -> list[str]:
    details = [f"Thema: {escape_mrkdwn(tx_.label(tx_.THEMES, s.theme))}",
               f"Eigenaar: <@{s.owner}>" if s.owner else "Eigenaar: nog niemand"]
    if s.created_by:
        details.append(f"Gelogd door <@{s.created_by}>")
    if _link(s.source_permalink, "Oorspronkelijk bericht"):
        details.append(_link(s.source_permalink, "Oorspronkelijk bericht"))
    if s.escalations:
        details.append("Escalaties: " + ", ".join(f"#{n}" for n in s.escalations))
    return details


def signal_message(s: SignalView) -> Message:
    """A signal in the core channel, with status, owner and "Escaleer naar LRT" (core team only)."""
    blocks = [_section(signal_summary_line(s))]
    if s.description:
        blocks.append(_section(escape_mrkdwn(s.description)))
    blocks.append(_context(*_signal_details(s)))
    if s.is_open:
        statuses = {k: v for k, v in tx_.SIGNAL_STATUSES.items() if k != tx_.ESCALATED}
        owner: dict[str, Any] = {"type": "users_select", "action_id": action_ids.SIGNAL_OWNER,
                                 "placeholder": _plain("Eigenaar")}
        if s.owner:
            owner["initial_user"] = s.owner
        elements = [_select(action_ids.SIGNAL_STATUS, statuses, s.status, "Status"), owner]
        if s.status != tx_.ESCALATED:
            elements.append(_button("Escaleer naar LRT", action_ids.SIGNAL_LRT, str(s.id), "danger"))
        blocks.append({"type": "actions", "block_id": f"signal-{s.id}", "elements": elements})
    else:
        blocks.append(_context(":lock: Afgesloten"))
    text = f"Signaal S{s.id}: {tx_.label(tx_.KINDS, s.kind)} in {s.province} — {escape_mrkdwn(s.title)}"
    return _message(text, blocks)


def signal_lrt_message(s: SignalView) -> Message:
    """The announcement in the LRT channel when the core team escalates a signal."""
    head = f":rotating_light: *Signaal geëscaleerd naar de LRT* door <@{s.lrt_escalated_by}>"
    blocks = [_section(head), _section(signal_summary_line(s))]
    if s.description:
        blocks.append(_section(escape_mrkdwn(s.description)))
    blocks.append(_context(*_signal_details(s)))
    return _message(f"Signaal S{s.id} geëscaleerd naar de LRT: {escape_mrkdwn(s.title)}", blocks)


def signal_created_notice(s: SignalView) -> str:
    """The private confirmation for whoever logged the signal."""
    return f"Signaal S{s.id} is gelogd ({tx_.label(tx_.KINDS, s.kind).lower()}, {s.province}). Dank je!"


SIGNALS_SHOWN = 30


def signal_list(signals: list[SignalView], *, heading: str = "Open signalen") -> Message:
    """A list of signals (``/loket signalen``), most recent first."""
    if not signals:
        return _message("Geen open signalen.", [_section("Geen open signalen.")])
    lines = [signal_summary_line(s) for s in signals[:SIGNALS_SHOWN]]
    blocks = [_section(f"*{heading}* ({len(signals)})")]
    blocks += [_section("\n".join(lines[i:i + 10])) for i in range(0, len(lines), 10)]
    if len(signals) > SIGNALS_SHOWN:  # say what is not shown, never drop it silently
        blocks.append(_context(f"En nog {len(signals) - SIGNALS_SHOWN} signalen: `loket signal list` of de "
                               "export (`loket signal export`) toont ze allemaal."))
    return _message(f"{heading}: {len(signals)}", blocks)


# -- SLA reminders -----------------------------------------------------------------------------
def sla_reminder(r: Reminder) -> Message:
    """The reminder in an escalation's core thread."""
    waited = fmt_number(r.waiting_working_hours)
    if r.count == 1:
        text = (f":alarm_clock: Vraag #{r.number} wacht al {waited} werkuren en is nog niet opgepakt "
                f"(streeftijd {fmt_number(r.sla_hours)} werkuren). Wie pakt hem op?")
    else:
        text = (f":alarm_clock: Herinnering {r.count}: vraag #{r.number} wacht nu {waited} werkuren "
                "en is nog steeds niet opgepakt.")
    return _message(text, [_section(text)])


# -- provincial plans --------------------------------------------------------------------------
def plan_line(p: PlanView) -> str:
    """'*Utrecht* — Concept · mijlpaal: GS-besluit (2026-12-15) · bijgewerkt 2026-12-03 door @…' (escaped)."""
    line = core_plan_line(p)
    updated = line.updated and line.updated + (f" door <@{p.updated_by}>" if p.updated_by else "")
    parts = (f"*{escape_mrkdwn(line.province)}* — {line.state}", line.milestone and escape_mrkdwn(line.milestone),
             line.note and f"_{escape_mrkdwn(line.note)}_", updated)
    return " · ".join(x for x in parts if x)


def plans_message(plans: list[PlanView]) -> Message:
    """The twelve plans, one section each: a line with a filled-in note can be long, and one
    section for all twelve would exceed Slack's 3000 characters and lose provinces."""
    return _message("Provinciale plannen", [_section("*Provinciale plannen*")] + [_section(plan_line(p)) for p in plans])


def plan_modal(p: PlanView) -> dict[str, Any]:
    """The form to update one province's plan (``/loket plan <provincie>``, App Home)."""
    date_picker: dict[str, Any] = {"type": "datepicker", "action_id": "milestone_date",
                                   "placeholder": _plain("Datum")}
    if p.milestone_date:
        date_picker["initial_date"] = p.milestone_date.isoformat()
    blocks = [
        _context(plan_line(p)),
        _input("state", "Status van het plan", _select("state", tx_.PLAN_STATES, p.state, "Status")),
        _input("next_milestone", "Volgende mijlpaal", _text_input("next_milestone", p.next_milestone, max_length=300),
               optional=True),
        _input("milestone_date", "Datum mijlpaal", date_picker, optional=True),
        _input("note", "Notitie", _text_input("note", p.note, multiline=True, max_length=1000), optional=True),
    ]
    return _modal(action_ids.PLAN_MODAL, f"Plan {p.province}", blocks, {"province": p.province})


def plan_modal_values(view: dict[str, Any]) -> dict[str, Any]:
    """The submitted plan form: province plus the four fields ("" clears a text)."""
    state = (view.get("state") or {}).get("values") or {}
    meta = json.loads(view.get("private_metadata") or "{}")
    return {"province": meta.get("province") or "", "state": _value(state, "state"),
            "next_milestone": _value(state, "next_milestone") or "", "milestone_date": _value(state, "milestone_date") or "",
            "note": _value(state, "note") or ""}


def ephemeral(text: str) -> Message:
    """A short private note (refusals, confirmations); the text is escaped (it may echo input)."""
    safe = escape_mrkdwn(text)
    return _message(safe, [_section(safe)])
