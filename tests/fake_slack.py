"""A loopback fake of Slack's Web API (and Socket Mode WebSocket), for the Slack adapter tests.

Only Slack itself is faked: the app under test uses its real ``slack_sdk.WebClient``
pointed at ``FakeSlack.api_url``. Every call is recorded with its parsed parameters, so a
test can wait for "chat.postMessage to C_CORE" instead of sleeping. Failures are
scriptable per method (``fail_next``): HTTP 429 with ``Retry-After``, HTTP 5xx, a
Slack ``ok: false`` error, or a network fault (``mode``): the connection dropped before or
after the call took effect, a call that hangs and then drops, or a slow call.
File uploads work as ``files_upload_v2`` does them: ``files.getUploadURLExternal``, a
raw POST to the upload URL (on this server), ``files.completeUploadExternal``; the bytes
land in ``FakeSlack.files``. Messages keep their ``metadata``; ``conversations.history`` / ``conversations.replies``
return them (with ``include_all_metadata``), as Slack does.

For Socket Mode, ``apps.connections.open`` returns a ``ws://`` URL on the same server;
the server speaks just enough RFC 6455 (handshake, text frames, ping/pong, close) for
slack_sdk's built-in ``SocketModeClient``. Tests push envelopes with
``send_socket_envelope`` and wait for the client's acknowledgement with ``wait_for_ack``.
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import json
import queue
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

try:
    from waiting import TIMEOUT
except ImportError:  # tests/ imported as a package
    from tests.waiting import TIMEOUT

try:
    from fake_slack_rules import message_problems, view_problems
except ImportError:  # tests/ imported as a package
    from tests.fake_slack_rules import message_problems, view_problems

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PRIVATE_METHODS = ("chat.postEphemeral", "response_url")
TRIGGER_TTL = 3.0  # seconds a trigger_id can open a view (Slack: "expires in three seconds")
# Slack may return fewer items than ``limit``: small pages make callers follow cursors
PAGE_SIZE = 2  # conversations.members
HISTORY_PAGE_SIZE = 20  # conversations.history / conversations.replies
_triggers = itertools.count(1)


def trigger_id(issued_at: float | None = None) -> str:
    """A trigger_id as Slack sends it with a command or click; it remembers when it was issued."""
    return f"trig-{issued_at if issued_at is not None else time.time():.3f}-{next(_triggers)}"


def dm_channel_of(user: str) -> str:
    """The id of the DM between Loket and ``user`` (what posting to a user id answers with)."""
    return "D" + hashlib.sha1(user.encode()).hexdigest()[:8].upper()


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    params: dict[str, Any]
    status: int  # HTTP status the fake answered with
    ok: bool  # Slack's "ok" field
    token: str | None
    response: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    @property
    def ts(self) -> str | None:
        """The ts of the message this call created or changed."""
        return self.response.get("ts") or self.params.get("ts")

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @property
    def blocks(self) -> list[dict]:
        """The ``blocks`` parameter, parsed if it came as a JSON string."""
        b = self.params.get("blocks") or []
        return json.loads(b) if isinstance(b, str) else b

    def all_text(self) -> str:
        """``text`` plus every text found in the blocks, for assertions."""
        parts = [str(self.params.get("text") or "")]

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "text" and isinstance(v, str):
                        parts.append(v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(self.blocks)
        return "\n".join(parts)

    def action_ids(self) -> list[str]:
        """The action ids of every button in the blocks."""
        return [
            el.get("action_id")
            for b in self.blocks
            if b.get("type") == "actions"
            for el in b.get("elements", [])
        ]


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: int | None
    error: str | None
    channel: str | None  # only calls to this channel fail (None: any)
    mode: str | None = None  # network faults, see FAULT_MODES
    delay: float = 0.0


# Network faults for ``fail_next(mode=...)``:
#   "drop"       the connection closes before the call takes effect (nothing posted);
#   "drop_after" the call takes effect, then the connection closes without an answer;
#   "hang"       no answer for ``delay`` seconds, then the connection closes (nothing posted);
#   "hang_after" the call takes effect at once, then no answer for ``delay`` seconds and the
#                connection closes;
#   "slow"       the call takes effect and is answered after ``delay`` seconds.
FAULT_MODES = ("drop", "drop_after", "hang", "hang_after", "slow")


class FakeSlack:
    """The fake Web API server. Use as a context manager or call ``start``/``stop``."""

    def __init__(self, members: dict[str, list[str]] | None = None, *, outside: set[str] | None = None,
                 dms: dict[str, str] | None = None) -> None:
        self.members: dict[str, list[str]] = dict(members or {})
        self.outside: set[str] = set(outside or ())  # channels Loket is not a member of
        self.public: set[str] = set()  # public channels (conversations.info); others are private
        self.dms: dict[str, str] = dict(dms or {})  # user id -> id of their DM with Loket (default dm_channel_of)
        self.views: dict[str, dict] = {}  # views.open / views.update, by view id
        self.responses: list[tuple[str, dict]] = []  # posts to a response_url: (url path, body)
        self.calls: list[Call] = []
        self.arrivals: list[tuple[str, dict]] = []  # every request as it arrives, before any fault
        self.messages: dict[tuple[str, str], dict] = {}
        self.files: dict[str, dict] = {}  # files_upload_v2: id -> filename, length, data, channel, title, …
        self._failures: dict[str, list[_Failure]] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Socket Mode
        self._ws_outbox: "queue.Queue[str]" = queue.Queue()
        self.ws_received: list[dict] = []
        self.ws_connected = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> "FakeSlack":
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, *, user: str = "", channel: str = "") -> str:
        """A fresh response_url for a command or click (answered by this server); what is sent
        there is recorded as method "response_url" with the ``user`` and ``channel`` it answers."""
        return f"http://127.0.0.1:{self.port}/response/{next(self._ts)}/{user}/{channel}"

    # -- scripting ---------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
        channel: str | None = None,
        mode: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``channel``, if given) fail.

        ``status=429`` sends ``Retry-After``; ``status=500``/``503`` a server error;
        ``status=200, error="not_in_channel"`` a Slack-level ``ok: false``; ``mode`` one
        of FAULT_MODES (``delay`` seconds for "hang" and "slow").
        """
        if mode is not None and mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode}")
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(times, status, retry_after if status == 429 else None, error, channel, mode, delay)
            )

    def _take_failure(self, method: str, params: dict) -> _Failure | None:
        with self._lock:
            pending = [f for f in self._failures.get(method) or [] if f.remaining > 0]
            self._failures[method] = pending
            for failure in pending:
                if failure.channel is None or failure.channel == params.get("channel"):
                    failure.remaining -= 1
                    return failure
            return None

    # -- inspection --------------------------------------------------------------------
    def calls_to(self, method: str | None = None, *, ok_only: bool = True, **params: Any) -> list[Call]:
        """Recorded calls of ``method`` (all if None) whose params include ``params``."""
        with self._lock:
            calls = list(self.calls)
        return [
            c
            for c in calls
            if (method is None or c.method == method)
            and (not ok_only or c.ok)
            and all(c.params.get(k) == v for k, v in params.items())
        ]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = TIMEOUT,
        **params: Any,
    ) -> list[Call]:
        """Wait until at least ``count`` matching successful calls were made; return them.

        ``method="private"``: a note only the user sees, by ``chat.postEphemeral`` or through
        a command's ``response_url``.
        """
        methods = PRIVATE_METHODS if method == "private" else (method,)
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [
                    c
                    for c in self.calls
                    if c.method in methods
                    and c.ok
                    and all(c.params.get(k) == v for k, v in params.items())
                    and (predicate is None or predicate(c))
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params.get("channel"), c.status) for c in self.calls]
                    raise AssertionError(
                        f"timed out waiting for {count}x {method} {params}; calls so far: {seen}"
                    )
                self._lock.wait(min(left, 0.05))

    def settle(self, quiet: float = 0.3, timeout: float = TIMEOUT) -> None:
        """Wait until no call arrived for ``quiet`` seconds (to assert that nothing MORE happens)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.calls[-1].at if self.calls else 0.0
            if time.monotonic() - last >= quiet:
                return
            time.sleep(0.05)

    def wait_for_arrival(self, method: str, *, timeout: float = TIMEOUT, **params: Any) -> dict:
        """Wait until a request of ``method`` arrived (answered or not); return its params."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for m, p in self.arrivals:
                    if m == method and all(p.get(k) == v for k, v in params.items()):
                        return p
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {method} {params} arrived")
                self._lock.wait(min(left, 0.05))

    def _arrived(self, method: str, params: dict) -> None:
        with self._lock:
            self.arrivals.append((method, params))
            self._lock.notify_all()

    def forms(self, callback_id: str | None = None) -> list[dict]:
        """The forms (modals with a callback id) shown with views.open or views.update, in order."""
        with self._lock:
            calls = [c for c in self.calls if c.ok and c.method in ("views.open", "views.update")]
        views = [c.response.get("view") or {} for c in calls]
        return [v for v in views if v.get("callback_id") and (callback_id is None or v["callback_id"] == callback_id)]

    def wait_for_form(self, callback_id: str | None = None, *, count: int = 1, timeout: float = TIMEOUT) -> dict:
        """Wait until ``count`` forms (of ``callback_id``) were shown; return the last one."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.forms(callback_id)
            if len(found) >= count:
                return found[count - 1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no form {callback_id} shown; views: {[c.method for c in self.calls if c.method.startswith('views')]}")
            time.sleep(0.02)

    def message(self, channel: str, ts: str) -> dict:
        """The current state of a posted message (after any chat.update)."""
        with self._lock:
            return dict(self.messages[(channel, ts)])

    # -- Web API -----------------------------------------------------------------------
    def _record(self, method: str, params: dict, status: int, ok: bool, token: str | None, response: dict | None = None) -> None:
        with self._lock:
            self.calls.append(Call(method, params, status, ok, token, response or {}))
            self._lock.notify_all()

    def _next_ts(self) -> str:
        """Like Slack's: the posting time in epoch seconds (``oldest`` filters on it), unique."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    def handle(self, method: str, params: dict) -> dict:
        """Produce Slack's response to one Web API method (including its refusals)."""
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://loket-test.slack.com/",
                "team": "Loket test",
                "user": "loket",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            refused = message_problems(params)
            if refused:
                return {"ok": False, "error": refused[0], "response_metadata": {"messages": refused[1]}}
        if method == "chat.postMessage":
            return self._post(params)
        if method == "chat.update":
            key = (params["channel"], params["ts"])
            with self._lock:
                if key not in self.messages:
                    return {"ok": False, "error": "message_not_found"}
                self.messages[key].update({k: params[k] for k in ("text", "blocks") if k in params})
            return {"ok": True, "channel": params["channel"], "ts": params["ts"]}
        if method == "chat.delete":
            with self._lock:
                if self.messages.pop((params.get("channel"), params.get("ts")), None) is None:
                    return {"ok": False, "error": "message_not_found"}
            return {"ok": True, "channel": params["channel"], "ts": params["ts"]}
        if method == "chat.postEphemeral":
            if not self.is_member(str(params.get("channel"))):
                return {"ok": False, "error": "not_in_channel"}
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {
                "ok": True,
                "channel": params.get("channel"),
                "permalink": f"https://loket-test.slack.com/archives/{params.get('channel')}/p{ts}",
            }
        if method == "conversations.members":
            members = self.members.get(str(params.get("channel")))
            if members is None:
                return {"ok": False, "error": "channel_not_found"}
            page, cursor = self._page(members, params)
            return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, params)
        if method == "conversations.info":
            channel = str(params.get("channel") or "")
            return {"ok": True, "channel": {"id": channel, "is_channel": channel.startswith("C"),
                                            "is_private": channel not in self.public, "is_im": channel.startswith("D")}}
        if method == "conversations.open":  # a DM (one user) or group DM (several): same users, same id
            users = sorted(u for u in str(params.get("users") or "").split(",") if u)
            if not users:
                return {"ok": False, "error": "users_list_not_supplied"}
            if len(users) == 1:
                return {"ok": True, "channel": {"id": self.dm_of(users[0])}}
            channel_id = "G" + hashlib.sha1("-".join(users).encode()).hexdigest()[:8].upper()
            return {"ok": True, "channel": {"id": channel_id}}
        if method in ("views.open", "views.update", "views.publish"):
            return self._view(method, params)
        if method in ("reactions.add", "reactions.remove"):
            return {"ok": True}
        if method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
            return self._files(method, params)
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket=test"}
        return {"ok": False, "error": "unknown_method"}

    def dm_of(self, user: str) -> str:
        """The DM channel between Loket and ``user``."""
        return self.dms.get(user) or dm_channel_of(user)

    def is_member(self, channel: str) -> bool:
        """Is Loket in ``channel``? Not in ``outside`` (a channel it was not invited to, a DM
        between two people); anywhere else (its own DMs included) it is."""
        return channel not in self.outside

    def _post(self, params: dict) -> dict:
        channel = str(params.get("channel") or "")
        if channel.startswith(("U", "W")):  # posting to a user id: Loket's DM with them
            channel = self.dm_of(channel)
        elif not self.is_member(channel):
            return {"ok": False, "error": "not_in_channel"}
        ts = self._next_ts()
        msg = {k: params.get(k) for k in ("text", "blocks", "thread_ts", "metadata")} | {"ts": ts, "user": BOT_USER_ID}
        with self._lock:
            self.messages[(channel, ts)] = msg
        return {"ok": True, "channel": channel, "ts": ts, "message": msg}

    def _view(self, method: str, params: dict) -> dict:
        """views.open (a fresh trigger_id), views.update (a known view id), views.publish."""
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if method == "views.open":
            error = self._trigger_error(str(params.get("trigger_id") or ""))
            if error:
                return {"ok": False, "error": error}
        problems = view_problems(view)
        if problems:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}
        with self._lock:
            if method == "views.update":
                view_id = str(params.get("view_id") or "")
                if view_id not in self.views:
                    return {"ok": False, "error": "not_found"}
            else:
                view_id = f"V{next(self._ts):08d}"
            self.views[view_id] = dict(view, id=view_id)
            return {"ok": True, "view": dict(self.views[view_id])}

    @staticmethod
    def _trigger_error(trigger: str) -> str | None:
        """Slack's answer to a trigger_id it did not issue, or one older than three seconds."""
        try:
            issued = float(trigger.split("-")[1])
        except (IndexError, ValueError):
            return "invalid_trigger_id"
        return "expired_trigger_id" if time.time() - issued > TRIGGER_TTL else None

    @staticmethod
    def _page(items: list, params: dict, page_size: int = PAGE_SIZE) -> tuple[list, str]:
        """One page of ``items`` from ``cursor`` (at most ``limit``, never more than ``page_size``)."""
        start = int(params.get("cursor") or 0)
        size = min(int(params.get("limit") or 100), page_size)
        end = start + size
        return items[start:end], (str(end) if end < len(items) else "")

    def _history(self, method: str, params: dict) -> dict:
        """Messages Loket posted in a channel (top level, newest first) or a thread (oldest first), in pages."""
        channel = str(params.get("channel"))
        with_meta = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            mine = [dict(m) for (c, _), m in self.messages.items() if c == channel]
        if method == "conversations.replies":
            root = str(params.get("ts"))
            found = sorted((m for m in mine if m["ts"] == root or m.get("thread_ts") == root), key=lambda m: float(m["ts"]))
        else:
            oldest = float(params.get("oldest") or 0)
            found = sorted((m for m in mine if not m.get("thread_ts") and float(m["ts"]) > oldest),
                           key=lambda m: float(m["ts"]), reverse=True)
        if not with_meta:
            for m in found:
                m.pop("metadata", None)
        page, cursor = self._page(found, params, HISTORY_PAGE_SIZE)
        return {"ok": True, "messages": page, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}

    # -- file uploads (files_upload_v2: get URL, POST the bytes, complete) --------------
    def _files(self, method: str, params: dict) -> dict:
        if method == "files.getUploadURLExternal":
            if not params.get("filename") or not str(params.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{next(self._ts):08d}"
            with self._lock:
                self.files[file_id] = {"id": file_id, "filename": params["filename"], "length": int(params["length"]),
                                       "alt_txt": params.get("alt_txt"), "data": None, "channel": None}
            return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        items = params.get("files")
        items = json.loads(items) if isinstance(items, str) else items or []
        done = []
        with self._lock:
            for item in items:
                f = self.files.get(item.get("id"))
                if f is None or f["data"] is None:
                    return {"ok": False, "error": "file_not_found" if f is None else "file_upload_incomplete"}
                f.update(title=item.get("title"), channel=params.get("channel_id"), thread_ts=params.get("thread_ts"),
                         initial_comment=params.get("initial_comment"))
                done.append({"id": f["id"], "name": f["filename"], "title": f["title"], "size": f["length"]})
        return {"ok": True, "files": done}

    def _uploaded(self, file_id: str, data: bytes) -> bool:
        with self._lock:
            f = self.files.get(file_id)
            if f is None:
                return False
            f["data"] = data
            self._lock.notify_all()
            return True

    # -- Socket Mode -------------------------------------------------------------------
    def send_socket_envelope(self, payload: dict, *, type_: str = "events_api", retry_attempt: int = 0) -> str:
        """Queue one Socket Mode envelope for the connected client; return its envelope id."""
        envelope_id = f"env-{next(self._ts)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": type_,
            "payload": payload,
            "accepts_response_payload": type_ != "events_api",
        }
        if type_ == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else ""}
        self._ws_outbox.put(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict:
        """Wait for the client's acknowledgement of ``envelope_id``."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for m in self.ws_received:
                    if m.get("envelope_id") == envelope_id:
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no ack for {envelope_id}; got {self.ws_received}")
                self._lock.wait(min(left, 0.05))

    def _ws_received(self, text: str) -> None:
        with self._lock:
            self.ws_received.append(json.loads(text))
            self._lock.notify_all()


def _parse_params(handler: BaseHTTPRequestHandler) -> dict:
    """Parse query string, form or JSON body the way Slack accepts them."""
    parts = urlsplit(handler.path)
    params: dict[str, Any] = dict(parse_qsl(parts.query))
    length = int(handler.headers.get("Content-Length") or 0)
    body = b""
    while len(body) < length:  # rfile is unbuffered (see Handler.rbufsize): read in a loop
        chunk = handler.rfile.read(length - len(body))
        if not chunk:
            break
        body += chunk
    ctype = handler.headers.get("Content-Type") or ""
    if body and "application/json" in ctype:
        params.update(json.loads(body))
    elif body:
        params.update(dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))
    for key in ("blocks", "attachments"):
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                pass
    return params


def _make_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Unbuffered reads: after the WebSocket upgrade we select() on the raw socket, so
        # no frame may hide in a read buffer.
        rbufsize = 0

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/link"):
                self._websocket()
            else:
                self._api()

        def do_POST(self) -> None:
            if self.path.startswith("/upload/"):
                self._upload()
            elif self.path.startswith("/response/"):
                self._response_url()
            else:
                self._api()

        def _upload(self) -> None:
            """The upload URL of files.getUploadURLExternal: raw bytes, answered "OK - <length>"."""
            length = int(self.headers.get("Content-Length") or 0)
            data = b""
            while len(data) < length:
                chunk = self.rfile.read(length - len(data))
                if not chunk:
                    break
                data += chunk
            ok = fake._uploaded(self.path.rsplit("/", 1)[-1], data)
            body = f"OK - {len(data)}" if ok else "file not found"
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def _response_url(self) -> None:
            """A command's or click's response_url: JSON in, "ok" out; recorded as method "response_url"."""
            params = _parse_params(self)
            params["url"] = self.path
            parts = self.path.split("/")  # /response/<n>/<user>/<channel>
            params.setdefault("user", parts[3] if len(parts) > 3 else "")
            params.setdefault("channel", parts[4] if len(parts) > 4 else "")
            problems = message_problems(params) if not params.get("delete_original") else None
            ok = problems is None or problems[0] == "no_text" and params.get("delete_original")
            fake._record("response_url", params, 200 if ok else 400, ok, None)
            with fake._lock:
                fake.responses.append((self.path, params))
            body = b"ok" if ok else b"invalid_blocks"
            self.send_response(200 if ok else 400)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _api(self) -> None:
            method = urlsplit(self.path).path.rsplit("/", 1)[-1]
            params = _parse_params(self)
            auth = self.headers.get("Authorization") or ""
            token = auth.removeprefix("Bearer ") or params.get("token")
            fake._arrived(method, params)
            failure = fake._take_failure(method, params)
            if failure and failure.mode:
                self._fault(method, params, token, failure)
                return
            if failure and failure.status != 200:
                fake._record(method, params, failure.status, False, token)
                body = json.dumps({"ok": False, "error": "ratelimited" if failure.status == 429 else "fatal_error"})
                self.send_response(failure.status)
                if failure.retry_after is not None:
                    self.send_header("Retry-After", str(failure.retry_after))
                self._send_json_body(body)
                return
            result = {"ok": False, "error": failure.error} if failure else fake.handle(method, params)
            fake._record(method, params, 200, bool(result.get("ok")), token, result)
            self.send_response(200)
            self._send_json_body(json.dumps(result))

        def _fault(self, method: str, params: dict, token: str | None, failure: _Failure) -> None:
            """Play a network fault (see FAULT_MODES)."""
            if failure.mode in ("hang", "slow"):
                time.sleep(failure.delay)
            if failure.mode in ("drop_after", "hang_after", "slow"):
                result = fake.handle(method, params)
                fake._record(method, params, 200, bool(result.get("ok")), token, result)
                if failure.mode == "slow":
                    self.send_response(200)
                    self._send_json_body(json.dumps(result))
                    return
                if failure.mode == "hang_after":
                    time.sleep(failure.delay)
            else:
                fake._record(method, params, 0, False, token)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _send_json_body(self, body: str) -> None:
            data = body.encode("utf-8")
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        # -- minimal RFC 6455 server side ------------------------------------------
        def _websocket(self) -> None:
            key = self.headers.get("Sec-WebSocket-Key", "")
            accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            self.send_response(101, "Switching Protocols")
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.wfile.flush()
            sock: socket.socket = self.connection
            sock.settimeout(None)
            self._ws_send(sock, 0x1, json.dumps({"type": "hello", "num_connections": 1}).encode())
            fake.ws_connected.set()
            try:
                self._ws_loop(sock)
            finally:
                fake.ws_connected.clear()
                self.close_connection = True

        def _ws_loop(self, sock: socket.socket) -> None:
            while True:
                try:
                    while True:
                        self._ws_send(sock, 0x1, fake._ws_outbox.get_nowait().encode())
                except queue.Empty:
                    pass
                readable, _, _ = select.select([sock], [], [], 0.02)
                if not readable:
                    continue
                frame = self._ws_read(sock)
                if frame is None:
                    return
                opcode, payload = frame
                if opcode == 0x8:  # close
                    self._ws_send(sock, 0x8, payload[:2])
                    return
                if opcode == 0x9:  # ping -> pong
                    self._ws_send(sock, 0xA, payload)
                elif opcode == 0x1:
                    fake._ws_received(payload.decode("utf-8"))

        @staticmethod
        def _ws_send(sock: socket.socket, opcode: int, payload: bytes) -> None:
            n = len(payload)
            if n < 126:
                header = struct.pack("!BB", 0x80 | opcode, n)
            elif n < 65536:
                header = struct.pack("!BBH", 0x80 | opcode, 126, n)
            else:
                header = struct.pack("!BBQ", 0x80 | opcode, 127, n)
            sock.sendall(header + payload)

        def _ws_read(self, sock: socket.socket) -> tuple[int, bytes] | None:
            head = self._recv_exact(sock, 2)
            if head is None:
                return None
            opcode = head[0] & 0x0F
            masked = head[1] & 0x80
            n = head[1] & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._recv_exact(sock, 2) or b"\0\0")[0]
            elif n == 127:
                n = struct.unpack("!Q", self._recv_exact(sock, 8) or b"\0" * 8)[0]
            mask = self._recv_exact(sock, 4) if masked else b"\0\0\0\0"
            data = self._recv_exact(sock, n) if n else b""
            if mask is None or data is None:
                return None
            return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

        def _recv_exact(self, sock: socket.socket, n: int) -> bytes | None:
            buf = b""
            while len(buf) < n:
                try:
                    chunk = sock.recv(n - len(buf))
                except OSError:
                    return None
                if not chunk:
                    return None
                buf += chunk
            return buf

    return Handler
