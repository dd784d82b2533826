"""Exactly once in Slack, enforced by the database: the same event delivered by many
threads at once, to two Lokets on one database, a request left unfinished by a crash, and
outbox posts that keep their order through Slack's failures."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from bot.core.service import Asker
from bot.slack.inbox import SlackInbox

from slack_adapter.conftest import (
    ANSWERABLE, ASKER, BOT_USER_ID, CHANNEL, CORE, CORE_MEMBER, UNANSWERABLE, Harness, eventually, next_ts,
)
from .servers import core_posts, is_escalation_post


def mention_event(text: str, ts: str) -> dict:
    return {"type": "app_mention", "user": ASKER, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
            "channel": CHANNEL, "event_ts": ts}


def deliver_at_once(lokets: list[Harness], event: dict, event_id: str, times: int) -> list[int]:
    statuses: list[int] = []
    barrier = threading.Barrier(times)

    def send(loket: Harness, i: int) -> None:
        barrier.wait()
        statuses.append(loket.send_event(event, event_id=event_id, retry_num=i or None).status)

    threads = [threading.Thread(target=send, args=(lokets[i % len(lokets)], i)) for i in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_the_same_event_at_once_from_eight_threads_is_answered_once(loket: Harness) -> None:
    ts = next_ts()
    assert deliver_at_once([loket], mention_event(ANSWERABLE, ts), "EvBurst", 8) == [200] * 8
    loket.answer_in(CHANNEL, ts)
    loket.fake.settle(quiet=0.5)
    assert len(loket.fake.calls_to("chat.postMessage", channel=CHANNEL, thread_ts=ts)) == 1
    assert len(loket.fake.calls_to("chat.update", channel=CHANNEL)) == 1
    assert loket.deps.inbox.inbox.status("EvBurst") == "done"


def test_two_lokets_on_one_database_escalate_once(start_loket) -> None:
    a, b = start_loket(), start_loket()
    ts = next_ts()
    assert deliver_at_once([a, b], mention_event(UNANSWERABLE, ts), "EvPair", 6) == [200] * 6
    a.fake.wait_for("chat.postMessage", is_escalation_post, channel=CORE)
    a.fake.settle(quiet=0.5)
    assert len(core_posts(a.fake)) == 1
    assert len(a.fake.calls_to("chat.postMessage", channel=CHANNEL, thread_ts=ts)) == 1


def test_two_lokets_posting_the_same_escalation_post_it_once(start_loket) -> None:
    """Both background loops find the unposted escalation at the same moment."""
    a, b = start_loket(), start_loket()
    a.fake.fail_next("chat.postMessage", status=200, error="not_in_channel", channel=CORE)
    ts = a.mention(UNANSWERABLE)
    a.answer_in(CHANNEL, ts)
    tried = lambda: any(c.method == "chat.postMessage" and c.params.get("channel") == CORE for c in a.fake.calls)  # noqa: E731
    eventually(lambda: tried() and a.service.pending_escalation_posts() and _post_unleased(a, 1))  # first try gave up
    barrier = threading.Barrier(4)

    def retry(loket: Harness) -> None:
        barrier.wait()
        loket.deps.delivery.retry_pending(min_age=timedelta(0))

    threads = [threading.Thread(target=retry, args=(h,)) for h in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a.fake.settle(quiet=0.3)
    assert len(core_posts(a.fake)) == 1 and a.service.escalation(1).posted


def test_a_question_stored_before_a_crash_is_answered_by_the_loop(loket: Harness) -> None:
    """The ack went out, then the process died before the lazy listener ran."""
    ts = next_ts()
    body = {"type": "event_callback", "event_id": "EvOrphan", "event": mention_event(ANSWERABLE, ts)}
    inbox: SlackInbox = loket.deps.inbox
    assert inbox.inbox.receive("EvOrphan", kind="event", payload={"body": body, "bot_user_id": BOT_USER_ID},
                               now=datetime.now(timezone.utc))
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    inbox.clock = lambda: later
    loket.runtime.loop.run_once()
    update = loket.answer_in(CHANNEL, ts)
    assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()
    loket.runtime.loop.run_once()  # nothing left to do
    loket.fake.settle(quiet=0.3)
    assert len(loket.fake.calls_to("chat.update", channel=CHANNEL)) == 1
    assert inbox.inbox.status("EvOrphan") == "done"


def test_relays_arrive_once_and_in_order_through_slack_failures(loket: Harness) -> None:
    ts = loket.mention(UNANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    post = loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)
    # Slack fails the first relay twice (429, then a dropped connection after posting)
    loket.fake.fail_next("chat.postMessage", 1, status=429, retry_after=1, channel=CHANNEL)
    loket.fake.fail_next("chat.postMessage", 1, mode="drop_after", channel=CHANNEL)
    for n in range(1, 4):  # the core member writes three replies, one after the other
        loket.message(f"Antwoord deel {n}.", user=CORE_MEMBER, channel=CORE, thread_ts=post.ts)
        eventually(lambda: (loket.service.escalation(1).answer_text or "").count("deel") == n)
    for _ in range(20):
        loket.deps.delivery.deliver_outbox()
        relays = [c for c in loket.fake.calls_to("chat.postMessage", channel=CHANNEL, thread_ts=ts)
                  if "Antwoord deel" in c.all_text()]
        if len(relays) >= 3:
            break
        _release_all(loket)
        time.sleep(0.5)  # a channel whose pace is used up is left for the next round
    loket.fake.settle(quiet=0.5)
    relays = [c.all_text() for c in loket.fake.calls_to("chat.postMessage", channel=CHANNEL, thread_ts=ts)
              if "Antwoord deel" in c.all_text()]
    assert [next(f"deel {n}" for n in (1, 2, 3) if f"deel {n}" in text) for text in relays] == \
        ["deel 1", "deel 2", "deel 3"]


def _post_unleased(loket: Harness, number: int) -> bool:
    with loket.service.store.tx() as tx:
        return tx.escalation(number).post_lease_token is None


def _release_all(loket: Harness) -> None:
    """Make posts waiting for their backoff due now (instead of waiting 15 s)."""
    from sqlalchemy import update

    from bot.store.models import OutboxPost

    with loket.service.store.tx() as tx:
        tx.session.execute(update(OutboxPost).where(OutboxPost.status == "pending")
                           .values(next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1)))


def test_a_redelivered_question_reuses_what_was_stored(loket: Harness) -> None:
    asker = Asker(user_id=ASKER, channel_id=CHANNEL, message_ts="1690000999.000001", via="mention")
    first = loket.service.handle_question(asker, UNANSWERABLE, source_key="EvSame")
    again = loket.service.handle_question(asker, UNANSWERABLE, source_key="EvSame")
    assert again.question_id == first.question_id and again.escalation.number == first.escalation.number
