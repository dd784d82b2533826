"""Durable before acknowledged: questions are in the database before Slack hears "200".

A Bolt global middleware (:meth:`SlackInbox.middleware`) runs after the signature check
and before any listener acknowledges. For requests a registered *kind* accepts (questions
by @mention, DM, thread reply, ``/loket``) it stores the request in the inbox
(``bot.store.inbox``) and only then lets Bolt acknowledge it:

* the same event again (Slack's retry, or the same event at two replicas at once): the
  primary key says so, the request is acknowledged and nothing runs;
* the database unreachable: no acknowledgement (HTTP 500, so Slack delivers the event
  again later) and the asker hears, once, that there is a disruption.

The listeners' lazy functions run their work through :meth:`SlackInbox.process`: the
platform-neutral :class:`bot.core.delivery.inbox.InboxWorker` takes the row, runs it under
its lease and settles it. Work a crash or an outage left unfinished is taken up by
:meth:`SlackInbox.redeliver` from the background loop, with the kind's handler (the kinds
the listener modules register, :func:`bot.core.delivery.inbox.register_kind`).
"""
from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from slack_bolt import BoltContext, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.core.delivery.inbox import KINDS, InboxWorker, kind_of
from bot.core.delivery.platforms import TEAMS_INBOX_KIND
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
MAX_NOTIFIED = 1000


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


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


class SlackInbox(InboxWorker):
    """The inbox as the Slack adapter uses it: the neutral worker plus Bolt's middleware."""

    def __init__(self, store: Store, *, notify: Callable[[dict[str, Any]], None] | None = None,
                 notify_failed: Callable[[dict[str, Any]], None] | None = None,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        on_failed = (lambda payload: notify_failed(payload.get("body") or {})) if notify_failed else None
        super().__init__(store, notify_failed=on_failed, clock=clock, exclude_kinds=(TEAMS_INBOX_KIND,))
        self.notify = notify
        self._notified: set[str] = set()

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
        try:
            work = self.begin(key)
        except SQLAlchemyError as e:
            log.error("inbox: cannot begin %s (%s); it is retried when the database is back", key, type(e).__name__)
            self._notify_outage(key, body)
            return
        if work is not None:
            self.run(work, fn, {"body": body})

    def redeliver(self, deps: "Deps", *, budget: int = 20) -> int:  # type: ignore[override]
        """Process what a crash or an outage left unfinished, with each kind's handler."""

        def handler_for(item) -> Callable[[], None] | None:
            kind = KINDS.get(item.kind or "")
            return None if kind is None else (lambda: kind.handler(deps, item.payload))

        return super().redeliver(handler_for, budget=budget)

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
