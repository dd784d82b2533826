"""Block Kit for the weekly summary and the App Home tab (pure functions).

The summary uses the same sections as the Markdown and HTML renderings
(:func:`bot.core.monitoring.summary_render.sections`), so Slack never shows other figures than
``loket summary``. Tables become one line per row (Slack has no tables; lines read well
on a phone too).
"""
from __future__ import annotations

from typing import Any

from bot.core.home import CoreHome, EscalationLine, ParticipantHome
from bot.core.monitoring.summary import WeeklySummary
from bot.core.monitoring.summary_render import Section, fmt_age, fmt_share, sections, title
from bot.slack import action_ids
from bot.slack.block_kit import Message
from bot.slack.blocks_monitoring import _button, _context, _message, _plain, _section, plan_line, signal_summary_line
from bot.slack.escaping import escape_mrkdwn

CHUNK = 2800  # characters per section block (Slack allows 3000)


def _chunks(lines: list[str]) -> list[str]:
    out, current = [], ""
    for line in lines:
        if current and len(current) + len(line) + 1 > CHUNK:
            out.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return out + ([current] if current else [])


def _section_lines(section: Section) -> list[str]:
    lines = []
    for line in section.lines:
        indent = "      " if line.startswith("    ") else ""
        lines.append(f"{indent}• {escape_mrkdwn(line.strip())}")
    if section.table:
        headers = section.table.headers
        for row in section.table.rows:
            parts = [escape_mrkdwn(row[1])] + [f"{escape_mrkdwn(h.lower())}: {escape_mrkdwn(c)}"
                                               for h, c in zip(headers[2:], row[2:]) if c and c != "–"]
            lines.append(f"*{escape_mrkdwn(row[0])}* — " + " · ".join(parts))
    return lines


def headline(summary: WeeklySummary) -> str:
    """One sentence with the key figures (the notification text)."""
    return (f"{title(summary)}: vragen {summary.questions_asked}, door Loket beantwoord "
            f"{fmt_share(summary.answered_share)}, open escalaties {summary.escalations_still_open}, "
            f"nieuwe signalen {summary.signals_new.total}.")


def summary_message(summary: WeeklySummary, *, note: str | None = None) -> Message:
    """The weekly summary as a message (``note``: e.g. "de grafiek volgt hieronder")."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(title(summary), 150)}]
    if summary.is_quiet:
        blocks.append(_context("Een rustige week: geen vragen, escalaties, signalen of planwijzigingen."))
    for section in sections(summary):
        blocks.append(_section(f"*{escape_mrkdwn(section.title)}*"))
        blocks += [_section(chunk) for chunk in _chunks(_section_lines(section))]
    if note:
        blocks.append(_context(escape_mrkdwn(note)))
    return _message(escape_mrkdwn(headline(summary)), blocks)


# -- App Home ----------------------------------------------------------------------------------
def _escalation_line(e: EscalationLine, now) -> str:
    age = fmt_age((now - e.created_at).total_seconds() / 3600)
    who = f" · opgepakt door <@{e.claimed_by}>" if e.claimed_by and e.status != "open" else ""
    status = {"open": "niet opgepakt", "claimed": "opgepakt", "answered": "beantwoord"}.get(e.status, e.status)
    question = escape_mrkdwn(e.question if len(e.question) <= 140 else e.question[:139] + "…")
    return f"*#{e.number}* · {age} oud · {status}{who}\n> {question}"


def participant_sections(home: ParticipantHome, now) -> list[dict[str, Any]]:
    """A PRT participant's own questions and open escalations."""
    blocks: list[dict[str, Any]] = [{"type": "divider"}, _section("*Jouw open vragen bij het kernteam*")]
    if home.open_escalations:
        blocks += [_section(_escalation_line(e, now)) for e in home.open_escalations[:10]]
    else:
        blocks.append(_context("Geen open vragen bij het kernteam."))
    blocks.append(_section("*Jouw laatste vragen*"))
    if not home.questions:
        blocks.append(_context("Je hebt Loket nog niets gevraagd."))
    lines = []
    for q in home.questions:
        if q.escalation_number:
            state = f"bij het kernteam (#{q.escalation_number}, {_dutch(q.escalation_status)})"
        elif q.answered:
            state = "beantwoord door Loket"
        else:
            state = "niet beantwoord"
        text = escape_mrkdwn(q.text if len(q.text) <= 100 else q.text[:99] + "…")
        lines.append(f"• {text} — _{state}_")
    blocks += line_sections(lines)
    return blocks


def line_sections(lines: list[str], per: int = 10) -> list[dict[str, Any]]:
    """Lines in sections of ``per`` lines: one section for all could pass Slack's 3000 characters."""
    return [_section("\n".join(lines[i:i + per])) for i in range(0, len(lines), per)]


def _dutch(status: str | None) -> str:
    return {"open": "open", "claimed": "opgepakt", "answered": "beantwoord", "closed": "gesloten"}.get(status or "", "")


def core_sections(home: CoreHome, now) -> list[dict[str, Any]]:
    """The core team's work: open escalations (oldest first), open signals, the plans."""
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        {"type": "actions", "block_id": "home-actions",
         "elements": [_button("Nieuw signaal", action_ids.HOME_NEW_SIGNAL, "new", "primary")]},
        _section(f"*Open escalaties* ({home.open_escalation_count}, oudste eerst)"),
    ]
    if home.open_escalations:
        blocks += [_section(_escalation_line(e, now)) for e in home.open_escalations[:15]]
    else:
        blocks.append(_context("Geen open escalaties. :tada:"))
    blocks.append(_section(f"*Open signalen* ({home.open_signal_count})"))
    if home.open_signals:
        lines = [signal_summary_line(s) + (f" · <@{s.owner}>" if s.owner else "") for s in home.open_signals]
        blocks += line_sections(lines[:20])
    else:
        blocks.append(_context("Geen open signalen."))
    blocks.append(_section("*Provinciale plannen*"))
    for plan in home.plans:
        blocks.append(_section(plan_line(plan), _button("Bijwerken", action_ids.HOME_EDIT_PLAN, plan.province)))
    return blocks


def home_view(base: dict[str, Any], extra: list[dict[str, Any]]) -> dict[str, Any]:
    """The App Home: Loket's own home (help) followed by the monitoring sections (max 100 blocks)."""
    blocks = list(base.get("blocks") or []) + extra
    return {**base, "type": "home", "blocks": blocks[:100]}
