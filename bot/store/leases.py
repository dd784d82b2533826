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
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable, Iterator

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=10)  # a lease not extended for this long may be taken over
HEARTBEAT_SECONDS = 3.0  # extend held leases this often (well within LEASE)


class LeaseLost(Exception):
    """This worker no longer holds the lease of its work: stop, do not post."""


def new_token() -> str:
    """A fresh fencing token."""
    return uuid.uuid4().hex


@dataclass
class HeldLease:
    """One lease this process holds: ``extend()`` renews it in the database (False: lost)."""

    name: str
    extend: Callable[[], bool]
    lost: threading.Event = field(default_factory=threading.Event)

    def renew(self) -> bool:
        """Extend in the database; a database error keeps the lease (it is retried)."""
        if self.lost.is_set():
            return False
        try:
            held = self.extend()
        except Exception as e:  # noqa: BLE001 - a passing database problem is not a lost lease
            log.warning("lease %s: could not extend (%s)", self.name, type(e).__name__)
            return True
        if not held:
            log.warning("lease %s was taken over: this worker stops", self.name)
            self.lost.set()
        return held


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
def holding(name: str, extend: Callable[[], bool], *, heartbeat: Heartbeat = HEARTBEAT) -> Iterator[HeldLease]:
    """Declare a held lease for the block: renewed by ``heartbeat``, checked by :func:`ensure_held`."""
    lease = HeldLease(name, extend)
    heartbeat.add(lease)
    token = _held.set(_held.get() + (lease,))
    try:
        yield lease
    finally:
        _held.reset(token)
        heartbeat.remove(lease)


def ensure_held() -> None:
    """Before a post: renew every lease of the current work; LeaseLost if one is gone."""
    for lease in _held.get():
        if not lease.renew():
            raise LeaseLost(lease.name)


def held_leases() -> tuple[HeldLease, ...]:
    """The leases the current work holds (diagnostics, tests)."""
    return _held.get()
