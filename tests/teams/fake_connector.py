"""A loopback fake of the Bot Connector service (what an activity's ``serviceUrl`` points at),
plus the test token issuer's JWKS, on one ``http.server`` in a thread.

Strict where Loket's behaviour depends on it:
* every call needs ``Authorization: Bearer <the bot's token>`` (401 otherwise), unless the
  fake runs anonymous (the Agents Playground sends and accepts no tokens);
* the API lives under the serviceUrl's path (``/emea/``): a client that drops the path gets 404;
* unknown conversations get 404; a member (``GET …/members/{id}``) is looked up in
  ``rosters`` (by id or Entra object id), 404 when not there; a channel thread is ``<channel>;messageid=<root>`` with a
  root that exists;
* ``fail_next(n, status=429, retry_after=…)`` makes the next n posts (and updates) fail;
* ``stall_next(n, seconds)`` makes the next n calls of any kind answer only after ``seconds``
  (a connector that hangs: Loket must not wait for it longer than its own timeout);
* an activity can be updated (PUT) or deleted (DELETE) only when the bot sent it, into that
  conversation (a channel thread's message also through its channel), and not after it was
  deleted: anything else is 404, as the connector answers for an unknown activity id.
* a message larger than Teams' limit (about 28 KB of JSON) gets 413, as in Teams;
* Teams' per-conversation rate limits (``limits``: at most 7 calls in 1 s, 8 in 2 s, 60 in
  30 s, counted per conversation, a channel's threads with their channel): a call beyond
  them gets 429 with ``Retry-After``, as Teams answers;
* a ``typing`` activity is accepted (and recorded) like a message, but has no card.
Everything sent is recorded as :class:`Sent`.
"""
from __future__ import annotations

import itertools
import json
import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

PREFIX = "/emea/"
MAX_MESSAGE_BYTES = 28 * 1024  # Teams refuses larger messages with 413 (Request Entity Too Large)
TEAMS_LIMITS = ((1.0, 7), (2.0, 8), (30.0, 60))  # (seconds, calls) per bot per conversation


@dataclass
class Sent:
    method: str  # send | reply | update | delete | create | typing
    conversation_id: str
    activity: dict[str, Any]
    activity_id: str

    @property
    def card(self) -> dict[str, Any] | None:
        for a in self.activity.get("attachments") or []:
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return a.get("content")
        return None

    @property
    def texts(self) -> list[str]:
        """Every text of the card (TextBlocks and TextRuns), in order."""
        out: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("type") in ("TextBlock", "TextRun") and "text" in node:
                    out.append(node["text"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(self.card or {})
        if self.activity.get("text"):
            out.insert(0, self.activity["text"])
        return out

    @property
    def actions(self) -> list[dict[str, Any]]:
        return list((self.card or {}).get("actions") or [])


@dataclass
class FakeConnector:
    bot_token: str | None  # None: anonymous
    channels: set[str] = field(default_factory=set)
    conversations: set[str] = field(default_factory=set)
    rosters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    sent: list[Sent] = field(default_factory=list)
    refused: list[tuple[str, int]] = field(default_factory=list)
    max_message_bytes: int = MAX_MESSAGE_BYTES
    limits: tuple[tuple[float, int], ...] = TEAMS_LIMITS
    _calls: dict[str, deque] = field(default_factory=dict)  # base conversation -> times of accepted calls
    _fail: list[tuple[int, str | None]] = field(default_factory=list)
    _stall: list[float] = field(default_factory=list)
    posted: dict[str, str] = field(default_factory=dict)  # activity id -> base conversation, of what the bot sent
    deleted: set[str] = field(default_factory=set)
    _ids: Any = field(default_factory=lambda: itertools.count(1_700_000_000_001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> "FakeConnector":
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def service_url(self) -> str:
        return self.base + PREFIX

    @property
    def jwks_url(self) -> str:
        return self.base + "/keys"

    def fail_next(self, n: int = 1, *, status: int = 429, retry_after: str | None = "1") -> None:
        with self._lock:
            self._fail += [(status, retry_after)] * n

    def stall_next(self, n: int = 1, *, seconds: float = 5.0) -> None:
        with self._lock:
            self._stall += [seconds] * n

    def throttled(self, conversation_id: str) -> float | None:
        """Seconds to wait when a call into ``conversation_id`` now would exceed Teams' limits
        (the call is not counted then); None: allowed, and counted."""
        base = conversation_id.partition(";messageid=")[0]
        now = time.monotonic()
        with self._lock:
            calls = self._calls.setdefault(base, deque())
            while calls and now - calls[0] > max(w for w, _ in self.limits):
                calls.popleft()
            for window, most in self.limits:
                recent = [t for t in calls if now - t < window]
                if len(recent) >= most:
                    return window - (now - recent[0])
            calls.append(now)
            return None

    def new_id(self) -> str:
        with self._lock:
            return str(next(self._ids))

    def known(self, conversation_id: str) -> bool:
        base, mark, root = conversation_id.partition(";messageid=")
        if base in self.conversations:
            return True
        return base in self.channels and (not mark or bool(root))

    def record(self, sent: Sent) -> None:
        with self._lock:
            self.sent.append(sent)
            if sent.method in ("send", "reply", "create"):
                self.posted[sent.activity_id] = sent.conversation_id.partition(";messageid=")[0]
            elif sent.method == "delete":
                self.deleted.add(sent.activity_id)

    def editable(self, conversation_id: str, activity_id: str) -> bool:
        """The bot sent ``activity_id`` into (the channel of) ``conversation_id``, and it still exists."""
        base = conversation_id.partition(";messageid=")[0]
        return self.posted.get(activity_id) == base and activity_id not in self.deleted and self.known(conversation_id)

    def updates(self, activity_id: str) -> list[Sent]:
        """The PUTs of ``activity_id``, in order."""
        return [s for s in self.sent if s.method == "update" and s.activity_id == activity_id]

    def to(self, conversation_id: str) -> list[Sent]:
        """What was sent into ``conversation_id`` (a channel thread: exactly that thread)."""
        return [s for s in self.sent if s.conversation_id == conversation_id and s.method in ("send", "reply", "create")]


def _handler(fake: FakeConnector):
    conv = re.compile(r"^v3/conversations/([^/]+)/activities(?:/([^/]+))?$")
    members = re.compile(r"^v3/conversations/([^/]+)/members$")
    member = re.compile(r"^v3/conversations/([^/]+)/members/([^/]+)$")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body if body is not None else {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            n = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(n) or b"{}") if n else {}

        def _too_large(self, size: int) -> bool:
            if size <= fake.max_message_bytes:
                return False
            fake.refused.append((self.path, 413))
            self._reply(413, {"error": {"code": "MessageSizeTooBig", "message": "Message size too large"}})
            return True

        def _route(self) -> str | None:
            """The API path under the serviceUrl's prefix, after auth; None when answered."""
            with fake._lock:
                stall = fake._stall.pop(0) if fake._stall and self.path.startswith(PREFIX) else 0.0
            time.sleep(stall)
            if self.path == "/keys" and self.command == "GET":
                self._reply(200, fake.jwks)
                return None
            if not self.path.startswith(PREFIX):
                self._reply(404, {"error": "not found"})
                return None
            if fake.bot_token is not None and self.headers.get("Authorization") != f"Bearer {fake.bot_token}":
                fake.refused.append((self.path, 401))
                self._reply(401, {"error": "unauthorized"})
                return None
            return self.path[len(PREFIX):]

        def _throttled(self, conversation_id: str) -> bool:
            wait = fake.throttled(conversation_id)
            if wait is None:
                return False
            fake.refused.append((self.path, 429))
            self._reply(429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": str(max(1, math.ceil(wait)))})
            return True

        def _failing(self) -> bool:
            with fake._lock:
                if not fake._fail:
                    return False
                status, retry_after = fake._fail.pop(0)
            self._reply(status, {"error": "throttled"}, {"Retry-After": retry_after} if retry_after else None)
            return True

        def do_GET(self) -> None:
            path = self._route()
            if path is None:
                return
            one = member.match(path)
            if one:
                roster = fake.rosters.get(unquote(one.group(1))) or []
                found = [p for p in roster if unquote(one.group(2)) in (p.get("id"), p.get("aadObjectId"))]
                self._reply(200, found[0]) if found else self._reply(404, {"error": {"code": "MemberNotFoundInConversation"}})
                return
            m = members.match(path)
            if not m or unquote(m.group(1)) not in fake.rosters:
                self._reply(404, {"error": "unknown conversation"})
                return
            self._reply(200, fake.rosters[unquote(m.group(1))])

        def do_POST(self) -> None:
            path = self._route()
            if path is None:
                return
            body = self._body()
            if self._too_large(int(self.headers.get("Content-Length") or 0)):
                return
            if path == "v3/conversations":
                self._create(body)
                return
            m = conv.match(path)
            if not m:
                self._reply(404, {"error": "not found"})
                return
            conversation_id = unquote(m.group(1))
            if not fake.known(conversation_id):
                self._reply(404, {"error": "unknown conversation"})
                return
            if self._failing() or self._throttled(conversation_id):
                return
            activity_id = fake.new_id()
            if body.get("type") == "typing":  # the typing indicator: shown, not kept as a message
                fake.record(Sent("typing", conversation_id, body, activity_id))
                self._reply(201, {"id": activity_id})
                return
            if body.get("type") != "message":
                self._reply(400, {"error": "unsupported activity type"})
                return
            fake.record(Sent("reply" if m.group(2) else "send", conversation_id, body, activity_id))
            self._reply(201, {"id": activity_id})

        def _create(self, body: dict[str, Any]) -> None:
            channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
            if channel not in fake.channels:
                self._reply(404, {"error": "unknown channel"})
                return
            if self._failing() or self._throttled(channel):
                return
            root = fake.new_id()
            conversation_id = f"{channel};messageid={root}"
            fake.record(Sent("create", conversation_id, body.get("activity") or {}, root))
            self._reply(201, {"id": conversation_id, "activityId": root})

        def _own_activity(self) -> tuple[str, str] | None:
            """(conversation, activity) of a PUT/DELETE: only what the bot sent there, not
            deleted since; anything else gets 404, as the connector answers (None)."""
            path = self._route()
            if path is None:
                return None
            m = conv.match(path)
            if not m or not m.group(2) or not fake.editable(unquote(m.group(1)), unquote(m.group(2))):
                fake.refused.append((self.path, 404))
                self._reply(404, {"error": "unknown activity"})
                return None
            return unquote(m.group(1)), unquote(m.group(2))

        def do_PUT(self) -> None:
            target = self._own_activity()
            if target is None:
                return
            body = self._body()
            if self._failing() or self._throttled(target[0]):
                return
            if body.get("type") != "message":
                self._reply(400, {"error": "an update must be a message activity"})
                return
            fake.record(Sent("update", target[0], body, target[1]))
            self._reply(200, {"id": target[1]})

        def do_DELETE(self) -> None:
            target = self._own_activity()
            if target is None or self._throttled(target[0]):
                return
            fake.record(Sent("delete", target[0], {}, target[1]))
            self._reply(200, {})

    return Handler
