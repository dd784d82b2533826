"""Rendering the weekly summary as Markdown, JSON or HTML — one layout for all.

:func:`sections` turns a :class:`WeeklySummary` into plain-text sections (a title,
bullet lines and at most one table); the Markdown, HTML and Slack renderers only differ
in markup and escaping, so they can never disagree on a figure. Texts typed by people
(signal titles, questions) stay plain here and are escaped by each renderer.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.monitoring import taxonomy as tx_
from bot.core.monitoring.summary import OpenEscalation, SignalCounts, SignalLine, WeeklySummary

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
MAX_LINES = 10  # signals and open escalations listed per section


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...] = ()
    table: Table | None = None


# -- Dutch number formatting -----------------------------------------------------------------
def fmt_number(value: float | None, decimals: int = 1) -> str:
    """1,5 (Dutch decimal comma); '–' for None."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def fmt_share(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def fmt_age(hours: float) -> str:
    """'3 d 4 u' for 76 hours, '5 u' for 5."""
    days, rest = divmod(int(round(hours)), 24)
    return f"{days} d {rest} u" if days else f"{rest} u"


def fmt_date(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def fmt_moment(value: datetime, tz: str) -> str:
    local = value.astimezone(ZoneInfo(tz))
    return f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1][:3]} {local:%H:%M}"


def period(summary: WeeklySummary) -> str:
    """'23 – 29 november 2026' (months and years only where they differ)."""
    s, e = summary.start, summary.end
    if s.year != e.year:
        return f"{fmt_date(s)} – {fmt_date(e)}"
    if s.month != e.month:
        return f"{s.day} {MONTHS[s.month - 1]} – {fmt_date(e)}"
    return f"{s.day} – {fmt_date(e)}"


def title(summary: WeeklySummary) -> str:
    year, week = summary.week.split("-W")
    return f"Loket weekoverzicht week {int(week)} ({period(summary)})"


# -- sections ------------------------------------------------------------------------------------
def sections(summary: WeeklySummary) -> list[Section]:
    """The summary as titled sections, in reading order."""
    return [
        _questions(summary), _escalations(summary), _signals(summary), _plans(summary), _gaps(summary),
    ]


def _questions(s: WeeklySummary) -> Section:
    return Section("Vragen", (
        f"Gesteld: {s.questions_asked}",
        f"Beantwoord door Loket: {s.answered_by_loket} ({fmt_share(s.answered_share)})",
        f"Feedback: {s.feedback_helpful}× nuttig, {s.feedback_unhelpful}× niet nuttig",
    ))


def _escalations(s: WeeklySummary) -> Section:
    lines = [
        f"Geopend: {s.escalations_opened} · beantwoord: {s.escalations_answered} · nog open: {s.escalations_still_open}",
        f"Mediane tijd tot antwoord kernteam: {_hours(s.median_answer_hours, s.median_answer_working_hours)}",
    ]
    if s.support_requests_opened:
        lines.insert(1, f"Waarvan verzoeken om ondersteuning: {s.support_requests_opened}")
    table = None
    if s.open_escalations:
        shown = s.open_escalations[:MAX_LINES]
        table = Table(("Vraag", "Status", "Sinds", "Leeftijd"), tuple(_open_row(e, s.timezone) for e in shown))
        if len(s.open_escalations) > MAX_LINES:
            lines.append(f"… en nog {len(s.open_escalations) - MAX_LINES} oudere open vragen")
    return Section("Escalaties naar het kernteam", tuple(lines), table)


def _hours(wall: float | None, work: float | None) -> str:
    if wall is None:
        return "–"
    return f"{fmt_number(wall)} uur ({fmt_number(work)} werkuren)"


def _open_row(e: OpenEscalation, tz: str) -> tuple[str, ...]:
    status = "opgepakt" if e.status == "claimed" else "niet opgepakt"
    label = f"#{e.number} (ondersteuning)" if e.kind == "ondersteuning" else f"#{e.number}"
    return (label, status, fmt_moment(e.created_at, tz),
            f"{fmt_age(e.age_hours)} ({fmt_number(e.age_working_hours)} werkuren)")


def _breakdown(counts: SignalCounts) -> str:
    if not counts.total:
        return "0"
    kinds = ", ".join(f"{tx_.label(tx_.KINDS, k).lower()} {n}" for k, n in counts.by_kind.items())
    provinces = ", ".join(f"{p} {n}" for p, n in counts.by_province.items())
    themes = ", ".join(f"{tx_.label(tx_.THEMES, t).lower()} {n}" for t, n in counts.by_theme.items())
    return f"{counts.total} ({kinds}) — provincie: {provinces} — thema: {themes}"


def signal_line(line: SignalLine) -> str:
    """'S4 Risico · Utrecht · hoog — Te weinig locaties (in behandeling)'."""
    return (f"S{line.id} {tx_.label(tx_.KINDS, line.kind)} · {line.province} · "
            f"{tx_.label(tx_.SEVERITIES, line.severity).lower()} — {line.title} "
            f"({tx_.label(tx_.SIGNAL_STATUSES, line.status)})")


def _signals(s: WeeklySummary) -> Section:
    lines = [f"Nieuw: {_breakdown(s.signals_new)}", f"Gewijzigd: {_breakdown(s.signals_changed)}"]
    lines += [f"Nieuw: {signal_line(x)}" for x in s.new_signals[:MAX_LINES]]
    lines += [f"Gewijzigd: {signal_line(x)}" for x in s.changed_signals[:MAX_LINES]]
    if s.escalated_signals:
        lines += [f"Geëscaleerd naar de LRT: {signal_line(x)}" for x in s.escalated_signals]
    else:
        lines.append("Geëscaleerd naar de LRT: geen")
    return Section("Signalen (kansen, risico's, issues)", tuple(lines))


def _plans(s: WeeklySummary) -> Section:
    rows = []
    for p in s.plans:
        milestone = p.next_milestone or "–"
        if p.milestone_date:
            milestone = f"{milestone} ({p.milestone_date})"
        rows.append((p.province, tx_.label(tx_.PLAN_STATES, p.state), "; ".join(p.changes) or "–", milestone))
    changed = s.plans_changed
    return Section("Provinciale plannen", (f"Deze week bijgewerkt: {changed} van 12",),
                   Table(("Provincie", "Status", "Deze week", "Volgende mijlpaal"), tuple(rows)))


def _gaps(s: WeeklySummary) -> Section:
    if not s.knowledge_gaps:
        return Section("Kennishiaten (waar geëscaleerde vragen over gingen)", ("Geen geëscaleerde vragen deze week.",))
    lines = []
    for g in s.knowledge_gaps:
        lines.append(f"{tx_.label(tx_.THEMES, g.theme)}: {g.count}")
        lines.extend(f"    {example}" for example in g.examples)
    return Section("Kennishiaten (waar geëscaleerde vragen over gingen)", tuple(lines))


# -- renderers -----------------------------------------------------------------------------------
def _md_escape(text: str) -> str:
    """Neutralise Markdown in plain text (tables: pipes; everywhere: emphasis, links, HTML)."""
    out = text.replace("\\", "\\\\")
    for ch in "|*_`[]<>#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def to_markdown(summary: WeeklySummary) -> str:
    parts = [f"# {_md_escape(title(summary))}", ""]
    if summary.is_quiet:
        parts += ["_Een rustige week: geen vragen, escalaties, signalen of planwijzigingen._", ""]
    for section in sections(summary):
        parts += [f"## {_md_escape(section.title)}", ""]
        for line in section.lines:
            indent = "  " if line.startswith("    ") else ""
            parts.append(f"{indent}- {_md_escape(line.strip())}")
        if section.lines:
            parts.append("")
        if section.table:
            parts.append("| " + " | ".join(_md_escape(h) for h in section.table.headers) + " |")
            parts.append("|" + "---|" * len(section.table.headers))
            parts += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in section.table.rows]
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def to_json(summary: WeeklySummary) -> str:
    return json.dumps(summary.to_json(), ensure_ascii=False, indent=2)


_CSS = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#1a1a1a}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}"
        "th{background:#154273;color:#fff}")


def to_html(summary: WeeklySummary, *, chart_png_base64: str | None = None) -> str:
    """A standalone HTML page (optionally with the chart inlined as a data URL)."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="nl"><head><meta charset="utf-8">',
             f"<title>{e(title(summary))}</title><style>{_CSS}</style></head><body>", f"<h1>{e(title(summary))}</h1>"]
    if chart_png_base64:
        parts.append(f'<p><img alt="Grafiek van week {e(summary.week)}" '
                     f'src="data:image/png;base64,{chart_png_base64}" style="max-width:100%"></p>')
    for section in sections(summary):
        parts.append(f"<h2>{e(section.title)}</h2>")
        if section.lines:
            parts.append("<ul>" + "".join(f"<li>{e(line.strip())}</li>" for line in section.lines) + "</ul>")
        if section.table:
            head = "".join(f"<th>{e(h)}</th>" for h in section.table.headers)
            body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in section.table.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


FORMATS = {"md": to_markdown, "json": to_json, "html": to_html}


def render(summary: WeeklySummary, fmt: str) -> str:
    """``fmt`` is one of md, json, html."""
    return FORMATS[fmt](summary)
