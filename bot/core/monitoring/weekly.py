"""Once per ISO week: who posts the weekly summary, and whether it went out.

Every replica's scheduler asks :meth:`WeeklyRuns.claim` for the week that is due; the
``weekly_summaries`` row (primary key = the ISO week) lets exactly one of them post it.
The claim is a lease: a replica that dies half-way leaves a row in ``posting`` whose
lease runs out, and the next claimer continues where it stopped (``message_ts`` set
means the message is out and only the chart is missing; ``attempt`` > 1 tells the poster
to look in the channel before posting again). A posted week is never claimed again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core.monitoring.summary import previous_week
from bot.store.models import WeeklySummaryRun, as_utc
from bot.store.repo import Store

log = logging.getLogger(__name__)

POSTING, POSTED = "posting", "posted"
POST_WEEKDAY, POST_TIME = 0, time(9)  # Monday 09:00 local time
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 12


def due_week(now: datetime, tz: str) -> str | None:
    """The week whose summary is due at ``now``: last week, from Monday 09:00 on.

    Before Monday 09:00 nothing is due (last week's summary waits for 09:00; the one of
    the week before is history by then, so a fresh install never posts stale summaries).
    """
    local = now.astimezone(ZoneInfo(tz))
    monday = local.date() - timedelta(days=local.weekday())
    post_at = datetime.combine(monday + timedelta(days=POST_WEEKDAY), POST_TIME, ZoneInfo(tz))
    return previous_week(now, tz) if local >= post_at else None


def in_use_before(store: Store, moment: datetime) -> bool:
    """True if Loket had any question, signal or plan change before ``moment``.

    A week that ended before Loket was ever used has nothing to summarise: a fresh install
    (or a test database) does not post an empty summary of the week before it existed.
    """
    from sqlalchemy import exists

    from bot.store.models import PlanChange, Question, Signal

    checks = (exists().where(Question.created_at < moment), exists().where(Signal.created_at < moment),
              exists().where(PlanChange.at < moment))
    with store.tx() as tx:
        return any(tx.session.scalar(select(check)) for check in checks)


@dataclass(frozen=True)
class Claim:
    """The right to post ``week`` until ``lease_until``."""

    week: str
    attempt: int
    message_ts: str | None  # the summary message is out already (only the chart is missing)
    channel_id: str | None
    lease_until: datetime


class WeeklyRuns:
    """The ``weekly_summaries`` table: claim, progress, done."""

    def __init__(self, store: Store, owner: str):
        self.store = store
        self.owner = owner

    def claim(self, week: str, *, now: datetime, lease: timedelta = LEASE) -> Claim | None:
        """Take ``week`` if nobody posted it and nobody holds a live lease; else None."""
        try:
            with self.store.tx() as tx:
                stmt = select(WeeklySummaryRun).where(WeeklySummaryRun.iso_week == week).with_for_update()
                row = tx.session.scalar(stmt)
                if row is None:
                    row = WeeklySummaryRun(iso_week=week, claimed_by=self.owner, claimed_at=now, status=POSTING,
                                           lease_until=now + lease, attempts=1)
                    with tx.session.begin_nested():
                        tx.session.add(row)
                    return _claim(row)
                if row.status == POSTED or row.attempts >= MAX_ATTEMPTS:
                    return None
                if row.lease_until is not None and as_utc(row.lease_until) > now:
                    return None
                row.claimed_by, row.claimed_at, row.lease_until = self.owner, now, now + lease
                row.attempts += 1
                return _claim(row)
        except IntegrityError:  # another replica inserted the row a moment ago
            return None

    def message_posted(self, week: str, *, channel_id: str, ts: str) -> None:
        """The summary message is out (the chart may still follow)."""
        with self.store.tx() as tx:
            row = tx.session.get(WeeklySummaryRun, week)
            row.channel_id, row.message_ts = channel_id, ts

    def done(self, week: str, *, now: datetime, figures: dict[str, Any] | None = None) -> None:
        """The week is posted: never again."""
        with self.store.tx() as tx:
            row = tx.session.get(WeeklySummaryRun, week)
            row.status, row.posted_at, row.lease_until = POSTED, now, None
            row.figures = figures

    def failed(self, week: str, *, now: datetime, retry_in: timedelta = timedelta(minutes=5)) -> None:
        """Posting failed: any replica may try again after ``retry_in``."""
        with self.store.tx() as tx:
            row = tx.session.get(WeeklySummaryRun, week)
            if row is not None and row.status != POSTED:
                row.lease_until = now + retry_in
        log.warning("weekly summary %s: posting failed, retry in %s", week, retry_in)

    def status(self, week: str) -> str | None:
        """"posting", "posted" or None (never claimed)."""
        with self.store.tx() as tx:
            row = tx.session.get(WeeklySummaryRun, week)
            return row.status if row is not None else None


def _claim(row: WeeklySummaryRun) -> Claim:
    return Claim(week=row.iso_week, attempt=row.attempts, message_ts=row.message_ts, channel_id=row.channel_id,
                 lease_until=as_utc(row.lease_until))
