"""The platform-neutral delivery machinery on its own (``bot.core.delivery``): the inbox
worker, the outbox drainer and the ``Retry-After`` policy, on a real store, with a
platform that is just a function. The Slack and Teams suites cover them end to end."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.delivery.drain import Failure, OutboxDrainer, Sent, Undeliverable
from bot.core.delivery.inbox import InboxWorker, RetryLater, current_work
from bot.core.delivery.retry import MAX_RETRY_AFTER, retry_after
from bot.core.service import LoketService
from bot.store.models import OutboxPost as OutboxRow
from bot.store.models import ProcessedEvent, as_utc
from conftest_db import db_url, store  # noqa: F401  (fixtures)
from reliability.leases import expire_leases

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
ours = lambda channel: channel.startswith("x:")  # noqa: E731 - "our" platform's conversations


# -- Retry-After ---------------------------------------------------------------------------
def test_retry_after_in_seconds_and_as_a_date():
    assert retry_after(429, "7", NOW) == NOW + timedelta(seconds=7)
    assert retry_after(429, "1.5", NOW) == NOW + timedelta(seconds=1.5)
    assert retry_after(429, "Mon, 30 Nov 2026 09:02:00 GMT", NOW) == NOW + timedelta(minutes=2)


def test_retry_after_only_for_429_with_a_usable_header():
    assert retry_after(503, "7", NOW) is None
    assert retry_after(429, None, NOW) is None
    assert retry_after(429, "soon", NOW) is None
    assert retry_after(429, "-5", NOW) == NOW  # never in the past
    assert retry_after(429, "999999", NOW) == NOW + MAX_RETRY_AFTER  # one header never parks a post for days


# -- the outbox drainer ----------------------------------------------------------------------
@pytest.fixture
def service(store):
    return LoketService(desk=None, store=store, is_core=lambda user: False)


def _queue(service: LoketService, key: str, channel: str = "x:1", thread: str | None = "t1") -> int:
    return service.enqueue_post(kind="notice", channel_id=channel, thread_ts=thread, payload={"key": key},
                                dedupe_key=key)


def _row(service: LoketService, post_id: int) -> OutboxRow:
    with service.store.read() as tx:
        row = tx.session.get(OutboxRow, post_id)
        tx.session.expunge(row)
        return row


def _drainer(service, sent: list, *, fail: Exception | None = None, **kw) -> OutboxDrainer:
    def send(post):
        if fail is not None:
            raise fail
        sent.append(post.payload["key"])
        return Sent(f"m{post.id}")

    describe = kw.pop("describe", lambda e: Failure(type(e).__name__))
    return OutboxDrainer(service, owns=ours, send=send, describe=describe, **kw)


def test_the_drainer_sends_its_own_posts_and_leaves_the_other_platforms_unspent(service):
    mine, theirs = _queue(service, "a"), _queue(service, "b", channel="C1")
    sent: list[str] = []
    assert _drainer(service, sent).drain() == 1
    assert sent == ["a"]
    assert (_row(service, mine).status, _row(service, mine).sent_ts) == ("sent", f"m{mine}")
    other = _row(service, theirs)
    assert (other.status, other.attempts, other.lease_token) == ("pending", 0, None)  # handed back, not spent


def test_a_429_waits_for_its_retry_after_and_holds_back_its_thread(service):
    first, second = _queue(service, "a"), _queue(service, "b")
    at = (datetime.now(timezone.utc) + timedelta(minutes=10)).replace(microsecond=0)
    describe = lambda e: Failure("http 429", retry_at=at)  # noqa: E731
    assert _drainer(service, [], fail=RuntimeError("429"), describe=describe).drain() == 0
    row = _row(service, first)
    assert (row.status, row.last_error, row.attempts) == ("pending", "http 429", 1)
    assert as_utc(row.next_attempt_at) == at
    assert _row(service, second).attempts == 0  # the rest of the thread waits its turn
    sent: list[str] = []
    assert _drainer(service, sent).drain() == 0 and sent == []  # not due before Retry-After


def test_an_undeliverable_post_is_given_up_at_once_and_reported(service):
    post_id = _queue(service, "a")
    reported: list[tuple[int, str]] = []
    drainer = _drainer(service, [], fail=Undeliverable("unknown kind"),
                       gave_up=lambda post, failure: reported.append((post.id, failure.error)))
    assert drainer.drain() == 0
    assert _row(service, post_id).status == "failed"
    assert reported == [(post_id, "unknown kind")]


def test_a_busy_channel_is_left_for_later_without_waiting(service):
    post_id = _queue(service, "a")
    sent: list[str] = []
    drainer = _drainer(service, sent, pace=lambda channel: 0.8)
    assert drainer.drain(wait=False) == 0 and drainer.deferred is True and sent == []
    assert _row(service, post_id).attempts == 0  # handed back unspent
    assert _drainer(service, sent, pace=lambda channel: 0.8).drain(wait=True) == 1  # a waiting caller sends it


# -- the inbox worker ------------------------------------------------------------------------
def _received(store, key: str, kind: str = "x.message") -> None:
    from bot.store.inbox import Inbox

    Inbox(store).receive(key, kind=kind, payload={"text": key}, now=datetime.now(timezone.utc))


def _status(store, key: str) -> tuple[str, str | None]:
    with store.read() as tx:
        row = tx.session.get(ProcessedEvent, key)
        return row.status, row.lease_token


def test_work_runs_once_as_the_current_work_and_is_done(store):
    worker = InboxWorker(store)
    _received(store, "k1")
    seen = []
    work = worker.begin("k1")
    worker.run(work, lambda: seen.append(current_work()), {"text": "k1"})
    assert [w.key for w in seen] == ["k1"] and current_work() is None
    assert _status(store, "k1") == ("done", None)
    assert worker.begin("k1") is None  # never twice


def test_retry_later_hands_the_row_back_and_a_failure_is_reported(store):
    reports: list[dict] = []
    worker = InboxWorker(store, notify_failed=reports.append)
    _received(store, "later")
    _received(store, "broken")

    def later() -> None:
        raise RetryLater("look-up failed")

    def broken() -> None:
        raise ValueError("bug")

    worker.run(worker.begin("later"), later, {"text": "later"})
    worker.run(worker.begin("broken"), broken, {"text": "broken"})
    assert _status(store, "later") == ("processing", None)  # kept, to be tried again
    assert _status(store, "broken")[0] == "failed"
    assert reports == [{"text": "broken"}]  # told once, only for the failure
    assert worker.in_flight() == set()


def test_redelivery_takes_up_only_its_own_kinds(store):
    mine = InboxWorker(store, kinds=("x.message",))
    _received(store, "ours")
    _received(store, "theirs", kind="event")
    for key in ("ours", "theirs"):
        assert InboxWorker(store).begin(key) is not None  # begun by a worker that then died
    expire_leases(store)
    ran: list[str] = []
    assert mine.redeliver(lambda item: lambda: ran.append(item.key)) == 1
    assert ran == ["ours"] and _status(store, "ours")[0] == "done"
    assert _status(store, "theirs")[0] == "processing"  # the other adapter's row is left alone
