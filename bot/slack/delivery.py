"""Sending to Slack: replies, escalation posts and the service's outbox.

Everything that leaves Loket for Slack after a listener has acknowledged goes through
:class:`Delivery`, so the rules live in one place:

* a failed post never loses a reply: escalations stay *unposted* in the store and are
  retried by :meth:`Delivery.retry_pending`; outbox posts are sent and retried with backoff
  by the platform-neutral :class:`bot.core.delivery.drain.OutboxDrainer`, with Slack's
  sender, error codes and pace (:meth:`Delivery.deliver_outbox`);
* nothing is posted twice: posts go through :class:`bot.slack.posting.Poster` with a key
  (a marker in the message metadata), so a post whose answer got lost is found instead of
  repeated; posting an escalation is leased in the database, so two listener threads, the
  background loop or two replicas never post the same escalation at once;
* rate limits: the clients pace posts per channel and retry 429 after ``Retry-After``
  (see :mod:`bot.slack.client`); what still fails is logged with ids only.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.escalations import relays
from bot.core.delivery.drain import MAX_OUTBOX_ROUNDS, Failure, OutboxDrainer, Sent, Undeliverable
from bot.core.delivery.outbox import ERASURE_KINDS, POST_DELETE
from bot.core.delivery.retry import retry_after
from bot.core.delivery.platforms import is_teams_channel
from bot.core.privacy import PSEUDONYM
from bot.core.service import (
    POST_CLAIMED,
    POST_CLOSED,
    POST_CORE_REPLY,
    POST_FOLLOWUP,
    EscalationLease,
    EscalationView,
    LoketService,
    OutboxPost,
)
from bot.slack import blocks
from bot.slack.block_kit import Message
from bot.slack.client import error_code
from bot.core.delivery.inbox import RetryLater
from bot.slack.posting import LookupFailed, Poster, is_ambiguous
from bot.store.leases import LeaseLost, holding

log = logging.getLogger(__name__)

# Posts of the adapter's own, queued in the service's outbox (exactly-once by dedupe key).
POST_RELAYED = "slack_relayed"  # core thread: "forwarded to the asker" + "Opnemen in kennisbank"
POST_ESCALATED = "slack_escalated"  # asker thread: "your question went to the core team as #N"
POST_REPLY = "slack_reply"  # asker thread: an answer Slack refused at first. payload: message
POST_UNDELIVERED = "slack_undelivered"  # core channel: a post given up after its retries

# Slack errors that will not get better by trying again.
PERMANENT_ERRORS = frozenset(
    {"channel_not_found", "is_archived", "invalid_blocks", "msg_too_long", "no_text", "invalid_auth", "account_inactive",
     "cant_delete_message", "cant_update_message", "edit_window_closed"}
)
# An escalation this young is probably still being posted by the listener that opened it
# (the database lease makes it safe either way; the grace saves a useless round).
RETRY_GRACE = timedelta(seconds=5)
UPDATE_ATTEMPTS = 3

slack_error = error_code  # a short error code for logs and the outbox (never message text)


def is_dm_channel(channel_id: str | None) -> bool:
    """Slack DM channel ids start with D."""
    return bool(channel_id) and str(channel_id).startswith("D")


@dataclass
class Delivery:
    """Posts to Slack on behalf of the listeners and the background loop."""

    client: WebClient
    service: LoketService
    core_channel: str | None
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    poster: Poster | None = None  # default: posts through ``client``
    metrics: Any = None  # bot.slack.metrics.Metrics: failed posts are counted

    def __post_init__(self) -> None:
        self.deferred = False  # set when work waited on a channel's pace (the loop comes back soon)
        if self.poster is None:
            self.poster = Poster(self.client)

    # -- plain replies ---------------------------------------------------------------------
    def post(self, channel: str, thread_ts: str | None, message: Message, *, key: str | None = None,
             verify: bool = False, since: datetime | None = None, **extra: Any) -> str | None:
        """Post a message; returns its ts, or None (logged) when Slack refused.

        ``key`` makes the post at-most-once (see :mod:`bot.slack.posting`); ``verify``
        first looks for an earlier post with that key.
        """
        try:
            return self.poster.post(channel, thread_ts, dict(message), key=key, verify=verify, since=since,
                                    **extra)["ts"]
        except LeaseLost:
            raise  # this worker's work was taken over: stop
        except Exception as e:  # noqa: BLE001 - a failed post must not kill the listener
            log.warning("chat.postMessage to %s failed: %s", channel, slack_error(e))
            return None

    def post_root(self, channel: str, user: str, message: Message, *, key: str | None = None,
                  verify: bool = False) -> tuple[str, str] | None:
        """Start a conversation in ``channel``, or in the user's DM with Loket if that fails.

        Returns ``(channel_id, ts)`` of the posted message.
        """
        for target in (channel, user):  # posting to a user id opens the DM with Loket
            try:
                resp = self.poster.post(target, None, dict(message), key=key, verify=verify and target == channel)
                return resp["channel"], resp["ts"]
            except LeaseLost:
                raise
            except Exception as e:  # noqa: BLE001
                log.info("chat.postMessage to %s failed: %s", target, slack_error(e))
        return None

    def replace(self, channel: str, thread_ts: str | None, placeholder_ts: str | None, message: Message, *,
                key: str | None = None, verify: bool = False) -> str | None:
        """Turn the "Even zoeken…" placeholder into ``message``; post anew if that fails.

        ``chat.update`` is idempotent, so a timeout or dropped connection is simply tried
        again (a few times) before giving up on the placeholder.
        """
        if placeholder_ts:
            for attempt in range(1, UPDATE_ATTEMPTS + 1):
                try:
                    self.client.chat_update(channel=channel, ts=placeholder_ts, **message)
                    return placeholder_ts
                except Exception as e:  # noqa: BLE001
                    if attempt < UPDATE_ATTEMPTS and is_ambiguous(e):
                        continue
                    log.warning("chat.update of %s in %s failed: %s; posting instead", placeholder_ts, channel,
                                slack_error(e))
                    break
        return self.post(channel, thread_ts, message, key=key, verify=verify)

    def ephemeral(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> None:
        """A message only ``user`` sees (errors, confirmations); best effort."""
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **blocks.ephemeral(text))
        except Exception as e:  # noqa: BLE001
            log.info("chat.postEphemeral in %s failed: %s", channel, slack_error(e))

    # -- escalations -----------------------------------------------------------------------
    def post_escalation(self, esc: EscalationView, *, wait: bool = True) -> bool:
        """Post an escalation to the core channel once; True if it is (now) posted.

        The database lease decides who posts (any thread, any replica); it is renewed
        while the post is made and checked before it goes out and when it is recorded. An
        attempt after one that may have reached Slack looks for the earlier post first;
        when that look-up fails nothing is posted (the next round looks again).
        ``wait=False`` leaves the post to the background loop when the core channel's
        pace would make this thread wait (a busy core channel must not hold up others).
        """
        if not self.core_channel:
            log.error("escalation #%d cannot be posted: LOKET_CORE_CHANNEL is not set", esc.number)
            return False
        if not wait and self._pace_delay(self.core_channel) > 0:
            log.info("escalation #%d: core channel busy, the background loop posts it", esc.number)
            return False
        lease = self.service.lease_escalation_post(esc.number)
        if lease is None:  # posted, closed, or someone else is posting it right now
            return self.service.escalation(esc.number).posted
        number, token = esc.number, lease.token
        try:
            with holding(f"escalation-post:{number}", lambda: self.service.extend_escalation_post(number, token),
                         lease_length=self.service.lease):
                posted = self._post_leased_escalation(lease)
        except LeaseLost:
            log.warning("escalation #%d: posting lease taken over; this worker stopped", number)
            return False
        if posted:
            self.deliver_outbox()  # follow-ups that waited for the core thread (the post's lease is over)
        return posted

    def _post_leased_escalation(self, lease: EscalationLease) -> bool:
        current, number = lease.escalation, lease.escalation.number
        asker_link = self._asker_permalink(current)
        message = blocks.escalation_post(current, **self._post_details(current, asker_link))
        try:
            resp = self.poster.post(self.core_channel, None, dict(message), key=f"esc:{number}",
                                    verify=lease.attempt > 1, since=current.created_at)
        except LeaseLost:
            raise
        except Exception as e:  # noqa: BLE001 - stays unposted; retry_pending tries again
            log.warning("escalation #%d not posted to %s: %s", number, self.core_channel, slack_error(e))
            self.service.release_escalation_post(number, lease.token)
            return False
        if not self.service.mark_posted(number, channel_id=resp["channel"], ts=resp["ts"], token=lease.token,
                                        permalink=asker_link):
            return False
        log.info("escalation #%d posted to %s ts=%s", number, resp["channel"], resp["ts"])
        return True

    def retry_pending(self, *, min_age: timedelta = RETRY_GRACE, wait: bool = True) -> int:
        """Post escalations that are still unposted (older than ``min_age``); returns how many.

        ``wait=False`` (the background loop): stop as soon as the core channel's pace is
        used up, so other work does not wait on it (the next round goes on).
        """
        posted = 0
        cutoff = self.clock() - min_age
        for esc in self.service.pending_escalation_posts():
            if esc.created_at > cutoff or is_teams_channel(esc.asker_channel_id):  # Teams posts its own
                continue
            if not wait and self._pace_delay(self.core_channel) > 0:
                self.deferred = True
                break
            if self.post_escalation(esc, wait=wait):
                posted += 1
        return posted

    def escalation_for_core_thread(self, channel: str, thread_ts: str) -> EscalationView | None:
        """The escalation whose core post starts ``thread_ts``, also when the post was not
        recorded yet (a reply that came before ``mark_posted``) or is a second post of it:
        then the thread's first message is looked up by its marker. RetryLater when the
        look-up fails (the reply is kept in the inbox and tried again, not dropped)."""
        esc = self.service.escalation_for_core_thread(channel, thread_ts)
        if esc is not None or channel != self.core_channel:
            return esc
        try:
            key = self.poster.parent_marker(channel, thread_ts)
        except LookupFailed as e:
            raise RetryLater(f"core thread {thread_ts}") from e
        number = _escalation_number(key)
        if number is None:
            return None
        try:
            return self.service.adopt_escalation_post(number, channel_id=channel, ts=thread_ts)
        except KeyError:
            return None

    def refresh_escalation_post(self, esc: EscalationView) -> None:
        """Re-render the core-channel post after a status change (claimed, answered, closed)."""
        if not esc.posted:
            return
        message = (blocks.erased_post() if is_erased(esc) else
                   blocks.escalation_post(esc, **self._post_details(esc, esc.permalink)))
        try:
            self.client.chat_update(channel=esc.core_channel_id, ts=esc.core_ts, **message)
        except Exception as e:  # noqa: BLE001 - cosmetic; the thread still has the truth
            log.info("escalation #%d post not updated: %s", esc.number, slack_error(e))

    def _asker_permalink(self, esc: EscalationView) -> str | None:
        if is_dm_channel(esc.asker_channel_id) or not esc.asker_thread_ts:
            return None
        try:
            resp = self.client.chat_getPermalink(channel=esc.asker_channel_id, message_ts=esc.asker_thread_ts)
            return resp.get("permalink")
        except Exception as e:  # noqa: BLE001 - the post goes out without a link
            log.info("no permalink for escalation #%d: %s", esc.number, slack_error(e))
            return None

    @staticmethod
    def _post_details(esc: EscalationView, asker_link: str | None) -> dict:
        return {
            "asker_permalink": asker_link,
            "is_dm": is_dm_channel(esc.asker_channel_id),
            "province": getattr(esc, "province", None),
            "theme": getattr(esc, "theme", None),
        }

    def notify_escalated(self, esc: EscalationView) -> None:
        """Tell the asker, once, that the question went to the core team (button path)."""
        if esc.asker_thread_ts is None and not is_dm_channel(esc.asker_channel_id):
            return
        self.service.enqueue_post(
            kind=POST_ESCALATED,
            channel_id=esc.asker_channel_id,
            thread_ts=esc.asker_thread_ts,
            payload={"number": esc.number},
            dedupe_key=f"slack-escalated:{esc.number}",
            escalation_id=esc.number,
        )
        self.deliver_outbox()

    def queue_reply(self, channel: str, thread_ts: str | None, message: Message, *, key: str,
                    question_id: int | None = None, reply_kind: str | None = None) -> None:
        """Hand a reply that could not be posted to the outbox, which retries it with backoff.
        A reply about a question (``question_id``) is recorded for erasure once it is sent."""
        payload: dict[str, Any] = {"message": dict(message)}
        if question_id is not None:
            payload.update(question_id=question_id, reply_kind=reply_kind)
        self.service.enqueue_post(kind=POST_REPLY, channel_id=channel, thread_ts=thread_ts, payload=payload,
                                  dedupe_key=key)
        self.deliver_outbox()

    # -- outbox ----------------------------------------------------------------------------
    def drainer(self) -> OutboxDrainer:
        """The platform-neutral outbox loop with Slack's sender, error codes and pace."""
        return OutboxDrainer(self.service, owns=lambda channel: not is_teams_channel(channel), send=self._send,
                             describe=self._describe, pace=self._pace_delay, after_sent=self._after_sent,
                             gave_up=self._gave_up)

    def deliver_outbox(self, *, wait: bool = True, budget: int = MAX_OUTBOX_ROUNDS) -> int:
        """Send due outbox posts one at a time, in order per thread; returns how many went out.

        The loop is :class:`bot.core.delivery.drain.OutboxDrainer`. ``wait=False`` (the
        background loop): a post to a channel whose pace is used up is left for later
        (``deferred`` tells the loop to come back soon). ``wait=True`` (a listener thread,
        after its own action): the thread waits its channel's turn itself.
        """
        drainer = self.drainer()
        sent = drainer.drain(wait=wait, budget=budget)
        self.deferred = self.deferred or drainer.deferred
        return sent

    def deliver_outbox_after(self, seconds: float) -> None:
        """Deliver again in ``seconds`` (posts held back to keep their order, e.g. core replies)."""
        timer = threading.Timer(seconds, self._deliver_quietly)
        timer.daemon = True
        timer.start()

    def _deliver_quietly(self) -> None:
        try:
            self.deliver_outbox()
        except Exception as e:  # noqa: BLE001 - the background loop tries again
            log.warning("delayed outbox delivery failed: %s", slack_error(e))

    def _pace_delay(self, channel: str | None) -> float:
        limiter = getattr(self.poster.client, "limiter", None)
        return limiter.delay(channel) if limiter is not None and channel else 0.0

    def _send(self, post: OutboxPost) -> Sent:
        """Render and post one leased post (raises what Slack raised)."""
        if post.kind in ERASURE_KINDS:
            return self._erase(post)
        message = self._render(post)
        if message is None:
            raise Undeliverable(f"unknown kind {post.kind}")
        extra = {"reply_broadcast": True} if post.kind == POST_CORE_REPLY and is_dm_channel(post.channel_id) else {}
        resp = self.poster.post(post.channel_id, post.thread_ts, dict(message), key=f"outbox:{post.id}",
                                verify=post.attempts > 1, **extra)
        return Sent(resp.get("ts"), resp.get("channel"))

    def _describe(self, error: Exception) -> Failure:
        """Slack's error code; permanent errors are not retried, 429 waits its ``Retry-After``."""
        code = "lookup_failed" if isinstance(error, LookupFailed) else slack_error(error)
        retry_at = None
        if isinstance(error, SlackApiError):
            retry_at = retry_after(error.response.status_code, (error.response.headers or {}).get("Retry-After"),
                                   self.clock())
        return Failure(code, give_up=code in PERMANENT_ERRORS, retry_at=retry_at)

    def _after_sent(self, post: OutboxPost, sent: Sent, marked: bool) -> None:
        """A core reply: remove it again if it was taken back meanwhile (a take-back while
        it was in flight ends its lease: ``marked`` is False), else confirm in the core thread.
        A queued reply about a question is recorded for erasure."""
        if post.kind == POST_REPLY and post.payload.get("question_id"):
            self.service.record_reply(int(post.payload["question_id"]), channel_id=sent.channel or post.channel_id,
                                      message_ts=sent.ts, thread_ts=post.thread_ts,
                                      kind=post.payload.get("reply_kind") or "answer")
        if post.kind != POST_CORE_REPLY:
            return
        if not self._withdrawn_meanwhile(post, sent) and marked:
            self._queue_relayed_notice(post)

    def _erase(self, post: OutboxPost) -> Sent:
        """Undo one of Loket's posts for a privacy request: delete it, or (the core-channel
        escalation post) replace it by a neutral notice. A message that is gone already
        (``message_not_found``) counts as done."""
        ts = str(post.payload.get("ts") or "")
        try:
            if post.kind == POST_DELETE:
                self.client.chat_delete(channel=post.channel_id, ts=ts)
            else:
                self.client.chat_update(channel=post.channel_id, ts=ts, **blocks.erased_post())
        except SlackApiError as e:
            if slack_error(e) != "message_not_found":
                raise
        return Sent(ts, post.channel_id)

    def _withdrawn_meanwhile(self, post: OutboxPost, sent: Sent) -> bool:
        """A core reply taken back while it was being sent: remove it again at once."""
        number, reply_ts = int(post.payload.get("number") or post.escalation_number or 0), post.payload.get("message_ts")
        relay = relays.find(self.service.store, number, reply_ts) if reply_ts else None
        if relay is None or not relay.withdrawn:
            return False
        try:
            self.client.chat_delete(channel=sent.channel or post.channel_id, ts=sent.ts)
        except Exception as e:  # noqa: BLE001
            log.warning("escalation #%d: withdrawn reply not removed: %s", number, slack_error(e))
        return True

    def _gave_up(self, post: OutboxPost, failure: Failure) -> None:
        """A post given up for good is counted and reported in the core channel."""
        if self.metrics is not None:
            self.metrics.post_given_up(post.kind)
        if not self.core_channel or post.kind == POST_UNDELIVERED:
            return
        self.service.enqueue_post(
            kind=POST_UNDELIVERED, channel_id=self.core_channel, thread_ts=None,
            payload={"number": post.escalation_number or 0, "post_kind": post.kind, "error": failure.error,
                     "channel_id": post.channel_id},
            dedupe_key=f"slack-undelivered:{post.id}",
        )

    def _render(self, post: OutboxPost) -> Message | None:
        p = post.payload
        number = int(p.get("number") or post.escalation_number or 0)
        if post.kind == POST_CORE_REPLY:
            return blocks.core_reply_relay(number, p["user_id"], p.get("text") or "")
        if post.kind == POST_FOLLOWUP:
            return blocks.followup_post(number, p["user_id"], p.get("text") or "")
        if post.kind == POST_CLAIMED:
            return blocks.claimed_notice(number, p["user_id"])
        if post.kind == POST_CLOSED:
            return blocks.closed_notice(number, p["user_id"])
        if post.kind == POST_RELAYED:
            return blocks.relayed_notice(number, p["asker_user_id"], p.get("reply_ts"))
        if post.kind == POST_ESCALATED:
            return blocks.escalated_notice(number, by_asker=True,
                                           in_dm=is_dm_channel(post.channel_id) and post.thread_ts is None)
        if post.kind == POST_UNDELIVERED:
            return blocks.ephemeral(undelivered_text(p))
        if post.kind == POST_REPLY and isinstance(p.get("message"), dict):
            return {"text": p["message"].get("text") or "", "blocks": p["message"].get("blocks") or []}
        return None

    def _queue_relayed_notice(self, post: OutboxPost) -> None:
        """After a relay: confirm in the core thread and offer "Opnemen in kennisbank"."""
        number = int(post.payload.get("number") or post.escalation_number or 0)
        esc = self.service.escalation(number)
        if not esc.posted:
            return
        self.service.enqueue_post(
            kind=POST_RELAYED,
            channel_id=esc.core_channel_id,
            thread_ts=esc.core_ts,
            payload={"number": number, "asker_user_id": esc.asker_user_id,
                     "reply_ts": post.payload.get("message_ts")},
            dedupe_key=f"slack-relayed:{post.id}",  # bot.core.escalations.relays.relay_notice finds it by this key
            escalation_id=number,
        )


def is_erased(esc: EscalationView) -> bool:
    """The asker asked to be forgotten: the core post stays the neutral notice."""
    return esc.asker_user_id == PSEUDONYM and not esc.question


def undelivered_text(payload: dict[str, Any]) -> str:
    """The core-channel note for a post given up after its retries (ids only, no text)."""
    number = int(payload.get("number") or 0)
    about = f" bij escalatie #{number}" if number else ""
    where = f" in <#{payload['channel_id']}>" if str(payload.get("channel_id") or "").startswith("C") else ""
    return (f":warning: Een bericht van Loket{about}{where} kon na meerdere pogingen niet worden afgeleverd "
            f"({payload.get('error') or 'onbekende fout'}). Stuur het zo nodig zelf; latere berichten in die "
            "draad zijn wel verstuurd.")


def _escalation_number(key: str | None) -> int | None:
    """The number in an escalation post's marker key ``esc:N`` (None for other keys)."""
    if not key or not key.startswith("esc:") or not key[4:].isdigit():
        return None
    return int(key[4:])
