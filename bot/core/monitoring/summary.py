"""The weekly summary: last week's figures in one data object (:class:`WeeklySummary`).

Slack, the CLI (``loket summary``) and the tests all read the same object, rendered by
``bot.core.monitoring.summary_render`` (Markdown, JSON, HTML) or ``bot.slack.blocks_monitoring``.

A week is an ISO week in ``Europe/Amsterdam``: Monday 00:00 local time up to the next
Monday 00:00. Around a DST change that week is 167 or 169 hours long; the boundaries are
local midnights either way. Figures that change afterwards (an escalation answered
later, a plan moved on) are read back *as of the end of the week*, so producing the
summary of an old week on demand gives what the core team saw then.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.core.monitoring import taxonomy as tx_
from bot.core.escalations import KIND_SUPPORT
from bot.core.escalations.sla import WorkingHours, working_hours_between
from bot.core.monitoring.themes import classify_question
from bot.store.models import AuditEntry, Escalation, PlanChange, Question, Signal, SignalChange, as_utc
from bot.store.repo import Store

NOT_ASKED_KINDS = ("smalltalk", "empty", "ondersteuning")  # greetings, empty messages, support requests
EXAMPLES_PER_GAP = 3
EXAMPLE_CHARS = 140
WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


# -- weeks -------------------------------------------------------------------------------------
def parse_week(value: str) -> str:
    """Normalise '2026-W48' / '2026w48' to '2026-W48'; ValueError (Dutch) otherwise."""
    match = WEEK_RE.match((value or "").strip())
    if not match:
        raise ValueError(f"Onbekende week '{value}'; schrijf bijvoorbeeld 2026-W48.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} heeft geen week {week}.") from None
    return f"{year}-W{week:02d}"


def week_of(moment: datetime, tz: str) -> str:
    """The ISO week that contains ``moment`` in local time."""
    year, week, _ = moment.astimezone(ZoneInfo(tz)).isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(moment: datetime, tz: str) -> str:
    """The ISO week before the one containing ``moment`` (the one a Monday summary covers)."""
    local = moment.astimezone(ZoneInfo(tz)).date() - timedelta(days=7)
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(week: str, tz: str) -> tuple[datetime, datetime]:
    """UTC start (Monday 00:00 local) and end (next Monday 00:00 local) of ``week``."""
    year, number = (int(p) for p in parse_week(week).split("-W"))
    monday = date.fromisocalendar(year, number, 1)
    zone = ZoneInfo(tz)
    start = datetime.combine(monday, time(0), zone).astimezone(timezone.utc)
    end = datetime.combine(monday + timedelta(days=7), time(0), zone).astimezone(timezone.utc)
    return start, end


# -- the data object ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenEscalation:
    number: int
    status: str  # "open" (nobody has it) or "claimed"
    created_at: datetime
    age_hours: float
    age_working_hours: float
    claimed_by: str | None = None
    kind: str = "vraag"  # or "ondersteuning" (a request for practical support)


@dataclass(frozen=True)
class SignalLine:
    id: int
    kind: str
    province: str
    theme: str
    severity: str
    status: str
    title: str


@dataclass(frozen=True)
class PlanRow:
    province: str
    state: str  # at the end of the week
    state_before: str  # at the start of the week
    changes: tuple[str, ...] = ()  # Dutch descriptions of this week's changes
    next_milestone: str | None = None
    milestone_date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class GapGroup:
    theme: str
    count: int
    examples: tuple[str, ...] = ()  # "#12 Hoeveel …"


@dataclass(frozen=True)
class SignalCounts:
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_province: dict[str, int] = field(default_factory=dict)
    by_theme: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WeeklySummary:
    """Everything the weekly summary says, as numbers and short lines."""

    week: str
    start: date  # Monday
    end: date  # Sunday
    timezone: str
    generated_at: datetime
    questions_asked: int = 0
    answered_by_loket: int = 0
    escalations_opened: int = 0
    support_requests_opened: int = 0  # of escalations_opened: requests for practical support
    escalations_answered: int = 0
    open_escalations: tuple[OpenEscalation, ...] = ()
    median_answer_hours: float | None = None
    median_answer_working_hours: float | None = None
    feedback_helpful: int = 0
    feedback_unhelpful: int = 0
    signals_new: SignalCounts = SignalCounts()
    signals_changed: SignalCounts = SignalCounts()
    new_signals: tuple[SignalLine, ...] = ()
    changed_signals: tuple[SignalLine, ...] = ()
    escalated_signals: tuple[SignalLine, ...] = ()
    plans: tuple[PlanRow, ...] = ()
    knowledge_gaps: tuple[GapGroup, ...] = ()

    @property
    def answered_share(self) -> float | None:
        """Share of the questions Loket answered itself (None without questions)."""
        return self.answered_by_loket / self.questions_asked if self.questions_asked else None

    @property
    def escalations_still_open(self) -> int:
        return len(self.open_escalations)

    @property
    def plans_changed(self) -> int:
        return sum(1 for p in self.plans if p.changes)

    @property
    def is_quiet(self) -> bool:
        """Nothing happened at all this week."""
        return not (self.questions_asked or self.escalations_opened or self.escalations_answered
                    or self.signals_new.total or self.signals_changed.total or self.plans_changed)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types (dates ISO); the derived figures included."""
        data = _jsonable(asdict(self))
        data["answered_share"] = self.answered_share
        data["escalations_still_open"] = self.escalations_still_open
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


# -- building ----------------------------------------------------------------------------------
def build_summary(store: Store, week: str, *, tz: str = "Europe/Amsterdam", now: datetime | None = None,
                  hours: WorkingHours | None = None) -> WeeklySummary:
    """The summary of ISO ``week`` from the database (``now``: for a week still running)."""
    week = parse_week(week)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    hours = hours or WorkingHours(tz=tz)
    start, end = week_bounds(week, tz)
    cutoff = min(end, now)
    local_monday = start.astimezone(ZoneInfo(tz)).date()
    with store.tx() as tx:
        s = tx.session
        questions = _question_figures(s, start, end)
        escalations = _escalation_figures(s, start, end, cutoff, hours)
        signals = _signal_figures(s, start, end)
        plans = _plan_rows(s, start, end)
    return WeeklySummary(
        week=week, start=local_monday, end=local_monday + timedelta(days=6), timezone=tz, generated_at=now,
        **questions, **escalations, **signals, plans=plans,
    )


def _question_figures(s, start: datetime, end: datetime) -> dict[str, int]:
    in_week = (Question.created_at >= start, Question.created_at < end)
    asked_kind = func.coalesce(Question.answer_kind, "").not_in(NOT_ASKED_KINDS)
    asked = s.scalar(select(func.count(Question.id)).where(*in_week, asked_kind))
    answered = s.scalar(select(func.count(Question.id)).where(*in_week, asked_kind, Question.answered.is_(True)))
    feedback = dict(s.execute(
        select(Question.helpful, func.count(Question.id))
        .where(Question.feedback_at >= start, Question.feedback_at < end, Question.helpful.is_not(None))
        .group_by(Question.helpful)).all())
    return {"questions_asked": asked or 0, "answered_by_loket": answered or 0,
            "feedback_helpful": feedback.get(True, 0), "feedback_unhelpful": feedback.get(False, 0)}


def _first_answers(s, numbers: Iterable[int]) -> dict[int, datetime]:
    """When each escalation got its first core answer (the audit log keeps every reply;
    ``answered_at`` only the last)."""
    ids = [str(n) for n in numbers]
    found: dict[int, datetime] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        stmt = (select(AuditEntry.object_id, func.min(AuditEntry.at))
                .where(AuditEntry.object_type == "escalation", AuditEntry.action == "escalation.answer",
                       AuditEntry.result == "ok", AuditEntry.object_id.in_(chunk))
                .group_by(AuditEntry.object_id))
        found.update({int(oid): as_utc(at) for oid, at in s.execute(stmt)})
    return found


def _escalation_figures(s, start: datetime, end: datetime, cutoff: datetime, hours: WorkingHours) -> dict[str, Any]:
    rows = list(s.execute(
        select(Escalation, Question.text, Question.theme, Question.passages)
        .join(Question, Question.id == Escalation.question_id)
        .where(Escalation.created_at < end)
        .where((Escalation.status != "closed") | (Escalation.closed_at >= start) | (Escalation.created_at >= start)
               | (Escalation.answered_at >= start))))
    first = _first_answers(s, [e.id for e, *_ in rows])
    opened, answered_delays, answered_work, still_open, gaps = 0, [], [], [], defaultdict(list)
    support = 0
    for esc, text, theme, passages in rows:
        created = as_utc(esc.created_at)
        answered_at = min(filter(None, (first.get(esc.id), as_utc(esc.answered_at))), default=None)
        closed_at = as_utc(esc.closed_at)
        if start <= created < end and esc.kind == KIND_SUPPORT:
            opened, support = opened + 1, support + 1  # a request, not a gap in the knowledge base
        elif start <= created < end:
            opened += 1
            gap_theme = theme if theme in tx_.THEMES else classify_question(text, passages)
            gaps[gap_theme].append((esc.id, text))
        if answered_at is not None and start <= answered_at < end:
            answered_delays.append((answered_at - created).total_seconds() / 3600)
            answered_work.append(working_hours_between(created, answered_at, hours))
        if created < cutoff and (answered_at is None or answered_at >= cutoff) and (closed_at is None or closed_at >= cutoff):
            claimed = esc.claimed_at is not None and as_utc(esc.claimed_at) < cutoff
            still_open.append(OpenEscalation(
                number=esc.id, status="claimed" if claimed else "open", created_at=created,
                age_hours=round((cutoff - created).total_seconds() / 3600, 1),
                age_working_hours=round(working_hours_between(created, cutoff, hours), 1),
                claimed_by=esc.claimed_by if claimed else None, kind=esc.kind))
    return {
        "escalations_opened": opened,
        "support_requests_opened": support,
        "escalations_answered": len(answered_delays),
        "open_escalations": tuple(sorted(still_open, key=lambda e: (e.created_at, e.number))),
        "median_answer_hours": round(statistics.median(answered_delays), 1) if answered_delays else None,
        "median_answer_working_hours": round(statistics.median(answered_work), 1) if answered_work else None,
        "knowledge_gaps": _gap_groups(gaps),
    }


def _gap_groups(gaps: dict[str, list[tuple[int, str]]]) -> tuple[GapGroup, ...]:
    groups = []
    for theme, items in gaps.items():
        examples = tuple(f"#{n} {_short(text)}" for n, text in sorted(items)[:EXAMPLES_PER_GAP])
        groups.append(GapGroup(theme=theme, count=len(items), examples=examples))
    order = list(tx_.THEMES)
    return tuple(sorted(groups, key=lambda g: (-g.count, order.index(g.theme) if g.theme in order else 99)))


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1].rstrip() + "…"


def _line(row: Signal) -> SignalLine:
    return SignalLine(row.id, row.kind, row.province, row.theme, row.severity, row.status, row.title)


def _counts(rows: list[Signal]) -> SignalCounts:
    return SignalCounts(
        total=len(rows),
        by_kind=dict(Counter(r.kind for r in rows).most_common()),
        by_province=dict(Counter(r.province for r in rows).most_common()),
        by_theme=dict(Counter(r.theme for r in rows).most_common()),
    )


def _signal_figures(s, start: datetime, end: datetime) -> dict[str, Any]:
    new = list(s.scalars(select(Signal).where(Signal.created_at >= start, Signal.created_at < end).order_by(Signal.id)))
    new_ids = {r.id for r in new}
    changes = list(s.execute(select(SignalChange.signal_id, SignalChange.field)
                             .where(SignalChange.at >= start, SignalChange.at < end, SignalChange.field != "created")))
    changed_ids = {sid for sid, _ in changes} - new_ids
    lrt_ids = {sid for sid, name in changes if name == "lrt"}
    wanted = changed_ids | lrt_ids
    others = {r.id: r for r in s.scalars(select(Signal).where(Signal.id.in_(wanted)))} if wanted else {}
    others.update({r.id: r for r in new})
    changed = [others[i] for i in sorted(changed_ids)]
    return {
        "signals_new": _counts(new),
        "signals_changed": _counts(changed),
        "new_signals": tuple(_line(r) for r in new),
        "changed_signals": tuple(_line(r) for r in changed),
        "escalated_signals": tuple(_line(others[i]) for i in sorted(lrt_ids)),
    }


_PLAN_FIELD_LABELS = {"state": "status", "next_milestone": "mijlpaal", "milestone_date": "datum mijlpaal",
                      "note": "notitie"}


def _plan_rows(s, start: datetime, end: datetime) -> tuple[PlanRow, ...]:
    """The twelve provinces: values at the end of the week and this week's changes."""
    at_start: dict[str, dict[str, str | None]] = defaultdict(dict)
    at_end: dict[str, dict[str, str | None]] = defaultdict(dict)
    described: dict[str, list[str]] = defaultdict(list)
    for change in s.scalars(select(PlanChange).where(PlanChange.at < end).order_by(PlanChange.at, PlanChange.id)):
        at = as_utc(change.at)
        at_end[change.province][change.field] = change.new_value
        if at < start:
            at_start[change.province][change.field] = change.new_value
        else:
            described[change.province].append(_describe(change))
    rows = []
    for province in tx_.PROVINCES:
        values = at_end[province]
        rows.append(PlanRow(
            province=province,
            state=values.get("state") or tx_.PLAN_NOT_STARTED,
            state_before=at_start[province].get("state") or tx_.PLAN_NOT_STARTED,
            changes=tuple(described[province]),
            next_milestone=values.get("next_milestone"), milestone_date=values.get("milestone_date"),
            note=values.get("note"),
        ))
    return tuple(rows)


def _describe(change: PlanChange) -> str:
    name = _PLAN_FIELD_LABELS.get(change.field, change.field)
    if change.field == "state":
        old = tx_.label(tx_.PLAN_STATES, change.old_value or tx_.PLAN_NOT_STARTED)
        return f"{name}: {old} → {tx_.label(tx_.PLAN_STATES, change.new_value)}"
    return f"{name}: {change.new_value or '(leeg)'}"
