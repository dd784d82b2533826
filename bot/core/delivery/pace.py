"""The per-channel posting pace, shared by all replicas through the database.

A platform allows about one post per second per channel (Slack; Teams per conversation).
With one limiter per process, two replicas together post twice as fast and get 429s. :class:`SharedChannelPace`
keeps the token bucket of every channel in one row (``channel_pace.next_free_at``, on the
database's clock), taken with a row lock, so all replicas share one bucket per channel.
It has the interface of :class:`bot.core.delivery.ratelimit.ChannelRateLimiter` (``reserve``,
``delay``, ``acquire``); when the database cannot be asked it falls back to that
in-process limiter (posting must not stop because the pace table is unavailable).
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.core.delivery.ratelimit import DEFAULT_BURST, DEFAULT_RATE, ChannelRateLimiter, Pacer
from bot.store.dbclock import read_db_now
from bot.store.models import ChannelPace, as_utc
from bot.store.repo import Store, Tx

log = logging.getLogger(__name__)


def channel_pacer(store: Store | None, rate: float, burst: int) -> Pacer:
    """The pace for a platform's posts: shared by all replicas on a PostgreSQL ``store``;
    in this process on SQLite (one machine, where every write competes for one lock) or
    without a store."""
    if store is not None and store.engine.dialect.name != "sqlite":
        return SharedChannelPace(store, rate, burst)
    return ChannelRateLimiter(rate, burst)


class SharedChannelPace(Pacer):
    """Token buckets per channel in the database (see module docstring); thread-safe."""

    def __init__(self, store: Store, rate: float = DEFAULT_RATE, burst: int = DEFAULT_BURST, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.store = store
        self.local = ChannelRateLimiter(rate, burst, sleep=sleep)
        self.rate, self.burst, self.sleep = rate, burst, sleep

    @property
    def _interval(self) -> timedelta:
        return timedelta(seconds=1.0 / self.rate)

    def reserve(self, channel: str) -> float:
        """Take a slot for ``channel``; returns how long the caller must wait for it."""
        try:
            with self.store.tx() as tx:
                now = read_db_now(tx.session)
                row = self._row(tx, channel, now)
                debt_until = max(as_utc(row.next_free_at), now)
                start = max(now, debt_until - (self.burst - 1) * self._interval)
                row.next_free_at = debt_until + self._interval
                return (start - now).total_seconds()
        except SQLAlchemyError as e:
            log.warning("shared pace unavailable (%s); pacing in this process only", type(e).__name__)
            return self.local.reserve(channel)

    def delay(self, channel: str | None) -> float:
        """How long a post to ``channel`` would wait now (without taking a slot)."""
        if not channel:
            return 0.0
        try:
            with self.store.read() as tx:
                now = read_db_now(tx.session)
                next_free = tx.session.scalar(select(ChannelPace.next_free_at).where(ChannelPace.channel_id == channel))
        except SQLAlchemyError:
            return self.local.delay(channel)
        if next_free is None:
            return 0.0
        debt_until = max(as_utc(next_free), now)
        return max(0.0, (debt_until - (self.burst - 1) * self._interval - now).total_seconds())

    @staticmethod
    def _row(tx: Tx, channel: str, now: datetime) -> ChannelPace:
        """The channel's row, locked (created on its first post)."""
        stmt = select(ChannelPace).where(ChannelPace.channel_id == channel).with_for_update()
        row = tx.session.scalar(stmt)
        if row is not None:
            return row
        try:
            with tx.session.begin_nested():
                tx.session.add(ChannelPace(channel_id=channel, next_free_at=now))
        except IntegrityError:  # another replica created it first
            pass
        return tx.session.scalar(stmt)
