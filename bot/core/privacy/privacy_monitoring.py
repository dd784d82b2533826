"""Privacy hooks for the monitoring tables: signals (with their history) and provincial
plans (with theirs). See :mod:`bot.core.privacy`.

Forgetting a person:

* their id as creator, owner, LRT escalator or actor of a change becomes the pseudonym;
* a signal logged from their message ("Log als signaal", ``source_user_id``) quotes it:
  its title and description are replaced, the link to the message goes;
* free text that quotes them as asker: a signal drafted from their escalation carries
  their question in its title and description ("Vraag #N: …"); that text is replaced,
  also in the signal's history. Mentions of them (``<@U…>``) in any signal text go too.

Retention leaves the register alone: signals and plans are the core team's account of the
provinces, not conversations; people in it are erased on request.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.core.privacy import PSEUDONYM, Counts, PrivacyHook, register_hook
from bot.store.models import Escalation, PlanChange, ProvincialPlan, Signal, SignalChange, SignalEscalation, as_utc

ERASED_TEXT = "[verwijderd op verzoek]"
TEXT_FIELDS = ("title", "description")


def _scrub(text: str | None, user_id: str) -> str | None:
    if not text:
        return text
    return text.replace(f"<@{user_id}>", f"@{PSEUDONYM}").replace(user_id, PSEUDONYM)


def _count(result) -> int:
    return max(result.rowcount or 0, 0)


def forget(session: Session, user_id: str, now: datetime) -> Counts:
    """Erase ``user_id`` from the monitoring tables (see module docstring)."""
    asked = select(Escalation.id).where(Escalation.asker_user_id == user_id)
    links = session.execute(select(SignalEscalation.signal_id, SignalEscalation.escalation_id)
                            .where(SignalEscalation.escalation_id.in_(asked))).all()
    quoted = [s for s, n in links if _drafted_from(session, s, n)]
    counts: Counts = {"signal_texts": 0, "signal_history_texts": 0}
    for signal in session.scalars(select(Signal).where(Signal.id.in_(quoted))):
        signal.title = _drafted_title(signal.title)
        signal.description = ERASED_TEXT
        counts["signal_texts"] += 1
    if quoted:
        counts["signal_history_texts"] = _count(session.execute(
            update(SignalChange).where(SignalChange.signal_id.in_(quoted), SignalChange.field.in_(TEXT_FIELDS + ("created",)))
            .values(old_value=None, new_value=ERASED_TEXT), execution_options={"synchronize_session": False}))
    counts["signal_from_message"] = _forget_logged_messages(session, user_id)
    counts["signal_mentions"] = _scrub_mentions(session, user_id)
    counts["signal_people"] = sum(
        _count(session.execute(update(Signal).where(column == user_id).values({column.key: PSEUDONYM}),
                               execution_options={"synchronize_session": False}))
        for column in (Signal.created_by, Signal.owner, Signal.lrt_escalated_by))
    counts["history_actor"] = sum(
        _count(session.execute(update(model).where(model.actor == user_id).values(actor=PSEUDONYM),
                               execution_options={"synchronize_session": False}))
        for model in (SignalChange, PlanChange))
    counts["plans"] = _count(session.execute(
        update(ProvincialPlan).where(ProvincialPlan.updated_by == user_id).values(updated_by=PSEUDONYM),
        execution_options={"synchronize_session": False}))
    return counts


def _forget_logged_messages(session: Session, user_id: str) -> int:
    """Signals logged from the person's message: the quoted text and the link go."""
    changed = 0
    for signal in session.scalars(select(Signal).where(Signal.source_user_id == user_id)):
        signal.title, signal.description = ERASED_TEXT, ERASED_TEXT
        signal.source_user_id = PSEUDONYM
        signal.source_channel_id = signal.source_ts = signal.source_permalink = None
        changed += 1
    if changed:
        session.flush()
        ids = select(Signal.id).where(Signal.source_user_id == PSEUDONYM, Signal.title == ERASED_TEXT)
        session.execute(update(SignalChange).where(SignalChange.signal_id.in_(ids), SignalChange.field.in_(
            TEXT_FIELDS + ("created",))).values(old_value=None, new_value=ERASED_TEXT),
            execution_options={"synchronize_session": False})
    return changed


def _drafted_from(session: Session, signal_id: int, number: int) -> bool:
    """True when the signal was drafted from escalation #number (it quotes its question)."""
    title = session.scalar(select(Signal.title).where(Signal.id == signal_id)) or ""
    return title.startswith(f"Vraag #{number}:")


def _drafted_title(title: str) -> str:
    """Keep "Vraag #N:" of a title drafted from an escalation, drop the question."""
    head, sep, _ = title.partition(":")
    return f"{head}: {ERASED_TEXT}" if sep and head.startswith("Vraag #") else ERASED_TEXT


def _scrub_mentions(session: Session, user_id: str) -> int:
    """Mentions of the person in any signal text or change value."""
    changed = 0
    for signal in session.scalars(select(Signal).where(or_(Signal.title.contains(user_id), Signal.description.contains(user_id)))):
        signal.title, signal.description = _scrub(signal.title, user_id), _scrub(signal.description, user_id)
        changed += 1
    for change in session.scalars(select(SignalChange).where(or_(SignalChange.old_value.contains(user_id),
                                                                 SignalChange.new_value.contains(user_id)))):
        change.old_value, change.new_value = _scrub(change.old_value, user_id), _scrub(change.new_value, user_id)
        changed += 1
    return changed


def export(session: Session, user_id: str) -> dict[str, Any]:
    """Signals the person created or owns, and the changes they made."""
    signals = session.scalars(select(Signal).where(or_(Signal.created_by == user_id, Signal.owner == user_id,
                                                       Signal.source_user_id == user_id)).order_by(Signal.id))
    changes = session.scalars(select(SignalChange).where(SignalChange.actor == user_id).order_by(SignalChange.id))
    plans = session.scalars(select(PlanChange).where(PlanChange.actor == user_id).order_by(PlanChange.id))
    return {
        "signals": [{"id": s.id, "title": s.title, "role": _role(s, user_id),
                     "created_at": as_utc(s.created_at).isoformat()} for s in signals],
        "signal_changes": [{"signal_id": c.signal_id, "field": c.field, "at": as_utc(c.at).isoformat()} for c in changes],
        "plan_changes": [{"province": c.province, "field": c.field, "at": as_utc(c.at).isoformat()} for c in plans],
    }


def _role(signal: Signal, user_id: str) -> str:
    if signal.created_by == user_id:
        return "maker"
    return "eigenaar" if signal.owner == user_id else "schrijver van het bericht"


# before the core hook: it needs to know whose escalations they were
register_hook(PrivacyHook("monitoring", forget=forget, export=export, order=50))
