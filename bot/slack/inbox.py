"""Durable before acknowledged: questions are in the database before Slack hears "200".

A Bolt global middleware (:meth:`SlackInbox.middleware`) runs after the signature check
and before any listener acknowledges. For requests a registered *kind* accepts (questions
by @mention, DM, thread reply, ``/loket``) it stores the request in the inbox
(``bot.store.inbox``) and only then lets Bolt acknowledge it:

* the same event again (Slack's retry, or the same event at two replicas at once): the
  primary key says so, the request is acknowledged and nothing runs;
* the database unreachable: no acknowledgement (HTTP 500, so Slack delivers the event
  again later) and the asker hears, once, that there is a disruption.

The listeners' lazy functions run their work through :meth:`SlackInbox.process`, which
takes the row (``received -> processing``), runs it and marks it done. Work a crash or an
outage left unfinished is taken up by :meth:`SlackInbox.redeliver` from the background
loop, with the kind's handler. While work runs, :func:`current_work` tells the code which
request it is and whether an earlier attempt may have posted already (``attempt > 1``).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

from slack_bolt import BoltContext, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.core.platforms import TEAMS_INBOX_KIND
from bot.store.errors import is_transient
from bot.store.inbox import DONE, FAILED, Inbox, InboxItem
from bot.store.leases import LeaseLost, holding
from bot.store.repo import Store

if TYPE_CHECKING:
    from bot.slack.deps import Deps

log = logging.getLogger(__name__)

OUTAGE_TEXT = (
    "Door een storing kan ik je bericht nu niet verwerken. Ik probeer het over een paar minuten "
    "opnieuw; lukt dat niet, stel je vraag dan later nog eens."
)
OUTAGE_COMMAND_TEXT = "Door een storing kan ik je vraag nu niet verwerken. Probeer het over een paar minuten opnieuw."
FAILED_TEXT = (
    "Het is me niet gelukt je bericht te verwerken, ook niet na een paar pogingen. Stel je vraag "
    "alsjeblieft opnieuw; lukt het dan nog niet, neem dan contact op met het kernteam."
)
RETRY_LATER_DELAY = timedelta(seconds=30)
DRAIN_SECONDS = 20.0  # at shutdown, wait this long for work already begun
MAX_NOTIFIED = 1000


class RetryLater(Exception):
    """Raised by work that hit a passing problem (the database): run it again later."""


@dataclass(frozen=True)
class Work:
    """The inbox request being processed in this thread."""

    key: str
    attempt: int
    received_at: datetime | None = None
    token: str = ""

    @property
    def verify(self) -> bool:
        """True when an earlier attempt may already have posted to Slack."""
        return self.attempt > 1


@dataclass(frozen=True)
class Kind:
    """A kind of request the inbox keeps: which bodies, and how to process one again."""

    name: str
    accepts: Callable[[dict[str, Any]], bool]
    handler: Callable[["Deps", dict[str, Any]], None]  # (deps, stored payload)


_current: ContextVar[Work | None] = ContextVar("loket_inbox_work", default=None)
KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    """Make the inbox keep requests of ``kind`` (listener modules call this on import)."""
    KINDS[kind.name] = kind


def current_work() -> Work | None:
    return _current.get()


def inbox_key(body: dict[str, Any]) -> str | None:
    """The request's unique id: the event id, or the slash command's trigger id."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return str(body["event_id"])
    if body.get("command") and body.get("trigger_id"):
        return f"cmd:{body['trigger_id']}"
    return None


def thread_position(body: dict[str, Any]) -> dict[str, str | None]:
    """``thread_key`` ("channel:thread_ts") and ``sort_key`` (its ts, "%010d.%06d") of a
    message written in a thread; both None for anything else."""
    event = body.get("event") or {}
    channel, thread_ts, ts = event.get("channel"), event.get("thread_ts"), str(event.get("ts") or "")
    seconds, _, micros = ts.partition(".")
    if not (channel and thread_ts and seconds.isdigit() and micros.isdigit()):
        return {"thread_key": None, "sort_key": None}
    return {"thread_key": f"{channel}:{thread_ts}", "sort_key": f"{int(seconds):010d}.{micros[:6].ljust(6, '0')}"}


def kind_of(body: dict[str, Any]) -> Kind | None:
    return next((k for k in KINDS.values() if k.accepts(body)), None)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SlackInbox:
    """The inbox as the Slack adapter uses it."""

    def __init__(self, store: Store, *, notify: Callable[[dict[str, Any]], None] | None = None,
                 notify_failed: Callable[[dict[str, Any]], None] | None = None,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self.inbox = Inbox(store)
        self.notify = notify
        self.notify_failed = notify_failed
        self.clock = clock
        self._in_flight: dict[str, Work] = {}
        self._notified: set[str] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._stopping = threading.Event()

    # -- receiving (before the acknowledgement) -------------------------------------------
    def middleware(self) -> Callable[..., BoltResponse | None]:
        """The Bolt global middleware (see module docstring)."""

        def loket_inbox(body: dict, context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:
            kind, key = kind_of(body), inbox_key(body)
            if kind is None or key is None:
                next()
                return None
            payload = {"body": body, "bot_user_id": context.bot_user_id}
            try:
                fresh = self.inbox.receive(key, kind=kind.name, payload=payload, now=self.clock(),
                                           **thread_position(body))
            except SQLAlchemyError as e:
                log.error("inbox: cannot store %s (%s): not acknowledged", key, type(e).__name__)
                self._notify_outage(key, body)
                return _outage_response(body)
            if not fresh:
                log.info("inbox: %s delivered again, already stored: acknowledged only", key)
                return BoltResponse(status=200, body="")
            next()
            return None

        return loket_inbox

    # -- processing ------------------------------------------------------------------------
    def process(self, body: dict[str, Any], fn: Callable[[], None]) -> None:
        """Run ``fn`` as the work of ``body``'s inbox row, once (see module docstring).

        Requests no kind keeps (channel chatter, edits, …) just run ``fn``: handlers that
        act on one claim its event id themselves (``Deps.claim_event``). After
        :meth:`stop_taking` (shutdown) nothing new is begun: the row stays ``received``
        for another replica.
        """
        key = inbox_key(body)
        if key is None or kind_of(body) is None:
            fn()
            return
        if self._stopping.is_set():
            log.info("inbox: %s not begun, shutting down: left for another replica", key)
            return
        try:
            token = self.inbox.begin(key, now=self.clock())
        except SQLAlchemyError as e:
            log.error("inbox: cannot begin %s (%s); it is retried when the database is back", key, type(e).__name__)
            self._notify_outage(key, body)
            return
        if token is None:
            log.info("inbox: %s is processed elsewhere", key)
            return
        self._run(Work(key, 1, token=token), fn, body)

    def redeliver(self, deps: "Deps", *, budget: int = 20) -> int:
        """Process what a crash or an outage left unfinished, one row at a time (each
        leased only when its turn comes); returns how many were run."""
        done = 0
        while done < budget and not self._stopping.is_set():
            items = self.inbox.lease_stale(now=self.clock(), exclude_kinds=(TEAMS_INBOX_KIND,))
            if not items:
                break
            for item in items:
                done += 1
                self._run_item(deps, item)
        return done

    def _run_item(self, deps: "Deps", item: InboxItem) -> None:
        if item.given_up:
            self._report_failure(item.payload.get("body") or {})
            return
        kind = KINDS.get(item.kind or "")
        if kind is None:
            log.error("inbox: %s has unknown kind %s", item.key, item.kind)
            self._settle(Work(item.key, item.attempts, token=item.token), FAILED)
            return
        log.info("inbox: processing %s again (attempt %d)", item.key, item.attempts)
        self._run(Work(item.key, item.attempts, item.received_at, item.token),
                  lambda: kind.handler(deps, item.payload), item.payload.get("body") or {})

    def _run(self, work: Work, fn: Callable[[], None], body: dict[str, Any]) -> None:
        """Run ``fn`` under the row's lease (renewed while it runs) and settle the row; the
        work counts as in flight (see :meth:`drain`) until it is settled."""
        with self._lock:
            self._in_flight[work.key] = work
        try:
            self._run_and_settle(work, fn, body)
        finally:
            with self._lock:
                self._in_flight.pop(work.key, None)
                self._idle.notify_all()

    def _run_and_settle(self, work: Work, fn: Callable[[], None], body: dict[str, Any]) -> None:
        token = _current.set(work)
        try:
            with holding(f"inbox:{work.key}", lambda: self.inbox.extend(work.key, work.token),
                         lease_length=self.inbox.lease):
                fn()
        except LeaseLost:
            log.warning("inbox: %s was taken over by another worker; this one stopped", work.key)
            return
        except RetryLater:
            self._release(work, RETRY_LATER_DELAY)
            return
        except Exception as e:  # noqa: BLE001 - one request must not take the worker down
            if is_transient(e):
                log.warning("inbox: %s hit a database problem (%s); retried later", work.key, type(e).__name__)
                self._release(work, RETRY_LATER_DELAY)
                return
            log.exception("inbox: %s failed", work.key)
            if self._settle(work, FAILED):
                self._report_failure(body)
            return
        finally:
            _current.reset(token)
        self._settle(work, DONE)

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

    def _report_failure(self, body: dict[str, Any]) -> None:
        """A request that failed for good: tell the asker (never in silence)."""
        if self.notify_failed is None:
            return
        try:
            self.notify_failed(body)
        except Exception as e:  # noqa: BLE001
            log.warning("inbox: could not tell the asker about a failed request: %s", type(e).__name__)

    # -- shutdown ----------------------------------------------------------------------------
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

    # -- telling the asker -------------------------------------------------------------------
    def _notify_outage(self, key: str, body: dict[str, Any]) -> None:
        """Tell the asker once per request (Slack's retries get no second notice)."""
        if self.notify is None or body.get("command"):
            return  # a command's acknowledgement carries the notice itself
        with self._lock:
            if key in self._notified:
                return
            if len(self._notified) > MAX_NOTIFIED:
                self._notified.clear()
            self._notified.add(key)
        threading.Thread(target=self._safe_notify, args=(body,), name="loket-outage-notice", daemon=True).start()

    def _safe_notify(self, body: dict[str, Any]) -> None:
        try:
            self.notify(body)  # type: ignore[misc]
        except Exception as e:  # noqa: BLE001
            log.info("outage notice failed: %s", type(e).__name__)


def _outage_response(body: dict[str, Any]) -> BoltResponse:
    """No acknowledgement for events (Slack retries); a visible notice for a command."""
    if body.get("command"):
        text = json.dumps({"response_type": "ephemeral", "text": OUTAGE_COMMAND_TEXT})
        return BoltResponse(status=200, body=text, headers={"content-type": "application/json"})
    return BoltResponse(status=500, body="")


def outage_notice(ephemeral: Callable[..., None], text: str = OUTAGE_TEXT) -> Callable[[dict[str, Any]], None]:
    """A ``notify`` for :class:`SlackInbox`: an ephemeral note to the asker, where they asked.

    ``ephemeral`` is ``Delivery.ephemeral`` (channel, user, text, thread_ts=...).
    """

    def notify(body: dict[str, Any]) -> None:
        event = body.get("event") or {}
        if not event.get("channel") or not event.get("user"):
            return
        thread = event.get("thread_ts") or (None if event.get("channel_type") == "im" else event.get("ts"))
        ephemeral(event["channel"], event["user"], text, thread_ts=thread)

    return notify


def failure_notice(post: Callable[..., Any], message: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """A ``notify_failed`` for :class:`SlackInbox`: a visible message to the asker that their
    request failed for good — in the thread (or DM) of an event, in a DM for a command.

    ``post`` is ``Delivery.post`` (channel, thread_ts, message, key=...); the key makes the
    notice at-most-once.
    """

    def notify(body: dict[str, Any]) -> None:
        key = inbox_key(body)
        if body.get("command"):
            if body.get("user_id"):
                post(body["user_id"], None, message, key=f"{key}:failed")
            return
        event = body.get("event") or {}
        if not event.get("channel"):
            return
        thread = event.get("thread_ts") or (None if event.get("channel_type") == "im" else event.get("ts"))
        post(event["channel"], thread, message, key=f"{key}:failed", verify=True)

    return notify
