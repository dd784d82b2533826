"""The Slack adapter under test, for real: Bolt app + WSGI over loopback HTTP, SQLite, the desk.

Only Slack's Web API is faked (``tests/fake_slack.py``). Requests reach the app the way
Slack sends them: signed (``v0`` HMAC with the signing secret and a fresh timestamp)
JSON event callbacks, ``payload=`` forms for buttons, form bodies for slash commands.
The WSGI app is the one gunicorn runs (``bot.slack.wsgi.create``), served by the
standard library's ``wsgiref`` with one thread per request.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, Callable, Iterator
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from bot.settings import Settings
from bot.slack.server import Runtime, build_runtime
from bot.slack.wsgi import create
from bot.store.repo import Store

try:
    from waiting import TIMEOUT, eventually
except ImportError:  # tests/ imported as a package
    from tests.waiting import TIMEOUT, eventually

try:
    from fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID, Call, FakeSlack, trigger_id
except ImportError:  # tests/ imported as a package
    from tests.fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID, Call, FakeSlack, trigger_id

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CORE = "CKERNTEAM"
CHANNEL = "CPRTUTRECHT"
DM = "DASKER01"
ASKER = "UASKER01"
OTHER_ASKER = "UASKER02"
CORE_MEMBER = "UKERN001"
CORE_MEMBER_2 = "UKERN002"
OUTSIDER = "UBUITEN1"

ANSWERABLE = "Wat is het e-mailadres van het ondersteuningsarrangement?"
UNANSWERABLE = "Wat is de hoofdstad van Canada?"

__all__ = [
    "ANSWERABLE", "ASKER", "BOT_ID", "BOT_USER_ID", "CHANNEL", "CORE", "CORE_MEMBER", "CORE_MEMBER_2", "DM",
    "OTHER_ASKER", "OUTSIDER", "SIGNING_SECRET", "UNANSWERABLE", "Call", "FakeSlack", "Harness", "eventually",
    "trigger_id",
]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Response:
    status: int
    body: bytes
    elapsed: float

    def json(self) -> Any:
        return json.loads(self.body or b"null")


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's request signature: ``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def http_request(
    url: str,
    body: bytes | None = None,
    *,
    content_type: str = "application/json",
    timestamp: int | None = None,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Response:
    """GET, or POST ``body`` signed like Slack does (override ``timestamp``/``signature`` to forge)."""
    hdrs = dict(headers or {})
    if body is not None:
        ts = int(time.time()) if timestamp is None else timestamp
        hdrs |= {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or sign(body, ts),
        }
    req = urllib.request.Request(url, data=body, headers=hdrs, method=method)
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return Response(resp.status, resp.read(), time.monotonic() - start)
    except urllib.error.HTTPError as e:
        return Response(e.code, e.read(), time.monotonic() - start)


_ids = itertools.count(1)


def next_ts() -> str:
    """A fresh Slack-like message ts for messages 'typed' by test users."""
    return f"1690000000.{next(_ids):06d}"


@dataclass
class Harness:
    """One running Loket (runtime + HTTP server) talking to ``fake``."""

    fake: FakeSlack
    runtime: Runtime
    server: _ThreadingWSGIServer
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def deps(self):
        return self.runtime.deps

    @property
    def service(self):
        return self.runtime.service

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.runtime.close()

    # -- raw HTTP --------------------------------------------------------------------------
    def request(self, path: str, body: bytes | None = None, **kw: Any) -> Response:
        """Send one (by default correctly signed) request to the app."""
        return http_request(self.url + path, body, **kw)

    # -- what Slack sends ------------------------------------------------------------------
    def send_event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None, **kw) -> Response:
        """An Events API ``event_callback`` carrying ``event``."""
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "ALOKET",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        headers = kw.pop("headers", {}) or {}
        if retry_num:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.request("/slack/events", json.dumps(body).encode(), headers=headers, **kw)

    def mention(self, text: str, *, user: str = ASKER, channel: str = CHANNEL, thread_ts: str | None = None, **kw) -> str:
        """``@Loket text`` in a channel; returns the message ts."""
        ts = next_ts()
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts}
        if thread_ts:
            event["thread_ts"] = thread_ts
        resp = self.send_event(event, **kw)
        assert resp.status == 200, resp
        return ts

    def message(self, text: str, *, user: str, channel: str, thread_ts: str | None = None,
                channel_type: str = "channel", **extra) -> str:
        """A ``message`` event (DM, thread reply, …); returns its ts."""
        ts = extra.pop("ts", None) or next_ts()
        event = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel,
                 "event_ts": ts, "channel_type": channel_type, **extra}
        if thread_ts:
            event["thread_ts"] = thread_ts
        resp = self.send_event(event)
        assert resp.status == 200, resp
        return ts

    def click(self, action_id: str, value: str, *, user: str, channel: str, message_ts: str,
              thread_ts: str | None = None) -> Response:
        """A ``block_actions`` payload for one button."""
        message = {"type": "message", "ts": message_ts, "user": BOT_USER_ID, "text": "..."}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "ALOKET",
            "token": "legacy",
            "trigger_id": trigger_id(),
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel},
            "message": message,
            "response_url": self.fake.response_url(user=user, channel=channel),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                         "action_ts": str(time.time())}],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.request("/slack/events", body, content_type="application/x-www-form-urlencoded")

    def command(self, text: str, *, user: str = ASKER, channel: str = CHANNEL) -> Response:
        """``/loket text`` as Slack posts it (form body)."""
        form = {
            "token": "legacy", "team_id": TEAM_ID, "team_domain": "loket-test", "channel_id": channel,
            "channel_name": "prt-utrecht", "user_id": user, "user_name": "asker", "command": "/loket",
            "text": text, "api_app_id": "ALOKET", "response_url": self.fake.response_url(user=user, channel=channel),
            "trigger_id": trigger_id(),
        }
        return self.request("/slack/events", urlencode(form).encode(), content_type="application/x-www-form-urlencoded")

    # -- what Loket sent -------------------------------------------------------------------
    def answer_in(self, channel: str, thread_ts: str | None, predicate: Callable[[Call], bool] | None = None,
                  timeout: float = TIMEOUT) -> Call:
        """Wait for the placeholder in ``channel``/``thread_ts`` to be replaced; return the update."""
        placeholder = self.fake.wait_for("chat.postMessage", channel=channel, thread_ts=thread_ts, timeout=timeout)[0]
        ts = placeholder.ts
        return self.fake.wait_for("chat.update", predicate, channel=channel, ts=ts, timeout=timeout)[-1]

    def core_post(self, count: int = 1, timeout: float = TIMEOUT) -> Call:
        """The ``count``-th escalation post in the core channel (top level)."""
        return self.fake.wait_for("chat.postMessage", lambda c: not c.get("thread_ts"), channel=CORE,
                                  count=count, timeout=timeout)[count - 1]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Web API; the core channel has two core members (and Loket)."""
    with FakeSlack(members={CORE: [CORE_MEMBER, CORE_MEMBER_2, BOT_USER_ID]}) as fake:
        yield fake


@pytest.fixture
def settings(tmp_path: Path, fake_slack: FakeSlack) -> Settings:
    return Settings(
        data_dir=tmp_path,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        core_channel=CORE,
        database_url=f"sqlite:///{tmp_path / 'loket.db'}",
    )


@pytest.fixture
def start_loket(settings: Settings, fake_slack: FakeSlack, desk) -> Iterator[Callable[..., Harness]]:
    """Start a Loket on ``settings`` (call again for a 'restarted' one on the same database).

    ``desk`` is the real desk of tests/conftest.py (fresh per test, on the session's index).
    """
    started: list[Harness] = []

    def start(**changes: Any) -> Harness:
        s = settings.with_(**changes) if changes else settings
        runtime = build_runtime(s, desk=desk, store=Store.open(s.db_url))
        wsgi_app = create(runtime=runtime, start_loop=False)
        server = make_server("127.0.0.1", 0, wsgi_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        harness = Harness(fake_slack, runtime, server, thread)
        started.append(harness)
        return harness

    yield start
    for h in started:
        h.close()


@pytest.fixture
def loket(start_loket) -> Harness:
    """A running Loket."""
    return start_loket()
