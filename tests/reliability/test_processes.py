"""Loket as OS processes on one database (SQLite file, PostgreSQL schema):

* a SIGKILL between committing an escalation and its post to the core channel loses
  nothing and doubles nothing, whether the post never reached Slack or reached it and
  only the answer got lost;
* the same Slack event delivered to two processes at once is answered and escalated once.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from bot.store.db import make_engine

from slack_adapter.conftest import CHANNEL, CORE, UNANSWERABLE
from .servers import core_posts, is_escalation_post, mention_body


def time_passes(db_url: str, minutes: int = 10) -> None:
    """Fast-forward the database: every lease ran out and every row is older.

    Stands in for "the restarted process came up after the leases of the dead one
    expired" (10 s on the database's clock in production) without waiting for it.
    """
    shift = timedelta(minutes=minutes)
    now = datetime.now(timezone.utc)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for table, columns in {"processed_events": ("created_at", "lease_until"),
                               "escalations": ("created_at", "post_lease_until"),
                               "outbox": ("created_at", "next_attempt_at", "lease_until"),
                               "questions": ("created_at",)}.items():
            for column in columns:
                conn.execute(text(f"UPDATE {table} SET {column} = :t WHERE {column} IS NOT NULL"), {"t": now - shift})
    engine.dispose()


@pytest.mark.parametrize("fault", ["hang", "hang_after"])
def test_sigkill_while_posting_an_escalation_gives_exactly_one_post(servers, fake_slack, db_url, fault):
    fake_slack.members[CORE] = ["UKERN001"]
    fake_slack.fail_next("chat.postMessage", channel=CORE, mode=fault, delay=60)
    first = servers(db_url)
    body = mention_body(UNANSWERABLE, ts="1690001000.000001", event_id=f"EvKill{fault}")
    assert first.post_event(body).status == 200
    fake_slack.wait_for_arrival("chat.postMessage", channel=CORE, timeout=30)  # the post is on its way ...
    first.kill()  # ... and the process dies

    time_passes(db_url)
    second = servers(db_url)
    fake_slack.wait_for("chat.postMessage", is_escalation_post, channel=CORE, timeout=30)
    fake_slack.settle(quiet=1.5, timeout=20)
    assert len(core_posts(fake_slack)) == 1, second.log()[-2000:]
    placeholders = fake_slack.calls_to("chat.postMessage", channel=CHANNEL, thread_ts=body["event"]["ts"])
    assert len(placeholders) == 1  # the restarted process found "Even zoeken…" instead of posting it again
    notice = fake_slack.message(CHANNEL, placeholders[0].ts)
    assert "#1" in notice["text"]


def test_one_event_delivered_to_two_processes_at_once_is_handled_once(servers, fake_slack, db_url):
    a, b = servers(db_url), servers(db_url)
    body = mention_body(UNANSWERABLE, ts="1690002000.000001", event_id="EvTwice")
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def deliver(server) -> None:
        barrier.wait()
        statuses.append(server.post_event(body).status)

    threads = [threading.Thread(target=deliver, args=(s,)) for s in (a, b, a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 6
    fake_slack.wait_for("chat.postMessage", is_escalation_post, channel=CORE, timeout=30)
    fake_slack.settle(quiet=1.5, timeout=20)
    assert len(core_posts(fake_slack)) == 1
    assert len(fake_slack.calls_to("chat.postMessage", channel=CHANNEL, thread_ts="1690002000.000001")) == 1
