"""The inbox: incoming work stored before it is acknowledged, then processed exactly once.

A row in ``processed_events`` moves ``received -> processing -> done`` (or ``failed`` after
too many attempts):

* :meth:`Inbox.receive` inserts the row with the request's payload. The event id is the
  primary key, so a second delivery of the same event (a Slack retry, or the same event at
  two replicas at once) finds it there and is not processed again.
* :meth:`Inbox.begin` turns ``received`` into ``processing`` (an atomic conditional
  update): only one worker wins. The row gets a lease; work that outlives it (a crash, a
  SIGKILL, a lost database) is taken up again by :meth:`Inbox.lease_stale`.
* :meth:`Inbox.finish` marks it ``done`` and erases the payload: message text is kept in
  the inbox only while it is being processed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.models import ProcessedEvent, as_utc
from bot.store.repo import Store

log = logging.getLogger(__name__)

RECEIVED = "received"
PROCESSING = "processing"
DONE = "done"
FAILED = "failed"

LEASE = timedelta(minutes=2)  # how long one attempt may take before another worker may retry
GRACE = timedelta(seconds=20)  # a received row nobody began within this is picked up
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class InboxItem:
    """A leased inbox row: what to process, and which attempt this is."""

    key: str
    kind: str | None
    payload: dict[str, Any]
    attempts: int
    received_at: datetime | None = None


class Inbox:
    """Receive, lease and settle inbox rows on a :class:`Store`."""

    def __init__(self, store: Store):
        self.store = store

    def receive(self, key: str, *, kind: str, payload: dict[str, Any], now: datetime) -> bool:
        """Store an incoming request; False if ``key`` was stored before (a redelivery)."""
        try:
            with self.store.tx() as tx:
                tx.session.add(ProcessedEvent(event_id=key, kind=kind, status=RECEIVED, payload=payload,
                                              attempts=0, lease_until=None, created_at=now))
        except IntegrityError:
            return False
        return True

    def begin(self, key: str, *, now: datetime) -> int | None:
        """Take a received row for processing; returns the attempt number, or None.

        A key that was never received (a request the receiving filter passed over) is
        inserted as processing, so the old claim-once behaviour holds for it too.
        """
        with self.store.tx() as tx:
            result = tx.session.execute(
                update(ProcessedEvent)
                .where(ProcessedEvent.event_id == key, ProcessedEvent.status == RECEIVED)
                .values(status=PROCESSING, attempts=ProcessedEvent.attempts + 1, lease_until=now + LEASE)
            )
            if result.rowcount == 1:
                return 1
        try:
            with self.store.tx() as tx:
                tx.session.add(ProcessedEvent(event_id=key, status=PROCESSING, attempts=1, lease_until=now + LEASE,
                                              created_at=now))
        except IntegrityError:
            return None
        return 1

    def finish(self, key: str, *, now: datetime, status: str = DONE) -> None:
        """Settle a row (done or failed) and erase its payload."""
        with self.store.tx() as tx:
            tx.session.execute(
                update(ProcessedEvent)
                .where(ProcessedEvent.event_id == key, ProcessedEvent.status.in_((RECEIVED, PROCESSING)))
                .values(status=status, payload=None, lease_until=None, finished_at=now)
            )

    def release(self, key: str, *, retry_at: datetime) -> None:
        """Give an unfinished row back, to be taken up again from ``retry_at``."""
        with self.store.tx() as tx:
            tx.session.execute(
                update(ProcessedEvent)
                .where(ProcessedEvent.event_id == key, ProcessedEvent.status == PROCESSING)
                .values(lease_until=retry_at)
            )

    def lease_stale(self, *, now: datetime, limit: int = 20) -> list[InboxItem]:
        """Rows nobody finished: received but never begun, or whose lease ran out.

        Each is leased again (attempt + 1); rows past MAX_ATTEMPTS are marked failed.
        Locked rows are skipped on PostgreSQL, so replicas share the work.
        """
        stale = or_(
            and_(ProcessedEvent.status == RECEIVED, ProcessedEvent.created_at <= now - GRACE),
            and_(ProcessedEvent.status == PROCESSING, ProcessedEvent.lease_until <= now),
        )
        stmt = (
            select(ProcessedEvent).where(stale).order_by(ProcessedEvent.created_at).limit(limit)
            .with_for_update(skip_locked=True)
        )
        items: list[InboxItem] = []
        with self.store.tx() as tx:
            for row in tx.session.scalars(stmt):
                if row.attempts >= MAX_ATTEMPTS or row.payload is None:
                    log.warning("inbox %s (%s) given up after %d attempt(s)", row.event_id, row.kind, row.attempts)
                    row.status, row.payload, row.lease_until, row.finished_at = FAILED, None, None, now
                    continue
                row.status, row.attempts, row.lease_until = PROCESSING, row.attempts + 1, now + LEASE
                items.append(InboxItem(row.event_id, row.kind, dict(row.payload), row.attempts, as_utc(row.created_at)))
        return items

    def status(self, key: str) -> str | None:
        """The row's status (tests, diagnostics)."""
        with self.store.tx() as tx:
            row = tx.session.get(ProcessedEvent, key)
            return row.status if row else None

    def pending(self) -> int:
        """How many rows are not settled yet (metrics)."""
        with self.store.tx() as tx:
            return tx.session.scalar(
                select(func.count()).select_from(ProcessedEvent)
                .where(ProcessedEvent.status.in_((RECEIVED, PROCESSING)))
            ) or 0
