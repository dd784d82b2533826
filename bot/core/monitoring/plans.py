"""The provincial plans: per province the state of its plan, next milestone and a note.

A province without a row is "niet gestart". Every change is kept in ``plan_changes``
(who, when, field, old and new value) and in the audit log; ``state_at`` reads the
history back, so the weekly summary shows the state at the end of *that* week even when
it is produced later.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import Callable, NamedTuple

from sqlalchemy import select

from bot.core.privacy import audit
from bot.core.monitoring import taxonomy as tx_
from bot.core.service import NotAllowed
from bot.store.models import PlanChange, ProvincialPlan, as_utc
from bot.store.repo import Store

log = logging.getLogger(__name__)

NOTE_MAX = 1000
MILESTONE_MAX = 300


@dataclass(frozen=True)
class PlanChangeView:
    province: str
    at: datetime
    actor: str | None
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class PlanView:
    """One province's plan (``updated_at`` None: never recorded, so "niet gestart")."""

    province: str
    state: str = tx_.PLAN_NOT_STARTED
    next_milestone: str | None = None
    milestone_date: date | None = None
    note: str | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None
    history: tuple[PlanChangeView, ...] = ()


class PlanLine(NamedTuple):
    """The parts of a plan's one-line summary, in their order, as plain text: Slack and Teams
    only mark them up ("Utrecht — Concept · mijlpaal: GS-besluit (2026-12-15) · … · bijgewerkt 2026-12-03")."""

    province: str
    state: str  # the state's label
    milestone: str | None  # "mijlpaal: GS-besluit (2026-12-15)"
    note: str | None
    updated: str | None  # "bijgewerkt 2026-12-03"


def plan_line(p: PlanView) -> PlanLine:
    """What a plan's summary line says; the adapters add escaping, emphasis and mentions."""
    milestone = None
    if p.next_milestone or p.milestone_date:
        when = f" ({p.milestone_date.isoformat()})" if p.milestone_date else ""
        milestone = f"mijlpaal: {p.next_milestone or ''}{when}".rstrip()
    updated = f"bijgewerkt {p.updated_at.date().isoformat()}" if p.updated_at else None
    return PlanLine(p.province, tx_.label(tx_.PLAN_STATES, p.state), milestone, p.note, updated)


class PlanError(ValueError):
    """A value the plan register refuses (Dutch message)."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _text(value: str | None, limit: int, what: str) -> str | None:
    value = " ".join((value or "").split()) or None
    if value and len(value) > limit:
        raise PlanError(f"{what} is te lang (maximaal {limit} tekens).")
    return value


class PlanRegister:
    """Read and change the twelve provincial plans."""

    def __init__(self, store: Store, *, is_core: Callable[[str], bool], clock: Callable[[], datetime] = _utcnow):
        self.store = store
        self.is_core = is_core
        self.clock = clock

    def all(self) -> list[PlanView]:
        """The twelve provinces in the usual order, each with its current plan."""
        with self.store.tx() as tx:
            rows = {r.province: r for r in tx.session.scalars(select(ProvincialPlan))}
        return [_view(rows.get(p)) if p in rows else PlanView(province=p) for p in tx_.PROVINCES]

    def get(self, province: str) -> PlanView:
        """One province's plan with its history (``province`` as typed by a user)."""
        key = tx_.parse_province(province)
        with self.store.tx() as tx:
            row = tx.session.get(ProvincialPlan, key)
            stmt = select(PlanChange).where(PlanChange.province == key).order_by(PlanChange.at, PlanChange.id)
            history = tuple(_change_view(c) for c in tx.session.scalars(stmt))
        view = _view(row) if row is not None else PlanView(province=key)
        return replace(view, history=history)

    def set(self, province: str, *, user_id: str, state: str | None = None, next_milestone: str | None = None,
            milestone_date: date | None | str = None, note: str | None = None) -> PlanView:
        """Change a plan (core team only). None leaves a field as it is; "" clears a text field."""
        key = tx_.parse_province(province)
        now = self.clock().astimezone(timezone.utc)
        if not self.is_core(user_id):
            with self.store.tx() as tx:
                audit.append(tx.session, actor=user_id, action="plan.change", object_type="plan", object_id=key,
                             result=audit.RESULT_DENIED, now=now)
            raise NotAllowed("Alleen het kernteam kan een provinciaal plan bijwerken.")
        wanted = _wanted(state, next_milestone, milestone_date, note)
        with self.store.tx() as tx:
            row = tx.session.scalar(select(ProvincialPlan).where(ProvincialPlan.province == key).with_for_update())
            if row is None:
                row = ProvincialPlan(province=key, state=tx_.PLAN_NOT_STARTED, updated_at=now)
                tx.session.add(row)
                tx.session.flush()
            changed = []
            for name, value in wanted.items():
                old = _stored(row, name)
                if old != value:
                    tx.session.add(PlanChange(province=key, at=now, actor=user_id, field=name,
                                              old_value=old, new_value=value))
                    _assign(row, name, value)
                    changed.append(name)
            if changed:
                row.updated_by, row.updated_at = user_id, now
                audit.append(tx.session, actor=user_id, action="plan.change", object_type="plan", object_id=key,
                             result=audit.RESULT_OK, detail=",".join(changed), now=now)
            view = _view(row)
        log.info("plan %s changed: %s", key, ",".join(changed) or "nothing")
        return view

    def changes_between(self, start: datetime, end: datetime) -> list[PlanChangeView]:
        """Every plan change in ``[start, end)``, oldest first."""
        stmt = (select(PlanChange).where(PlanChange.at >= start, PlanChange.at < end)
                .order_by(PlanChange.at, PlanChange.id))
        with self.store.tx() as tx:
            return [_change_view(c) for c in tx.session.scalars(stmt)]

    def states_at(self, moment: datetime) -> dict[str, str]:
        """Each province's plan state at ``moment``, read back from the history."""
        stmt = select(PlanChange).where(PlanChange.field == "state").order_by(PlanChange.at, PlanChange.id)
        states = {p: tx_.PLAN_NOT_STARTED for p in tx_.PROVINCES}
        with self.store.tx() as tx:
            for change in tx.session.scalars(stmt):
                if as_utc(change.at) < moment:
                    states[change.province] = change.new_value or tx_.PLAN_NOT_STARTED
        return states


def _wanted(state, next_milestone, milestone_date, note) -> dict[str, str | None]:
    """The requested changes as stored strings (dates ISO), validated."""
    wanted: dict[str, str | None] = {}
    if state is not None:
        wanted["state"] = tx_.parse_plan_state(state)
    if next_milestone is not None:
        wanted["next_milestone"] = _text(next_milestone, MILESTONE_MAX, "De mijlpaal")
    if milestone_date is not None:
        wanted["milestone_date"] = _parse_date(milestone_date)
    if note is not None:
        wanted["note"] = _text(note, NOTE_MAX, "De notitie")
    return wanted


def _parse_date(value: date | str) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise PlanError(f"Onbekende datum '{value}'; schrijf bijvoorbeeld 2026-12-15.") from None


def _stored(row: ProvincialPlan, name: str) -> str | None:
    value = getattr(row, name)
    if name == "milestone_date":
        return as_utc(value).date().isoformat() if value else None
    return value


def _assign(row: ProvincialPlan, name: str, value: str | None) -> None:
    if name == "milestone_date":
        value = datetime.combine(date.fromisoformat(value), datetime.min.time(), timezone.utc) if value else None
    setattr(row, name, value)


def _view(row: ProvincialPlan) -> PlanView:
    milestone = as_utc(row.milestone_date)
    return PlanView(province=row.province, state=row.state, next_milestone=row.next_milestone,
                    milestone_date=milestone.date() if milestone else None, note=row.note,
                    updated_by=row.updated_by, updated_at=as_utc(row.updated_at))


def _change_view(c: PlanChange) -> PlanChangeView:
    return PlanChangeView(c.province, as_utc(c.at), c.actor, c.field, c.old_value, c.new_value)
