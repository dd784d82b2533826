"""The inbox in the store: received once, begun once, taken up again when a worker died,
given up after too many attempts, every state change fenced by the lease's token and
leases timed by the database's clock; on both databases and under concurrency."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from bot.store import inbox as inbox_mod
from bot.store.inbox import Inbox

from .leases import expire_leases

T0 = datetime(2026, 2, 1, 10, 0, tzinfo=timezone.utc)
PAYLOAD = {"body": {"event": {"text": "Waar vind ik het draaiboek?"}}}


def test_receive_is_once_and_begin_is_once(store):
    inbox = Inbox(store)
    assert inbox.receive("Ev1", kind="event", payload=PAYLOAD, now=T0) is True
    assert inbox.receive("Ev1", kind="event", payload=PAYLOAD, now=T0) is False
    token = inbox.begin("Ev1", now=T0)
    assert token
    assert inbox.begin("Ev1", now=T0) is None
    assert inbox.finish("Ev1", "not-the-token", now=T0) is False
    assert inbox.finish("Ev1", token, now=T0) is True
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
    assert sum(1 for r in results["begin"] if r) == 1


def test_a_live_lease_is_not_taken_whatever_the_servers_clock_says(store):
    """The lease runs on the database's clock: a replica whose clock is an hour ahead
    does not take work another replica is doing."""
    inbox = Inbox(store)
    inbox.receive("EvLive", kind="event", payload=PAYLOAD, now=T0)
    assert inbox.begin("EvLive", now=T0)
    assert inbox.lease_stale(now=datetime.now(timezone.utc) + timedelta(hours=1)) == []


def test_a_worker_that_outlived_its_lease_cannot_settle_or_extend_it(store):
    inbox = Inbox(store, lease=timedelta(seconds=0.3))
    inbox.receive("EvSlow", kind="event", payload=PAYLOAD, now=T0)
    slow = inbox.begin("EvSlow", now=T0)
    assert inbox.extend("EvSlow", slow) is True  # the heartbeat keeps it while it is alive
    time.sleep(0.5)  # ...then the worker stalls past its lease
    [taken] = inbox.lease_stale(now=T0)
    assert taken.key == "EvSlow" and taken.attempts == 2 and taken.token != slow
    assert inbox.extend("EvSlow", slow) is False
    assert inbox.finish("EvSlow", slow, now=T0) is False
    assert inbox.release("EvSlow", slow) is False
    assert inbox.status("EvSlow") == "processing"  # the new holder's, untouched
    assert inbox.finish("EvSlow", taken.token, now=T0) is True


def test_unfinished_work_is_taken_up_after_its_lease_and_given_up_at_last(store):
    inbox = Inbox(store)
    inbox.receive("EvCrash", kind="event", payload=PAYLOAD, now=T0)
    inbox.receive("EvIdle", kind="event", payload=PAYLOAD, now=T0 + timedelta(seconds=1))
    assert inbox.begin("EvCrash", now=T0)  # ...and the worker dies
    assert inbox.lease_stale(now=T0 + timedelta(seconds=5)) == []  # too early for both
    items = inbox.lease_stale(now=T0 + inbox_mod.GRACE + timedelta(seconds=2), limit=5)
    assert [i.key for i in items] == ["EvIdle"] and items[0].attempts == 1 and items[0].payload == PAYLOAD
    expire_leases(store)
    items = inbox.lease_stale(now=T0, limit=5)
    assert [(i.key, i.attempts) for i in items] == [("EvCrash", 2), ("EvIdle", 2)]
    assert items[0].received_at == T0
    given_up = []
    for _ in range(inbox_mod.MAX_ATTEMPTS):
        expire_leases(store)
        given_up += [i.key for i in inbox.lease_stale(now=T0, limit=5) if i.given_up]
    assert inbox.status("EvCrash") == "failed"
    assert sorted(given_up) == ["EvCrash", "EvIdle"]  # handed out once more, to tell the asker


def test_one_row_is_leased_at_a_time_by_default(store):
    inbox = Inbox(store)
    for n in range(3):
        inbox.receive(f"EvQ{n}", kind="event", payload=PAYLOAD, now=T0 + timedelta(seconds=n))
    assert [i.key for i in inbox.lease_stale(now=T0 + timedelta(minutes=1))] == ["EvQ0"]


def test_released_work_waits_for_its_retry_time(store):
    inbox = Inbox(store)
    inbox.receive("Ev2", kind="event", payload=PAYLOAD, now=T0)
    token = inbox.begin("Ev2", now=T0)
    assert inbox.release("Ev2", token, delay=timedelta(seconds=30)) is True
    assert inbox.lease_stale(now=T0 + timedelta(minutes=5)) == []
    expire_leases(store, seconds=1)
    assert [i.key for i in inbox.lease_stale(now=T0)] == ["Ev2"]


def test_an_event_never_received_can_still_be_claimed_once(store):
    inbox = Inbox(store)
    assert inbox.begin("EvDirect", now=T0)
    assert inbox.begin("EvDirect", now=T0) is None
    assert store.claim_event("EvDirect", now=T0) is False  # the plain claim agrees
