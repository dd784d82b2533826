"""Posting at most once against the fake Slack Web API: answers lost to dropped
connections, 5xx, hangs and 429, and the per-channel pace of the clients."""
from __future__ import annotations

import threading
import time

import pytest
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from bot.slack.client import make_clients
from bot.slack.metrics import Metrics
from bot.slack.posting import Poster, marker
from bot.core.delivery.ratelimit import ChannelRateLimiter

from slack_adapter.conftest import FakeSlack

CHANNEL = "CPRT01"
MESSAGE = {"text": "Even zoeken…", "blocks": []}


@pytest.fixture
def fake():
    with FakeSlack() as f:
        yield f


def poster_for(fake: FakeSlack, *, timeout: float = 2.0, rate: float = 100.0, burst: int = 100,
               metrics: Metrics | None = None) -> Poster:
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=fake.api_url, slack_api_timeout=timeout,
                        slack_channel_rate=rate, slack_channel_burst=burst)
    _, client = make_clients(settings, metrics)
    return Poster(client, backoff=0.01)


def posted(fake: FakeSlack, key: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage") if c.get("metadata") == marker(key)]


@pytest.mark.parametrize("mode", ["drop_after", "slow"])
def test_a_post_whose_answer_is_lost_is_found_not_repeated(fake, mode):
    fake.fail_next("chat.postMessage", mode=mode, delay=3.0 if mode == "slow" else 0.0)
    poster = poster_for(fake, timeout=1.0)
    resp = poster.post(CHANNEL, None, MESSAGE, key="k1")
    assert len(posted(fake, "k1")) == 1
    assert resp["ts"] == posted(fake, "k1")[0].ts
    assert fake.calls_to("conversations.history")  # it looked before trying again


@pytest.mark.parametrize("fault", [dict(mode="drop"), dict(mode="hang", delay=2.0), dict(status=500), dict(status=503)])
def test_a_post_that_did_not_arrive_is_sent_again_once(fake, fault):
    fake.fail_next("chat.postMessage", **fault)
    poster = poster_for(fake, timeout=0.5)
    poster.post(CHANNEL, "1700.1", MESSAGE, key="k2")
    assert len(posted(fake, "k2")) == 1
    assert fake.calls_to("conversations.replies")  # in a thread it looks in the thread


def test_429_waits_for_retry_after_and_posts_once(fake):
    fake.fail_next("chat.postMessage", 2, status=429, retry_after=1)
    start = time.monotonic()
    poster_for(fake).post(CHANNEL, None, MESSAGE, key="k3")
    assert time.monotonic() - start >= 1.9
    assert len(posted(fake, "k3")) == 1


def test_a_refusal_is_raised_at_once(fake):
    fake.fail_next("chat.postMessage", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError):
        poster_for(fake).post(CHANNEL, None, MESSAGE, key="k4")
    assert posted(fake, "k4") == [] and not fake.calls_to("conversations.history")


def test_verify_finds_what_an_earlier_process_posted(fake):
    first = poster_for(fake).post(CHANNEL, "1700.2", MESSAGE, key="k5")
    again = poster_for(fake).post(CHANNEL, "1700.2", MESSAGE, key="k5", verify=True)
    assert again == first and len(posted(fake, "k5")) == 1


def test_every_call_is_counted_with_its_error(fake):
    metrics = Metrics()
    fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
    with pytest.raises(SlackApiError):
        poster_for(fake, metrics=metrics).post(CHANNEL, None, MESSAGE)
    text = metrics.render().decode()
    assert 'loket_slack_api_errors_total{error="not_in_channel",method="chat.postMessage"} 1.0' in text


def test_the_limiter_allows_a_burst_then_one_per_interval():
    now = [0.0]
    waits: list[float] = []
    limiter = ChannelRateLimiter(rate=1.0, burst=3, clock=lambda: now[0], sleep=waits.append)
    assert [limiter.reserve("C1") for _ in range(5)] == [0, 0, 0, 1.0, 2.0]
    assert limiter.delay("C1") == limiter.delay("C1") == 3.0  # looking does not take a slot
    assert limiter.reserve("C2") == 0  # channels are independent
    now[0] = 10.0  # after a quiet spell the burst is back
    assert [limiter.reserve("C1") for _ in range(4)] == [0, 0, 0, 1.0]


def test_posts_to_one_channel_keep_to_the_pace(fake):
    poster = poster_for(fake, rate=10.0, burst=1)  # 10 per second, to keep the test short
    threads = [threading.Thread(target=poster.post, args=(CHANNEL, None, MESSAGE)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = sorted(c.at for c in fake.calls_to("chat.postMessage"))
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) == 8 and min(gaps) >= 0.08, gaps
