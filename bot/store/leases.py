"""Held leases: extended while work runs, checked before anything leaves the process.

Inbox rows, outbox posts and escalation posts are leased in the database with a *token*
(fencing): every state change names its token and only succeeds while the row still
carries it. A lease is short (:data:`LEASE`, so work a killed replica leaves is taken up
within half a minute) and kept alive by :class:`Heartbeat` while its work runs.

Work declares its leases with :func:`holding`; the poster calls :func:`ensure_held`
before every post, which extends each lease in the database and raises
:class:`LeaseLost` when one was taken over: a worker that lost its lease stops and does
not post.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable, Iterator

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=10)  # a lease not extended for this long may be taken over
HEARTBEAT_SECONDS = 3.0  # extend held leases this often (well within LEASE)
FRESH_SHARE = 0.3  # a lease renewed within this share of its length is held for sure: no extra write


class LeaseLost(Exception):
    """This worker no longer holds the lease of its work: stop, do not post."""


def new_token() -> str:
    """A fresh fencing token."""
    return uuid.uuid4().hex


@dataclass
class HeldLease:
    """One lease this process holds: ``extend()`` renews it in the database (False: lost).

    ``renewed_at`` (monotonic) is when it was last known to be held: when it was taken
    (:func:`holding` is entered right after) or last renewed.
    """

    name: str
    extend: Callable[[], bool]
    fresh_for: float = LEASE.total_seconds() * FRESH_SHARE
    lost: threading.Event = field(default_factory=threading.Event)
    renewed_at: float = field(default_factory=time.monotonic)

    def renew(self) -> bool:
        """Extend in the database; a database error keeps the lease (it is retried), but
        does not count as a renewal."""
        if self.lost.is_set():
            return False
        started = time.monotonic()
        try:
            held = self.extend()
        except Exception as e:  # noqa: BLE001 - a passing database problem is not a lost lease
            log.warning("lease %s: could not extend (%s)", self.name, type(e).__name__)
            return True
        if not held:
            log.warning("lease %s was taken over: this worker stops", self.name)
            self.lost.set()
            return False
        self.renewed_at = started
        return True

    def check(self) -> bool:
        """Held for sure right now: renewed within ``fresh_for`` (a share of the lease's
        length; a stalled process sees the stall in the monotonic clock), else renewed
        in the database now. A database error counts as lost here:
        nothing is posted on a lease that cannot be confirmed."""
        if self.lost.is_set():
            return False
        if time.monotonic() - self.renewed_at < self.fresh_for:
            return True
        before = self.renewed_at
        return self.renew() and self.renewed_at != before


_held: ContextVar[tuple[HeldLease, ...]] = ContextVar("loket_held_leases", default=())


class Heartbeat:
    """A daemon thread that renews every lease held in this process."""

    def __init__(self, interval: float = HEARTBEAT_SECONDS) -> None:
        self.interval = interval
        self._by_id: dict[int, HeldLease] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, lease: HeldLease) -> None:
        with self._lock:
            self._by_id[id(lease)] = lease
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="loket-lease-heartbeat", daemon=True)
                self._thread.start()

    def remove(self, lease: HeldLease) -> None:
        with self._lock:
            self._by_id.pop(id(lease), None)

    def held(self) -> list[HeldLease]:
        with self._lock:
            return list(self._by_id.values())

    def _run(self) -> None:
        while not self._wake.wait(self.interval):
            for lease in self.held():
                lease.renew()


HEARTBEAT = Heartbeat()


@contextmanager
def holding(name: str, extend: Callable[[], bool], *, lease_length: timedelta = LEASE,
            heartbeat: Heartbeat = HEARTBEAT) -> Iterator[HeldLease]:
    """Declare a lease just taken (for ``lease_length``) as held for the block: renewed by
    ``heartbeat``, checked by :func:`ensure_held`."""
    lease = HeldLease(name, extend, fresh_for=lease_length.total_seconds() * FRESH_SHARE)
    heartbeat.add(lease)
    token = _held.set(_held.get() + (lease,))
    try:
        yield lease
    finally:
        _held.reset(token)
        heartbeat.remove(lease)


def ensure_held() -> None:
    """Before a post: make sure every lease of the current work is held (renewing those
    not renewed in the last seconds); LeaseLost if one is gone or cannot be confirmed."""
    for lease in _held.get():
        if not lease.check():
            raise LeaseLost(lease.name)


def held_leases() -> tuple[HeldLease, ...]:
    """The leases the current work holds (diagnostics, tests)."""
    return _held.get()
