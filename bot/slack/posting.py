"""Posting a message at most once, also when Slack's answer gets lost.

``chat.postMessage`` has no idempotency key. When the call times out, the connection
drops or Slack answers 5xx, the message may have been posted or not; blindly trying again
can post it twice. So every post that must not double carries a *marker* in its message
metadata (``event_type`` "loket_post", ``event_payload.key``), and before trying again
the poster looks for a message with that marker in the thread (``conversations.replies``)
or the channel (``conversations.history``). Only if it is not there it posts again.

The same look-up runs first when an earlier *process* may have posted the message before
it crashed (``verify=True``: an outbox post or escalation on its second attempt, an inbox
item taken up again after a crash).

Errors that say the message was not posted (Slack's ``ok: false``, 429 after the
client's own retries) are raised at once. When the look-up itself fails the poster does
*not* post blindly: it raises :class:`LookupFailed` and the caller tries again later
(with ``verify``). Before every ``chat.postMessage`` the leases of the current work are
checked (:func:`bot.store.leases.ensure_held`): a worker that lost its lease does not post.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from http.client import HTTPException
from typing import Any, Callable
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.client import error_code
from bot.store.leases import ensure_held

log = logging.getLogger(__name__)

MARKER_TYPE = "loket_post"
LOOKUP_PAGES = 5
LOOKUP_PAGE_SIZE = 200
LOOKUP_SLACK_SECONDS = 120.0  # look this far before ``since`` (clocks differ)


class LookupFailed(Exception):
    """Looking for an earlier post failed: whether it is in Slack is unknown. Try later."""


def marker(key: str) -> dict[str, Any]:
    """The message metadata that identifies a post by ``key``."""
    return {"event_type": MARKER_TYPE, "event_payload": {"key": key}}


def marker_key(message: dict[str, Any]) -> str | None:
    """The key of a message Loket posted with a marker (None for others)."""
    meta = message.get("metadata") or {}
    if meta.get("event_type") != MARKER_TYPE:
        return None
    return (meta.get("event_payload") or {}).get("key")


def is_ambiguous(exc: BaseException) -> bool:
    """True when the post may have reached Slack although the call failed."""
    if isinstance(exc, SlackApiError):
        return (exc.response.status_code or 0) >= 500
    return isinstance(exc, (TimeoutError, URLError, HTTPException, ConnectionError, OSError))


def _epoch(value: datetime | float | None) -> float | None:
    if value is None:
        return None
    return value.timestamp() if isinstance(value, datetime) else float(value)


@dataclass
class Poster:
    """Posts through ``client`` (which must not retry 5xx / connection errors itself)."""

    client: WebClient
    attempts: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep

    def post(self, channel: str, thread_ts: str | None, message: dict[str, Any], *, key: str | None = None,
             verify: bool = False, since: datetime | float | None = None, **extra: Any) -> dict[str, Any]:
        """Post ``message``; returns ``{"channel", "ts"}`` of the (possibly earlier) post.

        ``key`` makes the post findable, ``verify`` looks for it before the first try.
        Raises the last error when the post cannot be made.
        """
        since_epoch = _epoch(since) if since is not None else time.time()
        if key and verify:
            found = self.lookup(channel, thread_ts, key, since=_epoch(since))
            if found:
                log.info("post %s was already in %s (ts=%s): not posted again", key, channel, found["ts"])
                return found
        params: dict[str, Any] = dict(message) | extra
        if key:
            params["metadata"] = marker(key)
        if thread_ts:
            params["thread_ts"] = thread_ts
        last: BaseException | None = None
        for attempt in range(1, self.attempts + 1):
            ensure_held()
            try:
                resp = self.client.chat_postMessage(channel=channel, **params)
                return {"channel": resp["channel"], "ts": resp["ts"]}
            except Exception as e:  # noqa: BLE001 - sorted below
                last = e
                if not is_ambiguous(e):
                    raise
                log.warning("post %s to %s: %s (attempt %d)", key or "-", channel, error_code(e), attempt)
            if key:
                found = self.lookup(channel, thread_ts, key, since=since_epoch)
                if found:
                    log.info("post %s reached %s after all (ts=%s)", key, channel, found["ts"])
                    return found
            if attempt < self.attempts:
                self.sleep(self.backoff * attempt)
        assert last is not None
        raise last

    def lookup(self, channel: str, thread_ts: str | None, key: str, *, since: float | None = None) -> dict[str, Any] | None:
        """The message with marker ``key`` in the thread / channel, or None when it is not
        there. LookupFailed when Slack could not be asked (then nobody knows)."""
        try:
            for message in self._messages(channel, thread_ts, since):
                if marker_key(message) == key:
                    return {"channel": channel, "ts": message["ts"]}
        except Exception as e:  # noqa: BLE001
            log.warning("looking for post %s in %s failed: %s", key, channel, error_code(e))
            raise LookupFailed(key) from e
        return None

    def find(self, channel: str, thread_ts: str | None, key: str, *, since: float | None = None) -> dict[str, Any] | None:
        """Like :meth:`lookup`, but a failed look-up is None (diagnostics, tests)."""
        try:
            return self.lookup(channel, thread_ts, key, since=since)
        except LookupFailed:
            return None

    def parent_marker(self, channel: str, thread_ts: str) -> str | None:
        """The marker key of the message that starts thread ``thread_ts`` (None: no marker).
        LookupFailed when Slack could not be asked."""
        try:
            resp = self.client.conversations_replies(channel=channel, ts=thread_ts, include_all_metadata=True, limit=1)
        except Exception as e:  # noqa: BLE001
            log.warning("looking up the start of thread %s in %s failed: %s", thread_ts, channel, error_code(e))
            raise LookupFailed(thread_ts) from e
        for message in resp.get("messages") or []:
            if message.get("ts") == thread_ts:
                return marker_key(message)
        return None

    def _messages(self, channel: str, thread_ts: str | None, since: float | None):
        cursor = None
        for _ in range(LOOKUP_PAGES):
            args: dict[str, Any] = dict(channel=channel, include_all_metadata=True, limit=LOOKUP_PAGE_SIZE)
            if cursor:
                args["cursor"] = cursor
            if thread_ts:
                resp = self.client.conversations_replies(ts=thread_ts, **args)
            else:
                if since is not None:
                    args["oldest"] = f"{since - LOOKUP_SLACK_SECONDS:.6f}"
                resp = self.client.conversations_history(**args)
            yield from resp.get("messages") or []
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return
