"""The per-channel pace is one bucket per channel for all replicas (both databases)."""
from __future__ import annotations

import threading

import pytest

from bot.core.delivery.pace import SharedChannelPace
from bot.store.models import ChannelPace, as_utc
from bot.store.repo import Store


def test_two_replicas_share_one_bucket_per_channel(store: Store, db_url: str) -> None:
    other = Store.open(db_url, upgrade=False)  # a second replica: its own engine and pool
    try:
        a = SharedChannelPace(store, rate=1.0, burst=3)
        b = SharedChannelPace(other, rate=1.0, burst=3)
        waits = [pace.reserve("CSHARED") for pace in (a, b, a, b, a, b)]
        assert waits[:3] == [0.0, 0.0, 0.0]  # the burst, whoever takes it
        assert waits[3:] == pytest.approx([1.0, 2.0, 3.0], abs=0.25)  # then one per second, in turn
        assert b.delay("CSHARED") == pytest.approx(4.0, abs=0.25) and a.delay("CQUIET") == 0.0
        assert a.reserve("CQUIET") == 0.0  # other channels keep their own bucket
    finally:
        other.close()


def _next_free(store: Store, channel: str):
    with store.read() as tx:
        return as_utc(tx.session.get(ChannelPace, channel).next_free_at)


def test_concurrent_reservations_never_share_a_slot(store: Store) -> None:
    """18 posts from 6 threads at once: the bucket moves exactly 18 slots ahead, none lost.

    One slot per second, so the 18 reservations (a few ms each) all land while the bucket is
    in debt and the end of the debt is exact, however slow the machine is: no timing bounds.
    """
    pace = SharedChannelPace(store, rate=1.0, burst=1)
    pace.reserve("CRACE")  # the bucket exists and is in debt
    before = _next_free(store, "CRACE")
    barrier = threading.Barrier(6)

    def take() -> None:
        barrier.wait()
        for _ in range(3):
            pace.reserve("CRACE")

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (_next_free(store, "CRACE") - before).total_seconds() == pytest.approx(18.0)  # a lost update: 17
