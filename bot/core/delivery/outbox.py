"""The outbox: outgoing messages queued in the database, drained by the adapter.

A post is written in the same transaction as the state change that causes it, so a crash
can never leave "answer stored but never relayed" (or the reverse). The adapter leases due
posts, sends them and reports back; a post that keeps failing is retried with backoff and
finally marked ``failed``. Sending is at-least-once: a crash between sending and
``mark_sent`` sends the post again after the lease expires.

Post kinds written by the service, and their payloads (all carry ``number``, the #N of the
escalation):

* ``core_reply`` -> asker thread: a core member's reply. ``user_id``, ``text``.
* ``followup``  -> core thread: the asker's follow-up message. ``user_id``, ``text``,
  ``question_id``. Its destination is the escalation's core post; it only becomes due once
  the escalation has been posted (``mark_posted``).
* ``claimed``   -> asker thread: a core member took the question. ``user_id``.
* ``closed``    -> asker thread: someone other than the asker closed it. ``user_id``.

Posts that undo earlier posts (queued by a privacy request, ``bot.core.privacy.privacy_core``),
payload ``ts``: the message to act on in ``channel_id`` (Slack ts or Teams activity id), and
``thread_ts``: the root of its thread (Teams addresses a channel-thread message through it):

* ``privacy_delete`` -> remove one of Loket's own posts (``chat.delete``).
* ``privacy_redact`` -> replace the core-channel escalation post by a neutral notice
  (``chat.update``): the post is the root of the core team's thread and stays.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Callable

from bot.core.views import OutboxPost, outbox_view
from bot.store.dbclock import db_after
from bot.store.leases import LEASE, new_token
from bot.store.repo import OUTBOX_FAILED, OUTBOX_SENT, Store

log = logging.getLogger(__name__)

POST_CORE_REPLY = "core_reply"
POST_FOLLOWUP = "followup"
POST_CLAIMED = "claimed"
POST_CLOSED = "closed"
POST_DELETE = "privacy_delete"
POST_REDACT = "privacy_redact"
ERASURE_KINDS = (POST_DELETE, POST_REDACT)


def reply_post_key(question_id: int) -> str:
    """The dedupe key of an adapter's reply about a question that goes through the outbox
    (Slack refused it at first); a privacy request finds a pending one by it."""
    return f"slack-reply:{question_id}"


MAX_ATTEMPTS = 8
_FIRST_RETRY = timedelta(seconds=15)
_MAX_RETRY = timedelta(hours=1)

# What ``mark_failed`` did.
LOST = "lost"  # the caller no longer held the lease: nothing changed
RETRY = "retry"  # scheduled again (backoff)
GAVE_UP = "failed"  # failed for good: the caller reports it


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 15 s, 30 s, 1 min, ... capped at an hour."""
    return min(_FIRST_RETRY * (2 ** max(attempts - 1, 0)), _MAX_RETRY)


class Outbox:
    """Queue, lease and settle outgoing posts (every settlement checks the lease token)."""

    def __init__(self, store: Store, clock: Callable[[], datetime], *, lease: timedelta = LEASE):
        self.store = store
        self.clock = clock
        self.lease = lease

    def enqueue(self, *, kind: str, channel_id: str, thread_ts: str | None, payload: dict[str, Any], dedupe_key: str,
                escalation_id: int | None = None) -> int | None:
        """Queue a post in a transaction of its own; None if the key was queued before."""
        with self.store.tx() as tx:
            return tx.enqueue_post(kind=kind, channel_id=channel_id, thread_ts=thread_ts, payload=payload,
                                   dedupe_key=dedupe_key, now=self.clock(), escalation_id=escalation_id)

    def due(self, *, skip_channels: frozenset[str] = frozenset()) -> OutboxPost | None:
        """Lease the next post to send now (the first pending one of its thread), or None."""
        with self.store.tx() as tx:
            found = tx.lease_due_post(now=self.clock(), lease_seconds=self.lease.total_seconds(), token=new_token(),
                                      skip_channels=skip_channels, relay_kinds=(POST_CORE_REPLY,))
            return outbox_view(*found) if found else None

    def due_many(self, *, limit: int = 50) -> list[OutboxPost]:
        """Lease up to ``limit`` posts, one lease each (at most one per thread)."""
        posts: list[OutboxPost] = []
        while len(posts) < limit and (post := self.due()) is not None:
            posts.append(post)
        return posts

    def extend(self, post_id: int, token: str) -> bool:
        """Renew the lease while the post is being sent; False when it was taken over."""
        with self.store.tx() as tx:
            row = tx.leased_post(post_id, token)
            if row is None:
                return False
            row.lease_until = db_after(self.lease.total_seconds())
            return True

    def mark_sent(self, post_id: int, *, token: str, ts: str | None) -> bool:
        """The post went out; ``ts`` is the platform's message id. False if the lease was lost."""
        with self.store.tx(patient=True) as tx:  # settles a send: a lost write would send it twice
            row = tx.leased_post(post_id, token)
            if row is None:
                log.warning("outbox post %s: lease taken over before it was marked sent", post_id)
                return False
            row.status, row.sent_ts, row.sent_at, row.last_error = OUTBOX_SENT, ts, self.clock(), None
            row.lease_token = row.lease_until = None
            return True

    def release(self, post_id: int, *, token: str) -> bool:
        """Hand a leased post back unsent (it was not tried): due again now, attempt not counted."""
        with self.store.tx(patient=True) as tx:  # settles a send: a lost write would send it twice
            row = tx.leased_post(post_id, token)
            if row is None:
                return False
            row.attempts = max(row.attempts - 1, 0)
            row.lease_token = row.lease_until = None
            return True

    def mark_failed(self, post_id: int, *, token: str, error: str, retry_at: datetime | None = None,
                    give_up: bool = False) -> str:
        """Schedule a retry (default: backoff), or give up after MAX_ATTEMPTS or when asked.

        Returns :data:`RETRY`, :data:`GAVE_UP` (the caller reports it) or :data:`LOST`.
        """
        with self.store.tx(patient=True) as tx:  # settles a send: a lost write would send it twice
            row = tx.leased_post(post_id, token)
            if row is None:
                return LOST
            row.last_error = error[:2000]
            row.lease_token = row.lease_until = None
            if give_up or row.attempts >= MAX_ATTEMPTS:
                row.status = OUTBOX_FAILED
                log.warning("outbox post %s (%s) failed for good after %d attempts", row.id, row.kind, row.attempts)
                return GAVE_UP
            row.next_attempt_at = retry_at or self.clock() + retry_delay(row.attempts)
            return RETRY
