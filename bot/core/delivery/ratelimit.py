"""A per-channel rate limiter for posting: chat platforms allow about one message per second
per channel or conversation (short bursts tolerated) and answer more with HTTP 429. Not tied
to a platform: Slack's clients use it (:mod:`bot.slack.client`); the outbox drainer asks
its ``delay`` (:mod:`bot.core.delivery.drain`).

A token bucket per channel: ``burst`` posts may go at once, after that one every
``1 / rate`` seconds. ``acquire`` blocks the calling thread until its turn (a listener
thread waits for its own channel only; no lock is held while it sleeps; the background
loop asks ``delay`` first and leaves a busy channel for its next round). This limiter
lives in the process; a runtime with a database shares the pace between replicas with
:class:`bot.core.delivery.pace.SharedChannelPace` (same interface), and the platform's 429 +
``Retry-After`` catches the rest (:mod:`bot.core.delivery.retry`).
"""
from __future__ import annotations

import threading
import time
from typing import Callable

DEFAULT_RATE = 1.0  # posts per second per channel
DEFAULT_BURST = 3
MAX_CHANNELS = 10_000  # forget idle channels beyond this many


class Pacer:
    """What both limiters share: ``acquire`` = take a slot (``reserve``), then sleep for it."""

    sleep: Callable[[float], None]

    def reserve(self, channel: str) -> float:
        raise NotImplementedError

    def delay(self, channel: str | None) -> float:
        """How long a post to ``channel`` would wait now (without taking a slot)."""
        raise NotImplementedError

    def acquire(self, channel: str | None) -> float:
        """Block until ``channel`` may be posted to; returns the seconds waited."""
        if not channel:
            return 0.0
        wait = self.reserve(channel)
        if wait > 0:
            self.sleep(wait)
        return max(wait, 0.0)


class ChannelRateLimiter(Pacer):
    """Token buckets keyed by channel id; thread-safe."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self._next_free: dict[str, float] = {}  # channel -> time the bucket is full enough again
        self._lock = threading.Lock()

    def reserve(self, channel: str) -> float:
        """Take a slot for ``channel``; returns how long the caller must wait for it.

        The bucket is kept as the time ``t`` at which it would hold no tokens debt: a post
        is due at ``t - (burst - 1) / rate`` at the earliest.
        """
        interval = 1.0 / self.rate
        with self._lock:
            now = self.clock()
            debt_until = max(self._next_free.get(channel, now), now)
            start = max(now, debt_until - (self.burst - 1) * interval)
            self._next_free[channel] = debt_until + interval
            if len(self._next_free) > MAX_CHANNELS:
                self._forget_idle(now)
            return start - now

    def delay(self, channel: str | None) -> float:
        """How long a post to ``channel`` would wait now (without taking a slot)."""
        if not channel:
            return 0.0
        interval = 1.0 / self.rate
        with self._lock:
            now = self.clock()
            debt_until = max(self._next_free.get(channel, now), now)
            return max(0.0, debt_until - (self.burst - 1) * interval - now)

    def _forget_idle(self, now: float) -> None:
        for channel in [c for c, t in self._next_free.items() if t <= now]:
            del self._next_free[channel]
