"""Processing stored requests once, under a lease, for every platform.

An adapter stores a request in the inbox (``bot.store.inbox``) before it acknowledges it
(Slack: :mod:`bot.slack.inbox`; Teams: :mod:`bot.teams.runtime`). :class:`InboxWorker`
then runs it: it takes the row (``received -> processing``, :meth:`InboxWorker.begin`),
runs the work with the row's lease renewed (:meth:`InboxWorker.tracked`,
:meth:`InboxWorker.working`) and settles the
row (:meth:`InboxWorker.conclude`):

* the work raised :class:`RetryLater` or hit a passing database problem: the row is
  handed back and tried again in :data:`RETRY_LATER_DELAY`;
* the work lost its lease (another worker took it over): nothing is settled here;
* any other error: the row is ``failed`` and the adapter tells the asker (never silence).

Work a crash or an outage left unfinished is taken up by :meth:`InboxWorker.redeliver`
from the adapter's background loop. While work runs, :func:`current_work` tells the code
which request it is and whether an earlier attempt may have posted already
(``attempt > 1``). Synchronous work uses :meth:`InboxWorker.run`; asynchronous work (Teams)
uses the three steps itself, around an ``await``.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from sqlalchemy.exc import SQLAlchemyError

from bot.store.errors import is_transient
from bot.store.inbox import DONE, FAILED, Inbox, InboxItem
from bot.store.leases import LeaseLost, holding
from bot.store.repo import Store

log = logging.getLogger(__name__)

RETRY_LATER_DELAY = timedelta(seconds=30)
DRAIN_SECONDS = 20.0  # at shutdown, wait this long for work already begun

Payload = dict[str, Any]


class RetryLater(Exception):
    """Raised by work that hit a passing problem (the database, a look-up): run it again later."""


@dataclass(frozen=True)
class Work:
    """The inbox request being processed in this thread (or task)."""

    key: str
    attempt: int
    received_at: datetime | None = None
    token: str = ""

    @property
    def verify(self) -> bool:
        """True when an earlier attempt may already have posted to the platform."""
        return self.attempt > 1


@dataclass(frozen=True)
class Kind:
    """A kind of request the inbox keeps: which payloads, and how to process one again."""

    name: str
    accepts: Callable[[Payload], bool]
    handler: Callable[[Any, Payload], None]  # (the adapter's deps, stored payload)


_current: ContextVar[Work | None] = ContextVar("loket_inbox_work", default=None)
KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    """Make the inbox keep requests of ``kind`` (listener modules call this on import)."""
    KINDS[kind.name] = kind


def kind_of(body: Payload) -> Kind | None:
    """The registered kind that keeps ``body``, if any."""
    return next((k for k in KINDS.values() if k.accepts(body)), None)


def current_work() -> Work | None:
    return _current.get()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class InboxWorker:
    """Begin, run under a lease, settle; redeliver; drain at shutdown (see module docstring).

    ``kinds`` / ``exclude_kinds`` say which stored rows :meth:`redeliver` takes up (each
    adapter takes its own); ``notify_failed(payload)`` tells the asker that a request
    failed for good; ``tracebacks=False`` logs a failure's traceback only at DEBUG.
    """

    def __init__(self, store: Store, *, notify_failed: Callable[[Payload], None] | None = None,
                 clock: Callable[[], datetime] = _utcnow, kinds: tuple[str, ...] | None = None,
                 exclude_kinds: tuple[str, ...] = (), tracebacks: bool = True) -> None:
        self.inbox = Inbox(store)
        self.tracebacks = tracebacks
        self.notify_failed = notify_failed
        self.clock = clock
        self.kinds = kinds
        self.exclude_kinds = exclude_kinds
        self._in_flight: dict[str, Work] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._stopping = threading.Event()

    # -- the three steps ---------------------------------------------------------------------
    def begin(self, key: str) -> Work | None:
        """Take the row of ``key`` (None: processed elsewhere, or shutting down).

        Raises SQLAlchemyError when the database cannot be asked (the adapter says so).
        """
        if self._stopping.is_set():
            log.info("inbox: %s not begun, shutting down: left for another replica", key)
            return None
        token = self.inbox.begin(key, now=self.clock())
        if token is None:
            log.info("inbox: %s is processed elsewhere", key)
            return None
        return Work(key, 1, token=token)

    @contextmanager
    def tracked(self, work: Work) -> Iterator[None]:
        """The block runs and settles ``work``: it counts as in flight (see :meth:`drain`)."""
        with self._lock:
            self._in_flight[work.key] = work
        try:
            yield
        finally:
            with self._lock:
                self._in_flight.pop(work.key, None)
                self._idle.notify_all()

    @contextmanager
    def working(self, work: Work) -> Iterator[None]:
        """The block runs ``work``: it is the :func:`current_work`, and its lease is renewed
        while it runs."""
        token = _current.set(work)
        try:
            with holding(f"inbox:{work.key}", lambda: self.inbox.extend(work.key, work.token),
                         lease_length=self.inbox.lease):
                yield
        finally:
            _current.reset(token)

    def conclude(self, work: Work, error: BaseException | None) -> bool:
        """Settle the row after the work ended with ``error`` (None: it succeeded).

        Returns True when the request failed for good: the adapter tells the asker.
        """
        if error is None:
            self._settle(work, DONE)
            return False
        if isinstance(error, LeaseLost):
            log.warning("inbox: %s was taken over by another worker; this one stopped", work.key)
            return False
        if isinstance(error, RetryLater) or is_transient(error):
            if not isinstance(error, RetryLater):
                log.warning("inbox: %s hit a database problem (%s); retried later", work.key, type(error).__name__)
            self._release(work, RETRY_LATER_DELAY)
            return False
        show = self.tracebacks or log.isEnabledFor(logging.DEBUG)
        log.error("inbox: %s failed (%s)", work.key, type(error).__name__, exc_info=error if show else None)
        return self._settle(work, FAILED)

    def run(self, work: Work, fn: Callable[[], None], payload: Payload) -> None:
        """The three steps for synchronous work; a failure for good is reported."""
        error: BaseException | None = None
        with self.tracked(work):
            try:
                with self.working(work):
                    fn()
            except Exception as e:  # noqa: BLE001 - one request must not take the worker down
                error = e
            failed = self.conclude(work, error)
        if failed:
            self.report_failure(payload)

    # -- taking up what was left ---------------------------------------------------------------
    def stale(self) -> list[InboxItem]:
        """Lease the rows whose lease ran out (this adapter's kinds only)."""
        if self.kinds is not None:
            return self.inbox.lease_stale(now=self.clock(), kinds=self.kinds)
        return self.inbox.lease_stale(now=self.clock(), exclude_kinds=self.exclude_kinds)

    def redeliver(self, handler_for: Callable[[InboxItem], Callable[[], None] | None], *, budget: int = 20) -> int:
        """Process what a crash or an outage left unfinished, one row at a time (each
        leased only when its turn comes); returns how many were run.

        ``handler_for(item)`` is the work for a stored row, or None for an unknown kind.
        """
        done = 0
        while done < budget and not self._stopping.is_set():
            items = self.stale()
            if not items:
                break
            for item in items:
                done += 1
                self.run_item(item, handler_for(item))
        return done

    def run_item(self, item: InboxItem, fn: Callable[[], None] | None) -> None:
        """Run a row taken up again (a row out of attempts is reported, not run)."""
        if item.given_up:
            self.report_failure(item.payload)
            return
        work = Work(item.key, item.attempts, item.received_at, item.token)
        if fn is None:
            log.error("inbox: %s has unknown kind %s", item.key, item.kind)
            self._settle(work, FAILED)
            return
        log.info("inbox: processing %s again (attempt %d)", item.key, item.attempts)
        self.run(work, fn, item.payload)

    # -- settling ------------------------------------------------------------------------------
    def _settle(self, work: Work, status: str) -> bool:
        """Mark the row ``status``; False when the lease was lost or the database failed."""
        try:
            held = self.inbox.finish(work.key, work.token, now=self.clock(), status=status)
        except SQLAlchemyError as e:  # stays leased; processed again (idempotently) later
            log.warning("inbox: could not mark %s %s: %s", work.key, status, type(e).__name__)
            return False
        if not held:
            log.warning("inbox: %s finished here but its lease was taken over meanwhile", work.key)
        return held

    def _release(self, work: Work, delay: timedelta) -> None:
        try:
            self.inbox.release(work.key, work.token, delay=delay)
        except SQLAlchemyError as e:
            log.warning("inbox: could not release %s: %s", work.key, type(e).__name__)

    def report_failure(self, payload: Payload) -> None:
        """A request that failed for good: tell the asker (never in silence)."""
        if self.notify_failed is None:
            return
        try:
            self.notify_failed(payload)
        except Exception as e:  # noqa: BLE001
            log.warning("inbox: could not tell the asker about a failed request: %s", type(e).__name__)

    # -- shutdown ------------------------------------------------------------------------------
    def in_flight(self) -> set[str]:
        with self._lock:
            return set(self._in_flight)

    def stop_taking(self) -> None:
        """At shutdown, first: begin no new work (it stays for another replica)."""
        self._stopping.set()

    def drain(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait up to ``timeout`` for the work already begun here; True when all finished."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def hand_back(self) -> int:
        """At shutdown, after :meth:`drain`: let other replicas take over what is still running.

        Only work that did not finish within the drain is handed back (with its token: if
        another replica took it over meanwhile, nothing changes).
        """
        with self._lock:
            works = list(self._in_flight.values())
        for work in works:
            try:
                self.inbox.release(work.key, work.token)
            except SQLAlchemyError:
                pass
        if works:
            log.info("inbox: handed back %d unfinished request(s)", len(works))
        return len(works)
