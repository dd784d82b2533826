"""Two Loket server processes on one database, their background loops running, under
load, against the fake Slack: a rolling restart (SIGTERM, a new process), a SIGKILL of a
replica in the middle of a post, and a Slack so slow that a post outlives the lease it
started with. Every question is answered once, every escalation posted once, every relay
sent once and in order; nothing is lost.

These start real ``loket serve`` processes (a few seconds each) and wait out a lease
(10 s) once; together they take about a minute per database. The figures are printed
(``-s``) for the notes: questions, replicas, doubles, losses, p99 acknowledgement.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.store.models import Escalation, ProcessedEvent
from bot.store.repo import Store

from slack_adapter.conftest import (
    ANSWERABLE, BOT_USER_ID, CHANNEL, CORE, TEAM_ID, UNANSWERABLE, http_request,
)
from .servers import mention_body

CORE_MEMBER = "UKERN001"
ACK_BUDGET = 3.0


class Replicas:
    """Send events to whichever replica is up (as Slack retries elsewhere when one is down)."""

    def __init__(self, *servers) -> None:
        self.servers = list(servers)
        self.acks: list[float] = []
        self._lock = threading.Lock()
        self._turn = 0

    def send(self, body: dict) -> None:
        for attempt in range(len(self.servers) * 3):
            with self._lock:
                server = self.servers[(self._turn + attempt) % len(self.servers)]
            if server.proc.poll() is not None:
                continue
            start = time.monotonic()
            try:
                headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"} if attempt else {}
                status = http_request(server.base + "/slack/events", json.dumps(body).encode(), headers=headers).status
            except OSError:
                continue
            if status == 200:
                with self._lock:
                    self.acks.append(time.monotonic() - start)
                    self._turn += 1
                return
        raise AssertionError(f"no replica acknowledged {body['event_id']}")


def core_reply_body(text: str, *, thread_ts: str, ts: str, event_id: str) -> dict:
    return {
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "ALOKET", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        "event": {"type": "message", "user": CORE_MEMBER, "ts": ts, "thread_ts": thread_ts, "channel": CORE,
                  "event_ts": ts, "channel_type": "channel", "text": text},
    }


def stored_escalation_posts(fake) -> Counter:
    """Escalation posts in the core channel as Slack holds them, by marker key."""
    with fake._lock:
        messages = [m for (channel, _), m in fake.messages.items() if channel == CORE and not m.get("thread_ts")]
    keys = [((m.get("metadata") or {}).get("event_payload") or {}).get("key") for m in messages]
    return Counter(k for k in keys if k and k.startswith("esc:"))


def thread_texts(fake, channel: str, thread_ts: str) -> list[str]:
    with fake._lock:
        found = sorted((m for (c, _), m in fake.messages.items() if c == channel and m.get("thread_ts") == thread_ts),
                       key=lambda m: float(m["ts"]))
    return [m.get("text") or "" for m in found]


def wait_until(check, timeout: float, what: str, log=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out: {what}\n{log()[-3000:]}"
        time.sleep(0.2)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def test_rolling_restart_and_a_killed_replica_under_load(servers, fake_slack, db_url):
    fake_slack.members[CORE] = [CORE_MEMBER]
    a, b = servers(db_url), servers(db_url)
    replicas = Replicas(a, b)
    questions = [(f"1690100000.{n:06d}", UNANSWERABLE if n % 3 == 0 else ANSWERABLE) for n in range(1, 25)]

    def ask(batch) -> None:
        threads = [threading.Thread(target=replicas.send, args=(mention_body(q, ts=ts, event_id=f"EvRoll{ts}"),))
                   for ts, q in batch]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    ask(questions[:8])
    a.signal(15)  # rolling restart: SIGTERM a while it works ...
    ask(questions[8:16])  # ... Slack keeps sending (b takes it)
    assert a.proc.wait(40) == 0
    a2 = servers(db_url)  # ... and the new process comes up
    replicas.servers = [a2, b]
    fake_slack.fail_next("chat.postMessage", channel=CORE, mode="hang_after", delay=60)  # the next core post hangs
    ask(questions[16:])
    wait_until(lambda: not any(f.remaining for f in fake_slack._failures.get("chat.postMessage", [])), 30,
               "a core post hanging", b.log)
    b.kill()  # SIGKILL, with whatever it had on its way (the hanging post, if it was b's)
    replicas.servers = [a2]

    store = Store.open(db_url, upgrade=False)
    try:
        escalated = [ts for ts, q in questions if q == UNANSWERABLE]

        def settled() -> bool:
            with store.read() as tx:
                unsettled = tx.session.scalar(select(func.count()).select_from(ProcessedEvent)
                                              .where(ProcessedEvent.status.in_(("received", "processing"))))
                unposted = tx.session.scalar(select(func.count()).select_from(Escalation)
                                             .where(Escalation.core_ts.is_(None)))
                return unsettled == 0 and unposted == 0

        began = time.monotonic()
        wait_until(settled, 45, "every request processed and every escalation posted", a2.log)
        taken_up_after = time.monotonic() - began
        fake_slack.settle(quiet=1.5, timeout=30)

        answered_once = [len(fake_slack.calls_to("chat.postMessage", channel=CHANNEL, thread_ts=ts)) for ts, _ in questions]
        finals = [fake_slack.message(CHANNEL, fake_slack.calls_to("chat.postMessage", channel=CHANNEL,
                                                                   thread_ts=ts)[0].ts)["text"] for ts, _ in questions]
        posts = stored_escalation_posts(fake_slack)
        with store.read() as tx:
            numbers = list(tx.session.scalars(select(Escalation.id)))
            failed = tx.session.scalar(select(func.count()).select_from(ProcessedEvent)
                                       .where(ProcessedEvent.status == "failed"))
        doubles = sum(n - 1 for n in answered_once if n > 1) + sum(n - 1 for n in posts.values() if n > 1)
        losses = sum(1 for n in answered_once if n == 0) + sum(1 for n in numbers if posts[f"esc:{n}"] == 0) + failed
        print(f"\nreplicas: 2 (+1 restarted, 1 killed); questions: {len(questions)}; escalations: {len(numbers)}; "
              f"doubles: {doubles}; losses: {losses}; ack p99 {1000 * p99(replicas.acks):.0f} ms "
              f"(max {1000 * max(replicas.acks):.0f} ms); settled {taken_up_after:.1f} s after the kill")
        assert answered_once == [1] * len(questions)
        assert all("Even zoeken" not in text for text in finals)
        assert len(numbers) == len(escalated) and all(posts[f"esc:{n}"] == 1 for n in numbers)
        assert doubles == 0 and losses == 0
        assert max(replicas.acks) < ACK_BUDGET

        # relays: three replies per escalation, sent to the remaining replica and a new one
        b2 = servers(db_url)
        replicas.servers = [a2, b2]
        with store.read() as tx:
            threads = [(row.id, row.core_ts, row.asker_thread_ts) for row in tx.session.scalars(select(Escalation))][:3]
        for number, core_ts, _ in threads:
            for part in (1, 2, 3):
                ts = f"{float(core_ts) + part:.6f}"
                replicas.send(core_reply_body(f"Antwoord #{number} deel {part}.", thread_ts=core_ts, ts=ts,
                                              event_id=f"EvRelay{number}x{part}"))
        b2.kill()  # one more crash, right after the replies came in

        def relayed() -> bool:
            return all(sum("deel" in t for t in thread_texts(fake_slack, CHANNEL, asker)) >= 3
                       for _, _, asker in threads)

        wait_until(relayed, 45, "every reply relayed", a2.log)
        fake_slack.settle(quiet=1.5, timeout=30)
        for number, _, asker in threads:
            parts = [t for t in thread_texts(fake_slack, CHANNEL, asker) if f"#{number} deel" in t or "deel" in t]
            assert [next(f"deel {p}" for p in (1, 2, 3) if f"deel {p}" in t) for t in parts] == \
                ["deel 1", "deel 2", "deel 3"], parts
    finally:
        store.close()


@pytest.mark.parametrize("delay", [13.0])
def test_a_post_slower_than_the_lease_is_not_taken_over(servers, fake_slack, db_url, delay):
    """Slack takes longer than a lease (10 s) to answer a core post: the heartbeat keeps
    the lease, the other replica's loop does not post the escalation a second time."""
    fake_slack.members[CORE] = [CORE_MEMBER]
    fake_slack.fail_next("chat.postMessage", channel=CORE, mode="slow", delay=delay)
    a, b = (servers(db_url, SLACK_API_TIMEOUT="20") for _ in range(2))  # the call may take longer than a lease
    body = mention_body(UNANSWERABLE, ts="1690200000.000001", event_id="EvSlowPost")
    assert a.post_event(body).status == 200
    fake_slack.wait_for_arrival("chat.postMessage", channel=CORE, timeout=30)
    time.sleep(delay + 2)
    fake_slack.settle(quiet=1.5, timeout=20)
    assert stored_escalation_posts(fake_slack) == Counter({"esc:1": 1}), a.log()[-2000:] + b.log()[-2000:]
