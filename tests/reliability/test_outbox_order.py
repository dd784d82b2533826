"""Outbox order within a thread, on both databases: core replies go out in the order they
were written (their Slack ts), also when their events are processed the other way round,
and a failed post holds back the posts after it in its thread (not other threads)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.core.service import POST_CLAIMED, REORDER_DELAY, Asker, LoketService

from .fakes import CORE, FakeDesk, unanswered

T0 = datetime.now(timezone.utc).replace(microsecond=0)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def ts(seconds_after_t0: float) -> str:
    return f"{T0.timestamp() + seconds_after_t0:.6f}"


def escalated(service: LoketService, thread: str) -> int:
    asker = Asker(user_id="UASK", channel_id="CPRT", message_ts=thread, via="mention")
    return service.handle_question(asker, unanswered(f"Vraag in {thread}?")).escalation.number


def texts(posts) -> list[str]:
    return [p.payload.get("text") or p.kind for p in posts]


def test_core_replies_go_out_in_the_order_they_were_written(store):
    clock = Clock()
    service = LoketService(desk=FakeDesk(), store=store, is_core=lambda u: u == CORE, clock=clock)
    number = escalated(service, "100.1")
    service.claim(number, user_id=CORE)
    service.record_core_reply(number, user_id=CORE, text="deel 2", message_ts=ts(2))  # processed first ...
    service.record_core_reply(number, user_id=CORE, text="deel 1", message_ts=ts(1))  # ... written first
    first = service.due_posts()
    assert [p.kind for p in first] == [POST_CLAIMED]  # the replies are held back a moment
    service.mark_sent(first[0].id, ts="1.0")
    clock.now += REORDER_DELAY + timedelta(seconds=1)
    assert texts(service.due_posts()) == ["deel 1", "deel 2"]


def test_a_failed_post_holds_back_its_thread_only(store):
    clock = Clock()
    service = LoketService(desk=FakeDesk(), store=store, is_core=lambda u: u == CORE, clock=clock)
    a, b = escalated(service, "100.1"), escalated(service, "200.1")
    for number in (a, b):
        for part in (1, 2):
            service.record_core_reply(number, user_id=CORE, text=f"#{number} deel {part}", message_ts=ts(part))
    clock.now += REORDER_DELAY + timedelta(seconds=3)
    batch = service.due_posts()
    assert texts(batch) == [f"#{a} deel 1", f"#{b} deel 1", f"#{a} deel 2", f"#{b} deel 2"]
    service.mark_failed(batch[0].id, error="ratelimited", retry_at=clock.now + timedelta(seconds=30))
    for post in batch[1:]:
        if post.payload["text"].startswith(f"#{a}"):
            service.release_post(post.id)  # what the adapter does after the failure in the thread
        else:
            service.mark_sent(post.id, ts="2.0")
    assert service.due_posts() == []  # "#a deel 2" waits for "#a deel 1"
    clock.now += timedelta(seconds=31)
    assert texts(service.due_posts()) == [f"#{a} deel 1", f"#{a} deel 2"]
