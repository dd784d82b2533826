"""The monitoring registers one running adapter works with, opened in one place.

Slack and Teams each hold the same four core objects on the shared store (signals, plans,
SLA reminders, weekly-summary runs); only who counts as core team, the clock and the
owner name of the weekly runs differ. Opening them here keeps the two adapters from
drifting apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from bot.core.escalations.reminders import SlaReminders
from bot.core.escalations.sla import WorkingHours
from bot.core.monitoring.plans import PlanRegister
from bot.core.monitoring.signals import SignalRegister
from bot.core.monitoring.weekly import WeeklyRuns
from bot.store.repo import Store


@dataclass(frozen=True)
class Registers:
    signals: SignalRegister
    plans: PlanRegister
    reminders: SlaReminders
    weekly: WeeklyRuns


def open_registers(store: Store, *, is_core: Callable[[str | None], bool], clock: Callable[[], datetime],
                   sla_hours: float, hours: WorkingHours, owner: str) -> Registers:
    """The four registers on ``store``; ``is_core`` decides who may change signals and plans."""
    return Registers(
        signals=SignalRegister(store, is_core=is_core, clock=clock),
        plans=PlanRegister(store, is_core=is_core, clock=clock),
        reminders=SlaReminders(store, sla_hours=sla_hours, hours=hours),
        weekly=WeeklyRuns(store, owner=owner),
    )
