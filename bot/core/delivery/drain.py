"""Draining the outbox: lease a due post, send it through the platform, settle it.

:class:`OutboxDrainer` is the loop both adapters share. The platform hands in what is
its own: which posts it ``owns`` (the other platform's are handed back untouched), how to
``send`` one (render + post; returns :class:`Sent` or raises), how to ``describe`` an
error (:class:`Failure`: a short code for the logs, never message text, whether trying
again is useless, and when to try again: ``Retry-After``), and optionally its posting
``pace`` per channel. The drainer keeps the rules:

* one post at a time, each under its own renewed, fenced lease (no process-wide lock:
  listener threads and the background loop drain side by side);
* in order per thread: the store leases only the first pending post of a thread, and
  after a failure the rest of that thread waits for the retry;
* ``wait=False`` (the background loop): a post to a channel whose pace is used up is
  handed back and that channel skipped for this call (``deferred`` tells the loop to come
  back soon); ``wait=True``: the caller waits its channel's turn in ``send``;
* a post that keeps failing is retried with backoff (or after ``Retry-After``) and finally
  given up; ``gave_up`` lets the adapter report that.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from bot.core.delivery.outbox import GAVE_UP
from bot.core.views import OutboxPost
from bot.store.leases import LeaseLost, holding

if TYPE_CHECKING:
    from bot.core.service import LoketService

log = logging.getLogger(__name__)

MAX_OUTBOX_ROUNDS = 50


@dataclass(frozen=True)
class Sent:
    """What the platform answered for a post: its message id (and the conversation)."""

    ts: str | None
    channel: str | None = None


@dataclass(frozen=True)
class Failure:
    """A failed send as the outbox records it (``error``: a short code, never message text)."""

    error: str
    give_up: bool = False
    retry_at: datetime | None = None


class Undeliverable(Exception):
    """The platform cannot send this post at all (unknown kind, no conversation): give up."""


@dataclass
class OutboxDrainer:
    """The outbox loop around a platform's ``send`` (see module docstring)."""

    service: "LoketService"
    owns: Callable[[str], bool]
    send: Callable[[OutboxPost], Sent]
    describe: Callable[[Exception], Failure]
    pace: Callable[[str], float] | None = None  # seconds a post to the channel would wait now
    after_sent: Callable[[OutboxPost, Sent, bool], None] | None = None  # (post, sent, marked sent)
    gave_up: Callable[[OutboxPost, Failure], None] | None = None
    deferred: bool = False  # set when a post was left because of its channel's pace

    def drain(self, *, wait: bool = True, budget: int = MAX_OUTBOX_ROUNDS) -> int:
        """Send due posts one at a time, in order per thread; returns how many went out."""
        sent, busy = 0, set()
        for _ in range(budget):
            post = self.service.due_post(skip_channels=frozenset(busy))
            if post is None:
                break
            if not self.owns(post.channel_id):  # the other platform's post: hand it back
                self.service.release_post(post.id, token=post.token)
                busy.add(post.channel_id)
                continue
            if not wait and self.pace is not None and self.pace(post.channel_id) > 0:
                self.service.release_post(post.id, token=post.token)
                busy.add(post.channel_id)
                self.deferred = True
                continue
            if self.deliver(post):
                sent += 1
        return sent

    def deliver(self, post: OutboxPost) -> bool:
        """Send one leased post under its lease (renewed while it runs); True if sent."""
        try:
            with holding(f"outbox:{post.id}", lambda: self.service.extend_post(post.id, post.token),
                         lease_length=self.service.outbox.lease):
                return self._send(post)
        except LeaseLost:
            log.warning("outbox post %d: lease taken over; this worker stopped", post.id)
            return False

    def _send(self, post: OutboxPost) -> bool:
        try:
            sent = self.send(post)
        except LeaseLost:
            raise
        except Undeliverable as e:
            log.error("outbox post %d (%s) cannot be sent: %s", post.id, post.kind, e)
            self.failed(post, Failure(str(e), give_up=True))
            return False
        except Exception as e:  # noqa: BLE001 - the outbox retries with backoff
            failure = self.describe(e)
            log.warning("outbox post %d (%s) to %s failed: %s", post.id, post.kind, post.channel_id, failure.error)
            self.failed(post, failure)
            return False
        marked = self.service.mark_sent(post.id, token=post.token, ts=sent.ts)
        if self.after_sent is not None:
            self.after_sent(post, sent, marked)
        return marked

    def failed(self, post: OutboxPost, failure: Failure) -> str:
        """Record a failed attempt (retry, or give up); returns what the outbox did."""
        outcome = self.service.mark_failed(post.id, token=post.token, error=failure.error, retry_at=failure.retry_at,
                                           give_up=failure.give_up)
        if outcome == GAVE_UP and self.gave_up is not None:
            self.gave_up(post, failure)
        return outcome
