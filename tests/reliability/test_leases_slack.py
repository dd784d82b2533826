"""Fenced leases at the Slack level (two Lokets on one database, the fake Slack): a worker
that outlives its lease stops and does not post; a core reply in the thread of a post that
was not recorded yet is still relayed; a failed look-up never leads to a blind post;
nothing fails in silence (the asker, the core channel and /metrics hear of it); shutdown
takes no new work and finishes what started."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from bot.slack.delivery import POST_REPLY, POST_UNDELIVERED
from bot.slack.inbox import FAILED_TEXT
from bot.store import inbox as inbox_mod
from bot.store import leases
from bot.store.models import OutboxPost, ProcessedEvent

from slack_adapter.conftest import (
    BOT_USER_ID, CHANNEL, CORE, CORE_MEMBER, UNANSWERABLE, Harness, eventually, next_ts,
)
from .leases import expire_leases
from .servers import core_posts
from .test_ops import metric
from .test_slack_once import mention_event


def test_a_poster_that_outlived_its_lease_stops_and_another_posts_once(start_loket, monkeypatch) -> None:
    """Replica a stalls (no heartbeat, a slow Slack) past its lease; b takes the post over;
    when a wakes up it finds the lease gone and does not post."""
    monkeypatch.setattr(leases.HEARTBEAT, "add", lambda lease: None)  # a stalled process renews nothing
    a, b = start_loket(), start_loket()
    a.service.lease = timedelta(seconds=0.5)
    a.fake.fail_next("chat.getPermalink", mode="slow", delay=2.0)  # a's post is prepared slowly
    ts = a.mention(UNANSWERABLE)
    a.fake.wait_for_arrival("chat.getPermalink")
    time.sleep(0.8)  # a's lease has run out (database clock)
    assert b.deps.delivery.retry_pending(min_age=timedelta(0)) == 1
    a.answer_in(CHANNEL, ts)
    a.fake.settle(quiet=2.5)  # a wakes up after 2 s
    assert len(core_posts(a.fake)) == 1
    esc = a.service.escalation(1)
    assert esc.posted and esc.core_ts == core_posts(a.fake)[0].ts


def test_a_core_reply_before_the_post_was_recorded_is_relayed(loket: Harness, monkeypatch) -> None:
    """The post reached Slack; recording it did not happen (yet). The reply in its thread
    finds the escalation by the post's marker, is relayed, and the post is recorded."""
    monkeypatch.setattr(loket.service, "mark_posted", lambda *a, **kw: False)
    ts = loket.mention(UNANSWERABLE)
    post = loket.core_post()
    assert not loket.service.escalation(1).posted
    loket.message("Kijk op de site van de gemeente.", user=CORE_MEMBER, channel=CORE, thread_ts=post.ts)
    relay = loket.fake.wait_for("chat.postMessage", lambda c: "site van de gemeente" in c.all_text(),
                                channel=CHANNEL, thread_ts=ts)
    assert len(relay) == 1
    esc = loket.service.escalation(1)
    assert (esc.core_channel_id, esc.core_ts, esc.answer_text) == (CORE, post.ts, "Kijk op de site van de gemeente.")


def test_a_reply_whose_thread_cannot_be_looked_up_is_kept_and_retried(loket: Harness, monkeypatch) -> None:
    monkeypatch.setattr(loket.service, "mark_posted", lambda *a, **kw: False)
    ts = loket.mention(UNANSWERABLE)
    post = loket.core_post()
    loket.fake.fail_next("conversations.replies", status=500)
    loket.message("Antwoord dat even moet wachten.", user=CORE_MEMBER, channel=CORE, thread_ts=post.ts)
    eventually(lambda: _released(loket))  # kept in the inbox (handed back, not dropped)
    expire_leases(loket.service.store)
    loket.runtime.loop.run_once()
    loket.fake.wait_for("chat.postMessage", lambda c: "even moet wachten" in c.all_text(), channel=CHANNEL,
                        thread_ts=ts)


def test_a_failed_look_up_never_posts_blindly(loket: Harness) -> None:
    loket.fake.fail_next("chat.postMessage", status=200, error="not_in_channel", channel=CORE)
    ts = loket.mention(UNANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    tried = lambda: any(c.method == "chat.postMessage" and c.params.get("channel") == CORE  # noqa: E731
                        for c in loket.fake.calls)
    eventually(lambda: tried() and loket.service.pending_escalation_posts() and _post_unleased(loket))
    loket.fake.fail_next("conversations.history", status=500)  # the second attempt must look first
    assert loket.deps.delivery.retry_pending(min_age=timedelta(0)) == 0
    assert core_posts(loket.fake) == [] and _post_unleased(loket)  # not posted, handed back
    assert loket.deps.delivery.retry_pending(min_age=timedelta(0)) == 1
    loket.fake.settle(quiet=0.3)
    assert len(core_posts(loket.fake)) == 1


def test_a_request_that_fails_for_good_is_reported_to_its_asker(loket: Harness) -> None:
    ts = next_ts()
    body = {"type": "event_callback", "event_id": "EvDoomed", "event": mention_event("Iets?", ts)}
    inbox = loket.deps.inbox.inbox
    inbox.receive("EvDoomed", kind="event", payload={"body": body, "bot_user_id": BOT_USER_ID},
                  now=datetime.now(timezone.utc) - timedelta(minutes=5))
    with loket.service.store.tx() as tx:
        row = tx.session.get(ProcessedEvent, "EvDoomed")
        row.status, row.attempts = "processing", inbox_mod.MAX_ATTEMPTS
        row.lease_until = datetime.now(timezone.utc)  # the last attempt's worker died
    expire_leases(loket.service.store)
    loket.runtime.loop.run_once()
    [note] = loket.fake.wait_for("chat.postMessage", channel=CHANNEL, thread_ts=ts)
    assert FAILED_TEXT in note.all_text()
    assert inbox.status("EvDoomed") == "failed"
    assert metric(loket.request("/metrics").body.decode(), "loket_inbox_failed") == 1


def test_a_post_given_up_is_reported_in_the_core_channel_and_counted(loket: Harness) -> None:
    loket.service.enqueue_post(kind=POST_REPLY, channel_id="CGONE", thread_ts="1690000000.000001",
                               payload={"message": {"text": "Antwoord"}}, dedupe_key="reply:gone")
    loket.fake.fail_next("chat.postMessage", status=200, error="channel_not_found", channel="CGONE")
    loket.deps.delivery.deliver_outbox()
    [note] = loket.fake.wait_for("chat.postMessage", lambda c: "niet worden afgeleverd" in c.all_text(), channel=CORE)
    assert "channel_not_found" in note.all_text() and not note.get("thread_ts")
    text = loket.request("/metrics").body.decode()
    assert metric(text, "loket_outbox_failed") == 1
    assert metric(text, "loket_posts_given_up_total", kind=POST_REPLY) == 1
    assert metric(text, "loket_oldest_pending_seconds", queue="inbox") == 0
    with loket.service.store.read() as tx:
        kinds = {p.kind: p.status for p in tx.session.query(OutboxPost)}
    assert kinds == {POST_REPLY: "failed", POST_UNDELIVERED: "sent"}


def test_the_loop_does_not_wait_for_a_busy_channel(loket: Harness) -> None:
    """Posts to a channel whose pace is used up are left for the next round; the others go."""
    limiter = loket.deps.delivery.poster.client.limiter
    for _ in range(limiter.burst + 3):
        limiter.reserve("CBUSY")  # CBUSY's pace is used up for a few seconds
    loket.service.enqueue_post(kind=POST_REPLY, channel_id="CBUSY", thread_ts=None,
                               payload={"message": {"text": "later"}}, dedupe_key="busy:1")
    loket.service.enqueue_post(kind=POST_REPLY, channel_id="CFREE", thread_ts=None,
                               payload={"message": {"text": "nu"}}, dedupe_key="free:1")
    started = time.monotonic()
    loket.runtime.loop.run_once()
    assert time.monotonic() - started < 1.5
    assert len(loket.fake.calls_to("chat.postMessage", channel="CFREE")) == 1
    assert loket.fake.calls_to("chat.postMessage", channel="CBUSY") == []
    assert loket.deps.delivery.deferred and loket.runtime.loop._next_wait() <= 1.0


def test_shutdown_takes_no_new_work_and_finishes_what_started(loket: Harness) -> None:
    inbox = loket.deps.inbox
    release = threading.Event()
    started = threading.Event()

    def slow_work() -> None:
        started.set()
        release.wait(5)

    body = {"type": "event_callback", "event_id": "EvBusy", "event": mention_event("Iets?", next_ts())}
    inbox.inbox.receive("EvBusy", kind="event", payload={"body": body}, now=datetime.now(timezone.utc))
    worker = threading.Thread(target=inbox.process, args=(body, slow_work))
    worker.start()
    started.wait(5)
    inbox.stop_taking()
    later = {"type": "event_callback", "event_id": "EvLater", "event": mention_event("Nog iets?", next_ts())}
    inbox.inbox.receive("EvLater", kind="event", payload={"body": later}, now=datetime.now(timezone.utc))
    inbox.process(later, lambda: None)
    assert inbox.inbox.status("EvLater") == "received"  # left for another replica
    assert inbox.drain(0.2) is False  # EvBusy still runs
    threading.Timer(0.3, release.set).start()
    assert inbox.drain(5) is True
    assert inbox.hand_back() == 0
    assert inbox.inbox.status("EvBusy") == "done"
    worker.join(5)


def _rows(loket: Harness, status: str) -> list[str]:
    with loket.service.store.read() as tx:
        return [r.event_id for r in tx.session.query(ProcessedEvent).filter(ProcessedEvent.status == status)]


def _released(loket: Harness) -> list[str]:
    """Inbox rows handed back to be tried again later (processing, nobody holds them)."""
    with loket.service.store.read() as tx:
        return [r.event_id for r in tx.session.query(ProcessedEvent).filter(ProcessedEvent.status == "processing",
                                                                             ProcessedEvent.lease_token.is_(None))]


def _post_unleased(loket: Harness, number: int = 1) -> bool:
    with loket.service.store.read() as tx:
        return tx.escalation(number).post_lease_token is None
