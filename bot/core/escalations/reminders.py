"""SLA follow-up: a reminder in the core thread of an escalation nobody has picked up.

An escalation still *open* (not claimed, not answered, not closed) ``sla_hours`` working
hours after it was opened gets a reminder in its core-channel thread; as long as it stays
open it gets another one every working day (``WorkingHours.day_hours`` working hours
after the previous one, so none at night or at weekends). Escalations that are not posted
yet have no thread to remind in and wait.

Recording the reminder and queueing its message happen in one transaction, with the
reminder's sequence number in the outbox dedupe key: two replicas ticking at once, or a
restart, never send the same reminder twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.core.escalations import OPEN
from bot.core.delivery.notices import Notice, Render, queue
from bot.core.escalations.sla import WorkingHours, add_working_hours, working_hours_between
from bot.store.models import Escalation, EscalationReminder, as_utc
from bot.store.repo import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    """What a reminder says: which escalation, the how-manieth reminder, how long it waits."""

    number: int
    count: int  # 1 for the first reminder
    core_channel_id: str
    core_ts: str
    created_at: datetime
    waiting_working_hours: float
    sla_hours: float


@dataclass
class SlaReminders:
    """Finds escalations past their SLA and queues their reminders."""

    store: Store
    sla_hours: float = 8.0
    hours: WorkingHours = WorkingHours()

    def next_due(self, created_at: datetime, last_sent_at: datetime | None) -> datetime:
        """When the next reminder is due: SLA after opening, then a working day after the last."""
        if last_sent_at is None:
            return add_working_hours(created_at, self.sla_hours, self.hours)
        return add_working_hours(last_sent_at, self.hours.day_hours, self.hours)

    def run(self, now: datetime, render: Render[Reminder]) -> list[Reminder]:
        """Queue every reminder due at ``now`` (``render`` makes the message); returns them."""
        sent = []
        for number in self._candidates():
            reminder = self._remind(number, now, render)
            if reminder is not None:
                sent.append(reminder)
        if sent:
            log.info("SLA: %d reminder(s) queued", len(sent))
        return sent

    def _candidates(self) -> list[int]:
        stmt = (select(Escalation.id)
                .where(Escalation.status == OPEN, Escalation.claimed_by.is_(None), Escalation.core_ts.is_not(None))
                .order_by(Escalation.id))
        with self.store.tx() as tx:
            return list(tx.session.scalars(stmt))

    def _remind(self, number: int, now: datetime, render: Render[Reminder]) -> Reminder | None:
        with self.store.tx() as tx:
            esc = tx.escalation(number, for_update=True)
            if esc.status != OPEN or esc.claimed_by is not None or esc.core_ts is None:
                return None  # picked up since the candidates were read
            row = tx.session.get(EscalationReminder, number)
            created = as_utc(esc.created_at)
            if now < self.next_due(created, as_utc(row.last_sent_at) if row else None):
                return None
            count = (row.count if row else 0) + 1
            reminder = Reminder(number=number, count=count, core_channel_id=esc.core_channel_id, core_ts=esc.core_ts,
                                created_at=created, waiting_working_hours=working_hours_between(created, now, self.hours),
                                sla_hours=self.sla_hours)
            notice: Notice | None = render(reminder)
            if not queue(tx, notice, dedupe_key=f"esc{number}:sla-reminder:{count}", now=now, escalation_id=number):
                return None
            if row is None:
                tx.session.add(EscalationReminder(escalation_id=number, count=count, last_sent_at=now))
            else:
                row.count, row.last_sent_at = count, now
        log.info("escalation #%s: SLA reminder %d queued", number, count)
        return reminder

    def reminders_sent(self, number: int) -> int:
        """How many reminders escalation #number got."""
        with self.store.tx() as tx:
            row = tx.session.get(EscalationReminder, number)
            return row.count if row else 0
