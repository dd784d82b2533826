"""Working-hours arithmetic for the escalation SLA (Mon–Fri 09:00–17:00, Europe/Amsterdam).

The core team answers in office hours, so "8 hours" means one working day: a question
escalated on Friday at 16:00 is due on Monday at 16:00, not on Saturday at midnight.
Working windows are built from *local* wall-clock times and converted to UTC per day, so
a DST change (the last Sunday of March and October) shifts nothing: 09:00 stays 09:00.
All inputs and outputs are timezone-aware datetimes; the results are UTC.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

HOUR = timedelta(hours=1)
MAX_DAYS = 366 * 10  # a guard against endless loops on absurd inputs


@dataclass(frozen=True)
class WorkingHours:
    """The office hours of the core team."""

    tz: str = "Europe/Amsterdam"
    start: time = time(9)
    end: time = time(17)
    workdays: frozenset[int] = frozenset(range(5))  # Monday=0 … Friday=4

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def day_hours(self) -> float:
        """Hours in one working day (8 for 09:00–17:00): "daily" in working time."""
        return (datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)) / HOUR

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC start and end of the working window on local ``day`` (None: no work)."""
        if day.weekday() not in self.workdays:
            return None
        start = datetime.combine(day, self.start, self.zone).astimezone(timezone.utc)
        end = datetime.combine(day, self.end, self.zone).astimezone(timezone.utc)
        return start, end

    def windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows (UTC) that end after ``moment``, in order."""
        day = moment.astimezone(self.zone).date()
        for offset in range(MAX_DAYS):
            window = self.window(day + timedelta(days=offset))
            if window is not None and window[1] > moment:
                yield window


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working-hours arithmetic needs timezone-aware datetimes")
    return moment.astimezone(timezone.utc)


def working_hours_between(start: datetime, end: datetime, hours: WorkingHours = WorkingHours()) -> float:
    """Working hours from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    start, end = _aware(start), _aware(end)
    total = timedelta()
    for w_start, w_end in hours.windows_from(start):
        if w_start >= end:
            break
        total += min(w_end, end) - max(w_start, start)
    return total / HOUR


def add_working_hours(start: datetime, amount: float, hours: WorkingHours = WorkingHours()) -> datetime:
    """The moment ``amount`` working hours after ``start`` (UTC).

    Starting outside office hours counts from the next opening; a deadline that lands
    exactly on closing time stays there (17:00, not 09:00 the next working day).
    """
    start = _aware(start)
    if amount <= 0:
        return start
    left = timedelta(hours=amount)
    for w_start, w_end in hours.windows_from(start):
        begin = max(w_start, start)
        available = w_end - begin
        if left <= available:
            return begin + left
        left -= available
    raise ValueError("no working hours found")  # pragma: no cover - only with no workdays at all
