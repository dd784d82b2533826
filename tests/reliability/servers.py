"""Loket as real OS processes for the crash, shutdown and multi-process tests.

``loket serve`` in HTTP mode (gunicorn, one worker with threads), on a free loopback
port, against the fake Slack Web API, with a prebuilt index so it starts in seconds.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_adapter.conftest import (
    ASKER, BOT_USER_ID, CHANNEL, CORE, SIGNING_SECRET, TEAM_ID, FakeSlack, Response, http_request,
)

REPO = Path(__file__).resolve().parents[2]
LOKET_SERVE = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(['serve']))"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One ``loket serve`` process (its own process group)."""

    proc: subprocess.Popen
    port: int
    logfile: Any = field(repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        self.logfile.seek(0)
        return self.logfile.read().decode(errors="replace")

    def signal(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL: no chance to clean up (the crash case)."""
        self.signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout: float = 20) -> int:
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, self.log()[-3000:]
            try:
                if http_request(self.base + "/readyz").status == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not get ready:\n" + self.log()[-3000:]
            time.sleep(0.1)

    def post_event(self, body: dict) -> Response:
        return http_request(self.base + "/slack/events", json.dumps(body).encode())


def start_server(fake: FakeSlack, data_dir: Path, sources: Path, db_url: str, **env: str) -> Server:
    port = free_port()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOKET_"))}
    full_env = base_env | {
        "SLACK_BOT_TOKEN": "xoxb-proc-test", "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url,
        "LOKET_CORE_CHANNEL": CORE, "LOKET_DATA_DIR": str(data_dir), "LOKET_SOURCES": str(sources),
        "LOKET_DATABASE_URL": db_url, "PORT": str(port), "LOKET_RETRY_INTERVAL": "0.3", "SLACK_API_TIMEOUT": "3",
    } | env
    logfile = tempfile.TemporaryFile()
    proc = subprocess.Popen(LOKET_SERVE, cwd=REPO, env=full_env, stdout=logfile, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Server(proc, port, logfile)
    server.wait_ready()
    return server


def mention_body(text: str, *, ts: str, event_id: str, user: str = ASKER) -> dict:
    return {
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "ALOKET", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        "event": {"type": "app_mention", "user": user, "ts": ts, "channel": CHANNEL, "event_ts": ts,
                  "text": f"<@{BOT_USER_ID}> {text}"},
    }


def is_escalation_post(call) -> bool:
    """A top-level post in the core channel that carries an escalation's marker."""
    key = ((call.get("metadata") or {}).get("event_payload") or {}).get("key") or ""
    return call.get("channel") == CORE and not call.get("thread_ts") and key.startswith("esc:")


def core_posts(fake: FakeSlack) -> list:
    """The escalations posted to the core channel."""
    return [c for c in fake.calls_to("chat.postMessage", channel=CORE) if is_escalation_post(c)]
