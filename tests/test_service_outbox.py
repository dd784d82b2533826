"""The outbox: fenced leases (one post at a time, database clock), retries with backoff,
giving up, and posts that wait for their thread."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from bot.core.delivery.outbox import GAVE_UP, LOST, MAX_ATTEMPTS, RETRY, Outbox, retry_delay
from bot.store.models import OutboxPost as OutboxRow
from conftest_db import db_url, store  # noqa: F401  (fixtures)
from reliability.leases import expire_leases

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def _enqueue(outbox: Outbox, key: str, **kw) -> int | None:
    args = dict(kind="notice", channel_id="D1", thread_ts="1.1", payload={"key": key}, dedupe_key=key) | kw
    return outbox.enqueue(**args)


def test_a_due_post_is_leased_and_comes_back_only_after_the_lease(store):
    clock = Clock()
    outbox = Outbox(store, clock)
    post_id = _enqueue(outbox, "a")
    post = outbox.due()
    assert (post.id, post.kind, post.channel_id, post.thread_ts, post.payload, post.attempts) == (
        post_id, "notice", "D1", "1.1", {"key": "a"}, 1)
    assert post.token
    assert outbox.due() is None  # leased: another drainer must not send it too
    clock.advance(timedelta(days=1))  # the server's clock does not end a lease ...
    assert outbox.due() is None
    assert outbox.extend(post.id, post.token) is True
    expire_leases(store)  # ... the database's does
    again = outbox.due()
    assert again.id == post_id and again.attempts == 2 and again.token != post.token


def test_a_drainer_that_lost_its_lease_changes_nothing(store):
    outbox = Outbox(store, Clock())
    _enqueue(outbox, "a")
    slow = outbox.due()
    expire_leases(store)
    fast = outbox.due()
    assert outbox.extend(slow.id, slow.token) is False
    assert outbox.mark_sent(slow.id, token=slow.token, ts="1.0") is False
    assert outbox.release(slow.id, token=slow.token) is False
    assert outbox.mark_failed(slow.id, token=slow.token, error="timeout") == LOST
    assert outbox.mark_sent(fast.id, token=fast.token, ts="2.0") is True
    with store.tx() as tx:
        row = tx.outbox_post(fast.id)
        assert (row.status, row.sent_ts, row.lease_token) == ("sent", "2.0", None)


def test_sent_posts_are_done(store):
    clock = Clock()
    outbox = Outbox(store, clock)
    _enqueue(outbox, "a")
    post = outbox.due()
    assert outbox.mark_sent(post.id, token=post.token, ts="123.456") is True
    clock.advance(timedelta(days=1))
    expire_leases(store)
    assert outbox.due() is None
    with store.tx() as tx:
        row = tx.outbox_post(post.id)
        assert (row.status, row.sent_ts) == ("sent", "123.456")


def test_duplicate_keys_are_queued_once(store):
    outbox = Outbox(store, Clock())
    assert _enqueue(outbox, "same") is not None
    assert _enqueue(outbox, "same") is None
    assert len(outbox.due_many()) == 1


def test_failed_posts_are_retried_with_backoff_then_given_up(store):
    clock = Clock()
    outbox = Outbox(store, clock)
    _enqueue(outbox, "a")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        post = outbox.due()
        assert post.attempts == attempt
        result = outbox.mark_failed(post.id, token=post.token, error="ratelimited")
        assert result == (RETRY if attempt < MAX_ATTEMPTS else GAVE_UP)
        if attempt < MAX_ATTEMPTS:
            clock.advance(retry_delay(attempt) - timedelta(seconds=1))
            assert outbox.due() is None  # not yet
            clock.advance(timedelta(seconds=1))
    clock.advance(timedelta(days=1))
    assert outbox.due() is None
    with store.tx() as tx:
        row = tx.session.query(OutboxRow).one()
        assert (row.status, row.attempts, row.last_error) == ("failed", MAX_ATTEMPTS, "ratelimited")


def test_explicit_retry_time_and_give_up(store):
    clock = Clock()
    outbox = Outbox(store, clock)
    _enqueue(outbox, "a")
    _enqueue(outbox, "b", thread_ts="2.2")
    a, b = outbox.due_many()
    assert outbox.mark_failed(a.id, token=a.token, error="channel_not_found", give_up=True) == GAVE_UP
    assert outbox.mark_failed(b.id, token=b.token, error="timeout", retry_at=T0 + timedelta(minutes=10)) == RETRY
    clock.advance(timedelta(minutes=9))
    assert outbox.due() is None
    clock.advance(timedelta(minutes=1))
    assert [p.id for p in outbox.due_many()] == [b.id]


def test_backoff_grows_and_is_capped():
    delays = [retry_delay(n) for n in range(1, 20)]
    assert delays == sorted(delays)
    assert delays[0] == timedelta(seconds=15) and delays[-1] == timedelta(hours=1)


def test_a_post_for_the_core_thread_waits_until_the_escalation_is_posted(store):
    clock = Clock()
    outbox = Outbox(store, clock)
    with store.tx() as tx:
        q = tx.add_question(user_id="U1", channel_id="D1", conversation_ts="1.1", via="dm", text="vraag", created_at=T0)
        esc = tx.add_escalation(question_id=q.id, asker_user_id="U1", asker_channel_id="D1", created_at=T0)
        tx.enqueue_post(kind="followup", channel_id=None, thread_ts=None, escalation_id=esc.id, payload={},
                        dedupe_key="f1", now=T0)
    assert outbox.due() is None
    with store.tx() as tx:
        row = tx.escalation(esc.id)
        row.core_channel_id, row.core_ts = "CCORE", "9.9"
    post = outbox.due()
    assert (post.channel_id, post.thread_ts, post.escalation_number) == ("CCORE", "9.9", esc.id)


def test_concurrent_drainers_never_get_the_same_post(store):
    outbox = Outbox(store, Clock())
    for i in range(40):
        _enqueue(outbox, f"p{i}", thread_ts=f"{i}.1")  # 40 threads: a thread's posts go to one drainer at a time
    got: list[list[int]] = []
    barrier = threading.Barrier(4)

    def drain() -> None:
        barrier.wait()
        got.append([p.id for p in outbox.due_many(limit=15)])

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [i for batch in got for i in batch]
    assert len(ids) == len(set(ids)) == 40


def test_settling_a_send_waits_out_another_writer_longer_than_an_ack_may(tmp_path):
    """After a post went out (or a request was handled) the write that settles it must not
    give up after the 2-s acknowledgement wait: lost, the post is sent again after its lease.
    Another writer here holds SQLite's write lock for 2.5 s (a slow fsync on a loaded disk)."""
    from bot.core.delivery.jobs import claim_run, finish_run
    from bot.store.inbox import Inbox
    from bot.store.repo import Store
    from sqlalchemy import text

    store = Store.open(f"sqlite:///{tmp_path / 'loket.db'}")
    outbox, inbox = Outbox(store, Clock()), Inbox(store)
    _enqueue(outbox, "a")
    post = outbox.due()
    inbox.receive("Ev1", kind="message", payload={"x": 1}, now=T0)
    token = inbox.begin("Ev1", now=T0)
    assert claim_run(store, "weekly", now=T0, every=timedelta(days=7))
    holding, done = threading.Event(), threading.Event()

    def writer() -> None:
        with store.tx() as tx:  # BEGIN IMMEDIATE: the write lock, for longer than an ack waits
            tx.session.execute(text("SELECT 1"))  # the session begins (takes the lock) on first use
            holding.set()
            done.wait(2.5)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    try:
        assert outbox.mark_sent(post.id, token=post.token, ts="1.0") is True
        assert inbox.finish("Ev1", token, now=T0) is True
        finish_run(store, "weekly", now=T0, result={"ok": True})
    finally:
        done.set()
        thread.join(10)
    assert inbox.status("Ev1") == "done"
    with store.read() as tx:
        assert tx.outbox_post(post.id).status == "sent"
    store.close()
