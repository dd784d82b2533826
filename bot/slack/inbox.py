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
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

from slack_bolt import BoltContext, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.store.errors import is_transient
from bot.store.inbox import DONE, FAILED, Inbox
from bot.store.repo import Store

if TYPE_CHECKING:
    from bot.slack.deps import Deps

log = logging.getLogger(__name__)

OUTAGE_TEXT = (
    "Door een storing kan ik je bericht nu niet verwerken. Ik probeer het over een paar minuten "
    "opnieuw; lukt dat niet, stel je vraag dan later nog eens."
)
OUTAGE_COMMAND_TEXT = "Door een storing kan ik je vraag nu niet verwerken. Probeer het over een paar minuten opnieuw."
RETRY_LATER_DELAY = timedelta(seconds=30)
MAX_NOTIFIED = 1000


class RetryLater(Exception):
    """Raised by work that hit a passing problem (the database): run it again later."""


@dataclass(frozen=True)
class Work:
    """The inbox request being processed in this thread."""

    key: str
    attempt: int
    received_at: datetime | None = None

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


def kind_of(body: dict[str, Any]) -> Kind | None:
    return next((k for k in KINDS.values() if k.accepts(body)), None)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SlackInbox:
    """The inbox as the Slack adapter uses it."""

    def __init__(self, store: Store, *, notify: Callable[[dict[str, Any]], None] | None = None,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self.inbox = Inbox(store)
        self.notify = notify
        self.clock = clock
        self._in_flight: set[str] = set()
        self._notified: set[str] = set()
        self._lock = threading.Lock()

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
                fresh = self.inbox.receive(key, kind=kind.name, payload=payload, now=self.clock())
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
        act on one claim its event id themselves (``Deps.claim_event``).
        """
        key = inbox_key(body)
        if key is None or kind_of(body) is None:
            fn()
            return
        try:
            attempt = self.inbox.begin(key, now=self.clock())
        except SQLAlchemyError as e:
            log.error("inbox: cannot begin %s (%s); it is retried when the database is back", key, type(e).__name__)
            self._notify_outage(key, body)
            return
        if attempt is None:
            log.info("inbox: %s is processed elsewhere", key)
            return
        self._run(Work(key, attempt), fn)

    def redeliver(self, deps: "Deps") -> int:
        """Process what a crash or an outage left unfinished; returns how many were run."""
        items = self.inbox.lease_stale(now=self.clock())
        for item in items:
            kind = KINDS.get(item.kind or "")
            if kind is None:
                log.error("inbox: %s has unknown kind %s", item.key, item.kind)
                self._settle(item.key, FAILED)
                continue
            log.info("inbox: processing %s again (attempt %d)", item.key, item.attempts)
            self._run(Work(item.key, item.attempts, item.received_at), lambda: kind.handler(deps, item.payload))
        return len(items)

    def _run(self, work: Work, fn: Callable[[], None]) -> None:
        token = _current.set(work)
        with self._lock:
            self._in_flight.add(work.key)
        try:
            fn()
        except RetryLater:
            self._release(work.key)
            return
        except Exception as e:  # noqa: BLE001 - one request must not take the worker down
            if is_transient(e):
                log.warning("inbox: %s hit a database problem (%s); retried later", work.key, type(e).__name__)
                self._release(work.key)
                return
            log.exception("inbox: %s failed", work.key)
            self._settle(work.key, FAILED)
            return
        finally:
            _current.reset(token)
            with self._lock:
                self._in_flight.discard(work.key)
        self._settle(work.key, DONE)

    def _settle(self, key: str, status: str) -> None:
        try:
            self.inbox.finish(key, now=self.clock(), status=status)
        except SQLAlchemyError as e:  # stays leased; processed again (idempotently) later
            log.warning("inbox: could not mark %s %s: %s", key, status, type(e).__name__)

    def _release(self, key: str) -> None:
        try:
            self.inbox.release(key, retry_at=self.clock() + RETRY_LATER_DELAY)
        except SQLAlchemyError as e:
            log.warning("inbox: could not release %s: %s", key, type(e).__name__)

    # -- shutdown ----------------------------------------------------------------------------
    def in_flight(self) -> set[str]:
        with self._lock:
            return set(self._in_flight)

    def hand_back(self) -> int:
        """At shutdown: let other replicas take over what this process has not finished."""
        keys = self.in_flight()
        for key in keys:
            try:
                self.inbox.release(key, retry_at=self.clock())
            except SQLAlchemyError:
                pass
        if keys:
            log.info("inbox: handed back %d unfinished request(s)", len(keys))
        return len(keys)

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


def outage_notice(ephemeral: Callable[..., None]) -> Callable[[dict[str, Any]], None]:
    """A ``notify`` for :class:`SlackInbox`: an ephemeral note to the asker, where they asked.

    ``ephemeral`` is ``Delivery.ephemeral`` (channel, user, text, thread_ts=...).
    """

    def notify(body: dict[str, Any]) -> None:
        event = body.get("event") or {}
        if not event.get("channel") or not event.get("user"):
            return
        thread = event.get("thread_ts") or (None if event.get("channel_type") == "im" else event.get("ts"))
        ephemeral(event["channel"], event["user"], OUTAGE_TEXT, thread_ts=thread)

    return notify
