"""The inbox in the store: received once, begun once, taken up again when a worker died,
given up after too many attempts; on both databases and under concurrency."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from bot.store import inbox as inbox_mod
from bot.store.inbox import Inbox

T0 = datetime(2026, 2, 1, 10, 0, tzinfo=timezone.utc)
PAYLOAD = {"body": {"event": {"text": "Waar vind ik het draaiboek?"}}}


def test_receive_is_once_and_begin_is_once(store):
    inbox = Inbox(store)
    assert inbox.receive("Ev1", kind="event", payload=PAYLOAD, now=T0) is True
    assert inbox.receive("Ev1", kind="event", payload=PAYLOAD, now=T0) is False
    assert inbox.begin("Ev1", now=T0) == 1
    assert inbox.begin("Ev1", now=T0) is None
    inbox.finish("Ev1", now=T0)
    assert inbox.status("Ev1") == "done"
    with store.tx() as tx:
        assert tx.session.get(inbox_mod.ProcessedEvent, "Ev1").payload is None  # no text kept


def test_concurrent_receive_and_begin_let_exactly_one_through(store):
    inbox = Inbox(store)
    results: dict[str, list] = {"receive": [], "begin": []}
    barrier = threading.Barrier(8)

    def deliver() -> None:
        barrier.wait()
        results["receive"].append(inbox.receive("EvRace", kind="event", payload=PAYLOAD, now=T0))
        results["begin"].append(inbox.begin("EvRace", now=T0))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results["receive"]) == [False] * 7 + [True]
    assert sorted(results["begin"], key=str) == [1] + [None] * 7


def test_unfinished_work_is_taken_up_after_its_lease_and_given_up_at_last(store):
    inbox = Inbox(store)
    inbox.receive("EvCrash", kind="event", payload=PAYLOAD, now=T0)
    inbox.receive("EvIdle", kind="event", payload=PAYLOAD, now=T0)
    assert inbox.begin("EvCrash", now=T0) == 1  # ...and the worker dies
    assert inbox.lease_stale(now=T0 + timedelta(seconds=5)) == []  # too early for both
    items = inbox.lease_stale(now=T0 + inbox_mod.GRACE + timedelta(seconds=1))
    assert [i.key for i in items] == ["EvIdle"] and items[0].attempts == 1 and items[0].payload == PAYLOAD
    items = inbox.lease_stale(now=T0 + inbox_mod.LEASE + timedelta(seconds=1))
    assert [(i.key, i.attempts) for i in items] == [("EvCrash", 2)]
    assert items[0].received_at == T0
    now = T0
    for _ in range(inbox_mod.MAX_ATTEMPTS):
        now += inbox_mod.LEASE + timedelta(seconds=1)
        inbox.lease_stale(now=now)
    assert inbox.status("EvCrash") == "failed"


def test_released_work_waits_for_its_retry_time(store):
    inbox = Inbox(store)
    inbox.receive("Ev2", kind="event", payload=PAYLOAD, now=T0)
    inbox.begin("Ev2", now=T0)
    inbox.release("Ev2", retry_at=T0 + timedelta(seconds=30))
    assert inbox.lease_stale(now=T0 + timedelta(seconds=29)) == []
    assert [i.key for i in inbox.lease_stale(now=T0 + timedelta(seconds=31))] == ["Ev2"]


def test_an_event_never_received_can_still_be_claimed_once(store):
    inbox = Inbox(store)
    assert inbox.begin("EvDirect", now=T0) == 1
    assert inbox.begin("EvDirect", now=T0) is None
    assert store.claim_event("EvDirect", now=T0) is False  # the plain claim agrees
