"""The monitoring registers for one Teams runtime (signals, plans, SLA reminders, weekly runs).

The same core classes as Slack's :class:`bot.slack.monitoring.Monitoring`, on the same
store, with the Teams core team deciding who may change what.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.escalations.reminders import SlaReminders
from bot.core.monitoring.plans import PlanRegister
from bot.core.monitoring.registers import open_registers
from bot.core.monitoring.signals import SignalRegister
from bot.core.escalations.sla import WorkingHours
from bot.core.monitoring.weekly import WeeklyRuns

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

PLATFORM = "teams"  # the weekly summary's claim key suffix (bot.core.monitoring.weekly_job)


@dataclass
class TeamsMonitoring:
    rt: "TeamsRuntime"
    signals: SignalRegister = field(init=False)
    plans: PlanRegister = field(init=False)
    reminders: SlaReminders = field(init=False)
    weekly: WeeklyRuns = field(init=False)

    def __post_init__(self) -> None:
        r = open_registers(self.rt.service.store, is_core=self.is_core, clock=self.rt.clock,
                           sla_hours=self.rt.settings.sla_hours, hours=self.working_hours,
                           owner=f"{socket.gethostname()}:{os.getpid()}:teams")
        self.signals, self.plans, self.reminders, self.weekly = r.signals, r.plans, r.reminders, r.weekly

    @property
    def store(self):
        return self.rt.service.store

    @property
    def working_hours(self) -> WorkingHours:
        return WorkingHours(tz=self.rt.settings.timezone)

    def is_core(self, user_id: str | None) -> bool:
        return bool(user_id) and self.rt.core_team.is_member(user_id)
