"""What a Slack admin and the platform use: the manifest, the Procfile, gunicorn for real."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from .conftest import ANSWERABLE, ASKER, BOT_USER_ID, CHANNEL, CORE, SIGNING_SECRET, FakeSlack, http_request

REPO = Path(__file__).resolve().parents[2]


def test_manifest_declares_what_the_adapter_uses() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yaml").read_text())
    settings = manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.im", "message.channels", "message.groups", "app_home_opened"} <= events
    assert settings["interactivity"]["is_enabled"] is True
    urls = {settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"],
            manifest["features"]["slash_commands"][0]["url"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert manifest["features"]["slash_commands"][0]["command"] == "/loket"
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "channels:history", "groups:history",
            "channels:read", "groups:read"} <= scopes


def procfile_web() -> str:
    lines = dict(line.split(":", 1) for line in (REPO / "Procfile").read_text().splitlines() if ":" in line)
    return lines["web"].strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_procfile_runs_loket_under_gunicorn(tmp_path: Path, shared_corpus: Path) -> None:
    """The Procfile's command, for real: gunicorn boots the WSGI app, Slack's request is answered."""
    command = procfile_web()
    assert command.startswith("gunicorn ") and "bot.slack.wsgi:app" in command
    port = free_port()
    with FakeSlack(members={CORE: []}) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOKET_"))} | {
            "PORT": str(port), "SLACK_BOT_TOKEN": "xoxb-gunicorn", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url, "LOKET_CORE_CHANNEL": CORE, "LOKET_DATA_DIR": str(tmp_path / "data"),
            "LOKET_SOURCES": str(shared_corpus),
        }
        proc = subprocess.Popen(["bash", "-c", "exec " + command], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:  # the worker builds the index on its first start
                assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
                try:
                    if http_request(base + "/healthz").status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "gunicorn did not come up"
                time.sleep(0.2)

            ts = "1690000077.000001"
            body = json.dumps({"type": "event_callback", "team_id": "T0001", "event_id": "EvGUNI1",
                               "event": {"type": "app_mention", "user": ASKER, "ts": ts, "channel": CHANNEL,
                                         "text": f"<@{BOT_USER_ID}> {ANSWERABLE}"}}).encode()
            assert http_request(base + "/slack/events", body).status == 200
            assert http_request(base + "/slack/events", body, signature="v0=forged").status == 401
            placeholder = fake.wait_for("chat.postMessage", channel=CHANNEL, thread_ts=ts, timeout=30)[0]
            update = fake.wait_for("chat.update", channel=CHANNEL, ts=placeholder.ts, timeout=30)[0]
            assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
