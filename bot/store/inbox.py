"""The inbox: incoming work stored before it is acknowledged, then processed exactly once.

A row in ``processed_events`` moves ``received -> processing -> done`` (or ``failed`` after
too many attempts):

* :meth:`Inbox.receive` inserts the row with the request's payload. The event id is the
  primary key, so a second delivery of the same event (a Slack retry, or the same event at
  two replicas at once) finds it there and is not processed again.
* :meth:`Inbox.begin` turns ``received`` into ``processing`` (an atomic conditional
  update): only one worker wins. The row gets a *lease* — a fencing token and an end
  time on the database's clock (:mod:`bot.store.dbclock`) — that the worker extends while
  it works (:meth:`Inbox.extend`, :mod:`bot.store.leases`). Work that outlives it (a
  crash, a SIGKILL, a lost database) is taken up again by :meth:`Inbox.lease_stale`, with
  a new token.
* :meth:`Inbox.finish` marks it ``done`` and erases the payload: message text is kept in
  the inbox only while it is being processed. ``finish``, ``release`` and ``extend``
  succeed only for the current token and say so: a worker whose lease was taken over
  learns it and stops.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.dbclock import db_after, db_now
from bot.store.leases import LEASE, new_token
from bot.store.models import ProcessedEvent, as_utc
from bot.store.repo import Store

log = logging.getLogger(__name__)

RECEIVED = "received"
PROCESSING = "processing"
DONE = "done"
FAILED = "failed"

GRACE = timedelta(seconds=10)  # a received row nobody began within this is picked up (a second begin loses)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class InboxItem:
    """A leased inbox row: what to process, which attempt this is and the lease's token.

    ``given_up`` items are not to be processed: they failed for good (the caller tells
    the asker), their payload is handed out this one last time.
    """

    key: str
    kind: str | None
    payload: dict[str, Any]
    attempts: int
    received_at: datetime | None = None
    token: str = ""
    given_up: bool = False


class Inbox:
    """Receive, lease and settle inbox rows on a :class:`Store`."""

    def __init__(self, store: Store, *, lease: timedelta = LEASE):
        self.store = store
        self.lease = lease

    def receive(self, key: str, *, kind: str, payload: dict[str, Any], now: datetime,
                thread_key: str | None = None, sort_key: str | None = None) -> bool:
        """Store an incoming request; False if ``key`` was stored before (a redelivery).

        ``thread_key``/``sort_key``: the thread a message was written in and its own ts;
        until it is settled, relays of later messages of that thread wait for it.
        """
        try:
            with self.store.tx() as tx:
                tx.session.add(ProcessedEvent(event_id=key, kind=kind, status=RECEIVED, payload=payload,
                                              attempts=0, lease_until=None, created_at=now,
                                              thread_key=thread_key, sort_key=sort_key))
        except IntegrityError:
            return False
        return True

    def begin(self, key: str, *, now: datetime) -> str | None:
        """Take a received row for processing; returns the lease's token, or None.

        A key that was never received (a request the receiving filter passed over) is
        inserted as processing, so the old claim-once behaviour holds for it too.
        """
        token = new_token()
        with self.store.tx() as tx:
            result = tx.session.execute(
                update(ProcessedEvent)
                .where(ProcessedEvent.event_id == key, ProcessedEvent.status == RECEIVED)
                .values(status=PROCESSING, attempts=ProcessedEvent.attempts + 1, lease_token=token,
                        lease_until=db_after(self._seconds))
            )
            if result.rowcount == 1:
                return token
        try:
            with self.store.tx() as tx:
                tx.session.add(ProcessedEvent(event_id=key, status=PROCESSING, attempts=1, lease_token=token,
                                              lease_until=db_after(self._seconds), created_at=now))
        except IntegrityError:
            return None
        return token

    @property
    def _seconds(self) -> float:
        return self.lease.total_seconds()

    def _held(self, key: str, token: str):
        return and_(ProcessedEvent.event_id == key, ProcessedEvent.status == PROCESSING,
                    ProcessedEvent.lease_token == token)

    def extend(self, key: str, token: str) -> bool:
        """Renew the lease (heartbeat); False when another worker has it now."""
        with self.store.tx() as tx:
            result = tx.session.execute(
                update(ProcessedEvent).where(self._held(key, token)).values(lease_until=db_after(self._seconds)))
            return result.rowcount == 1

    def finish(self, key: str, token: str, *, now: datetime, status: str = DONE) -> bool:
        """Settle a row (done or failed) and erase its payload; False if the lease was lost."""
        with self.store.tx(patient=True) as tx:  # settles done work: a lost write redoes it
            result = tx.session.execute(
                update(ProcessedEvent).where(self._held(key, token))
                .values(status=status, payload=None, lease_until=None, lease_token=None, finished_at=now)
            )
            return result.rowcount == 1

    def release(self, key: str, token: str, *, delay: timedelta = timedelta(0)) -> bool:
        """Give an unfinished row back, to be taken up again after ``delay``; False if lost."""
        with self.store.tx(patient=True) as tx:  # settles done work: a lost write redoes it
            result = tx.session.execute(
                update(ProcessedEvent).where(self._held(key, token))
                .values(lease_until=db_after(delay.total_seconds()), lease_token=None))
            return result.rowcount == 1

    def lease_stale(self, *, now: datetime, limit: int = 1, kinds: tuple[str, ...] | None = None,
                    exclude_kinds: tuple[str, ...] = ()) -> list[InboxItem]:
        """Rows nobody finished: received but never begun, or whose lease ran out.

        Each is leased again (attempt + 1, a new token); rows past MAX_ATTEMPTS are marked
        failed and returned with ``given_up`` (so the asker can be told). Locked rows are
        skipped on PostgreSQL, so replicas share the work; one row at a time by default,
        so a slow item does not hold others under a lease it cannot keep. ``kinds`` /
        ``exclude_kinds``: only rows of (not of) these kinds, so an adapter never leases (and
        uses up the attempts of) another platform's rows (``bot.core.delivery.platforms``).
        """
        stale = or_(
            and_(ProcessedEvent.status == RECEIVED, ProcessedEvent.created_at <= now - GRACE),
            and_(ProcessedEvent.status == PROCESSING, ProcessedEvent.lease_until <= db_now()),
        )
        if kinds is not None:
            stale = and_(stale, ProcessedEvent.kind.in_(kinds))
        if exclude_kinds:
            stale = and_(stale, or_(ProcessedEvent.kind.is_(None), ProcessedEvent.kind.not_in(exclude_kinds)))
        stmt = (
            select(ProcessedEvent).where(stale).order_by(ProcessedEvent.created_at).limit(limit)
            .with_for_update(skip_locked=True)
        )
        items: list[InboxItem] = []
        with self.store.tx() as tx:
            for row in tx.session.scalars(stmt):
                received_at = as_utc(row.created_at)
                if row.attempts >= MAX_ATTEMPTS or row.payload is None:
                    log.warning("inbox %s (%s) given up after %d attempt(s)", row.event_id, row.kind, row.attempts)
                    if row.payload is not None:
                        items.append(InboxItem(row.event_id, row.kind, dict(row.payload), row.attempts, received_at,
                                               given_up=True))
                    row.status, row.payload, row.lease_until, row.lease_token, row.finished_at = (
                        FAILED, None, None, None, now)
                    continue
                token = new_token()
                row.status, row.attempts, row.lease_token = PROCESSING, row.attempts + 1, token
                row.lease_until = db_after(self._seconds)
                items.append(InboxItem(row.event_id, row.kind, dict(row.payload), row.attempts, received_at, token))
        return items

    def status(self, key: str) -> str | None:
        """The row's status (tests, diagnostics)."""
        with self.store.read() as tx:
            row = tx.session.get(ProcessedEvent, key)
            return row.status if row else None

    def pending(self) -> int:
        """How many rows are not settled yet (metrics)."""
        with self.store.read() as tx:
            return tx.session.scalar(
                select(func.count()).select_from(ProcessedEvent)
                .where(ProcessedEvent.status.in_((RECEIVED, PROCESSING)))
            ) or 0
