"""Monitoring in Slack: the core registers wired to Slack, and the messages they queue.

:class:`Monitoring` is what the monitoring listeners and jobs share (the adapter's
``Deps`` plus the signal/plan registers, SLA reminders and weekly claims on the same
store). Messages the core queues (a signal for the core channel, its escalation to the
LRT, SLA reminders) are rendered by :mod:`bot.slack.monitoring_notices`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from bot.core.delivery.jobs import owner_id
from bot.core.delivery.notices import Notice
from bot.core.escalations.reminders import Reminder, SlaReminders
from bot.core.monitoring.plans import PlanRegister
from bot.core.monitoring.registers import open_registers
from bot.core.monitoring.signals import SignalRegister, SignalView
from bot.core.escalations.sla import WorkingHours
from bot.core.monitoring.weekly import WeeklyRuns
from bot.settings import Settings
from bot.slack import blocks_monitoring as bm
from bot.slack import monitoring_notices as notices
from bot.slack.delivery import slack_error
from bot.slack.deps import Deps

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Monitoring:
    """Signals, plans, reminders and the weekly summary for one running Loket."""

    deps: Deps
    settings: Settings
    clock: Callable[[], datetime] = _utcnow
    signals: SignalRegister = field(init=False)
    plans: PlanRegister = field(init=False)
    reminders: SlaReminders = field(init=False)
    weekly: WeeklyRuns = field(init=False)

    def __post_init__(self) -> None:
        r = open_registers(self.deps.service.store, is_core=self.is_core, clock=self.clock,
                           sla_hours=self.settings.sla_hours, hours=self.working_hours, owner=owner_id())
        self.signals, self.plans, self.reminders, self.weekly = r.signals, r.plans, r.reminders, r.weekly

    @property
    def store(self):
        return self.deps.service.store

    @property
    def working_hours(self) -> WorkingHours:
        return WorkingHours(tz=self.settings.timezone)

    @property
    def core_channel(self) -> str | None:
        return self.settings.core_channel

    def is_core(self, user_id: str | None) -> bool:
        return bool(user_id) and self.deps.core_team.is_member(user_id)

    # -- what the core queues (see bot.slack.monitoring_notices) -------------------------------
    def signal_notice(self, view: SignalView) -> Notice | None:
        return notices.signal_notice(self.core_channel)(view)

    def lrt_notice(self, view: SignalView) -> Notice | None:
        return notices.lrt_notice(self.settings.lrt_channel)(view)

    @staticmethod
    def reminder_notice(reminder: Reminder) -> Notice | None:
        return notices.reminder_notice(reminder)

    # -- small Slack helpers ----------------------------------------------------------------
    def tell(self, channel: str | None, user: str, text: str, thread_ts: str | None = None) -> None:
        """A private note (escaped): ephemeral in ``channel``, else a DM from Loket."""
        message = bm.ephemeral(text)
        client = self.deps.delivery.client
        try:
            if channel:
                client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **message)
            else:
                client.chat_postMessage(channel=user, **message)
        except Exception as e:  # noqa: BLE001 - best effort
            log.info("private note to %s failed: %s", user, slack_error(e))

    def open_view(self, trigger_id: str | None, view: dict[str, Any]) -> bool:
        """The form, in the loading modal the acknowledgement opened (see :mod:`bot.slack.forms`)."""
        return self.deps.open_form(trigger_id, view)
        try:
            self.deps.delivery.client.views_open(trigger_id=trigger_id, view=view)
            return True
        except Exception as e:  # noqa: BLE001
            log.warning("views.open failed: %s", slack_error(e))
            return False

    def permalink(self, channel: str | None, ts: str | None) -> str | None:
        if not channel or not ts:
            return None
        try:
            return self.deps.delivery.client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
        except Exception as e:  # noqa: BLE001 - the signal is logged without a link
            log.info("no permalink for %s/%s: %s", channel, ts, slack_error(e))
            return None

    def send_queued(self) -> None:
        """Send what the core just queued (the retry loop would, a little later)."""
        try:
            self.deps.delivery.deliver_outbox()
        except Exception as e:  # noqa: BLE001
            log.warning("delivering the outbox failed: %s", slack_error(e))
