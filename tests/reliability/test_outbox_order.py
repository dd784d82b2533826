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


def send_all(service: LoketService) -> list[str]:
    """Drain like the adapter does (one leased post at a time), sending each; the texts in order."""
    sent = []
    while (post := service.due_post()) is not None:
        assert service.mark_sent(post.id, token=post.token, ts="1.0")
        sent.append(post.payload.get("text") or post.kind)
    return sent


def test_core_replies_go_out_in_the_order_they_were_written(store):
    clock = Clock()
    service = LoketService(desk=FakeDesk(), store=store, is_core=lambda u: u == CORE, clock=clock)
    number = escalated(service, "100.1")
    service.claim(number, user_id=CORE)
    service.record_core_reply(number, user_id=CORE, text="deel 2", message_ts=ts(2))  # processed first ...
    service.record_core_reply(number, user_id=CORE, text="deel 1", message_ts=ts(1))  # ... written first
    assert send_all(service) == [POST_CLAIMED]  # the replies are held back a moment
    clock.now += REORDER_DELAY + timedelta(seconds=1)
    assert send_all(service) == ["deel 1", "deel 2"]


def test_a_thread_has_one_post_leased_at_a_time(store):
    clock = Clock()
    service = LoketService(desk=FakeDesk(), store=store, is_core=lambda u: u == CORE, clock=clock)
    a, b = escalated(service, "100.1"), escalated(service, "200.1")
    for number in (a, b):
        for part in (1, 2):
            service.record_core_reply(number, user_id=CORE, text=f"#{number} deel {part}", message_ts=ts(part))
    clock.now += REORDER_DELAY + timedelta(seconds=3)
    batch = service.due_posts()
    assert texts(batch) == [f"#{a} deel 1", f"#{b} deel 1"]  # part 2 waits until part 1 is settled


def test_a_failed_post_holds_back_its_thread_only(store):
    clock = Clock()
    service = LoketService(desk=FakeDesk(), store=store, is_core=lambda u: u == CORE, clock=clock)
    a, b = escalated(service, "100.1"), escalated(service, "200.1")
    for number in (a, b):
        for part in (1, 2):
            service.record_core_reply(number, user_id=CORE, text=f"#{number} deel {part}", message_ts=ts(part))
    clock.now += REORDER_DELAY + timedelta(seconds=3)
    first = service.due_post()
    assert first.payload["text"] == f"#{a} deel 1"
    service.mark_failed(first.id, token=first.token, error="ratelimited", retry_at=clock.now + timedelta(seconds=30))
    assert send_all(service) == [f"#{b} deel 1", f"#{b} deel 2"]  # "#a deel 2" waits for "#a deel 1"
    clock.now += timedelta(seconds=31)
    assert send_all(service) == [f"#{a} deel 1", f"#{a} deel 2"]


def test_a_relay_waits_for_an_earlier_reply_a_crash_left_in_the_inbox(store):
    """Reply 1 was acknowledged by a replica that died before processing it; reply 2 was
    recorded elsewhere. Reply 2 is not relayed before reply 1 is settled."""
    from bot.store.inbox import Inbox

    clock = Clock()
    service = LoketService(desk=FakeDesk(), store=store, is_core=lambda u: u == CORE, clock=clock)
    number = escalated(service, "100.1")
    lease = service.lease_escalation_post(number)
    assert service.mark_posted(number, channel_id="CCORE", ts="900.000001", token=lease.token)
    inbox = Inbox(store)
    inbox.receive("EvReply1", kind="event", payload={"body": {}}, now=clock.now, thread_key="CCORE:900.000001",
                  sort_key=f"{T0.timestamp() + 1:017.6f}")
    service.record_core_reply(number, user_id=CORE, text="deel 2", message_ts=ts(2))
    clock.now += REORDER_DELAY + timedelta(seconds=1)
    assert send_all(service) == []  # deel 2 waits for deel 1, still in the inbox
    token = inbox.begin("EvReply1", now=clock.now)
    service.record_core_reply(number, user_id=CORE, text="deel 1", message_ts=ts(1))
    assert inbox.finish("EvReply1", token, now=clock.now)
    clock.now += REORDER_DELAY + timedelta(seconds=1)
    assert send_all(service) == ["deel 1", "deel 2"]
