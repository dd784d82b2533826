"""What a Slack admin and the platform use: the manifest, the Procfile, gunicorn for real."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

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


LOKET_SERVE = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(['serve']))"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prebuilt_data(tmp_path_factory, shared_corpus: Path, embedder) -> Path:
    """A data dir whose index is built already (and active), so each server starts in seconds."""
    from bot.settings import Settings
    from index.active import write_active
    from index.build import build_index

    path = tmp_path_factory.mktemp("serve-data")
    index_dir = Settings(data_dir=path).with_sources((str(shared_corpus),)).index_dir
    build_index([shared_corpus], index_dir, embedder, progress=False)
    write_active(path, index_dir, [shared_corpus])  # what 'loket index build --source' leaves behind
    return path


@contextmanager
def running(command: list[str], env: dict[str, str], *, cwd: Path = REPO) -> Iterator[subprocess.Popen]:
    """Run a server process (its own process group) and stop it with SIGTERM afterwards.

    Its log goes to a temporary file (a full pipe would block the server); ``proc.log()``
    reads it for assertion messages.
    """
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log = lambda: (log.seek(0), log.read().decode(errors="replace"))[1]  # type: ignore[attr-defined]
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def server_env(fake: FakeSlack, prebuilt_data: Path, tmp_path: Path, shared_corpus: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOKET_"))}
    return env | {
        "SLACK_BOT_TOKEN": "xoxb-serve", "SLACK_API_URL": fake.api_url, "LOKET_CORE_CHANNEL": CORE,
        "LOKET_DATA_DIR": str(prebuilt_data), "LOKET_SOURCES": str(shared_corpus),
        "LOKET_DATABASE_URL": f"sqlite:///{tmp_path / 'loket.db'}",
    } | extra


def wait_until_healthy(proc: subprocess.Popen, base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, proc.log()[-3000:]
        try:
            if http_request(base + "/healthz").status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "the server did not come up"
        time.sleep(0.1)


def mention_body(ts: str, event_id: str) -> dict:
    return {"type": "event_callback", "team_id": "T0001", "event_id": event_id,
            "event": {"type": "app_mention", "user": ASKER, "ts": ts, "channel": CHANNEL,
                      "text": f"<@{BOT_USER_ID}> {ANSWERABLE}"}}


def assert_answered(fake: FakeSlack, ts: str) -> None:
    placeholder = fake.wait_for("chat.postMessage", channel=CHANNEL, thread_ts=ts, timeout=30)[0]
    update = fake.wait_for("chat.update", channel=CHANNEL, ts=placeholder.ts, timeout=30)[0]
    assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()


def test_procfile_runs_loket_under_gunicorn(tmp_path: Path, prebuilt_data: Path, shared_corpus: Path) -> None:
    """The Procfile's command, as the platform runs it (through a shell, with $PORT)."""
    command = procfile_web()
    assert command.startswith("gunicorn ") and "bot.slack.wsgi:app" in command
    port = free_port()
    with FakeSlack(members={CORE: []}) as fake:
        env = server_env(fake, prebuilt_data, tmp_path, shared_corpus, PORT=str(port), SLACK_SIGNING_SECRET=SIGNING_SECRET)
        with running(["bash", "-c", "exec " + command], env) as proc:
            base = f"http://127.0.0.1:{port}"
            wait_until_healthy(proc, base)
            body = json.dumps(mention_body("1690000077.000001", "EvGUNI1")).encode()
            assert http_request(base + "/slack/events", body).status == 200
            assert http_request(base + "/slack/events", body, signature="v0=forged").status == 401
            assert_answered(fake, "1690000077.000001")


def test_loket_serve_http_mode(tmp_path: Path, prebuilt_data: Path, shared_corpus: Path) -> None:
    """``loket serve`` without SLACK_APP_TOKEN: gunicorn started from code, on $PORT."""
    port = free_port()
    with FakeSlack(members={CORE: []}) as fake:
        env = server_env(fake, prebuilt_data, tmp_path, shared_corpus, PORT=str(port), SLACK_SIGNING_SECRET=SIGNING_SECRET)
        with running(LOKET_SERVE, env) as proc:
            base = f"http://127.0.0.1:{port}"
            wait_until_healthy(proc, base)
            body = json.dumps(mention_body("1690000078.000001", "EvSERVE1")).encode()
            assert http_request(base + "/slack/events", body).status == 200
            assert_answered(fake, "1690000078.000001")
            log = proc.log()
            assert "question 1" in log  # Loket logs ids and lengths ...
            assert "e-mailadres" not in log and "xoxb-serve" not in log and SIGNING_SECRET not in log  # ... only


def test_loket_serve_outside_the_checkout_answers_from_the_active_index(
    tmp_path: Path, prebuilt_data: Path, shared_corpus: Path,
) -> None:
    """Started in another directory (no knowledge/ there) and without LOKET_SOURCES: the data
    dir's active index answers; nothing is resolved against the working directory."""
    port = free_port()
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    with FakeSlack(members={CORE: []}) as fake:
        env = server_env(fake, prebuilt_data, tmp_path, shared_corpus, PORT=str(port), SLACK_SIGNING_SECRET=SIGNING_SECRET)
        env = {k: v for k, v in env.items() if k != "LOKET_SOURCES"} | {"PYTHONPATH": str(REPO)}
        with running(LOKET_SERVE, env, cwd=elsewhere) as proc:
            base = f"http://127.0.0.1:{port}"
            wait_until_healthy(proc, base)
            body = json.dumps(mention_body("1690000080.000001", "EvSERVE3")).encode()
            assert http_request(base + "/slack/events", body).status == 200
            assert_answered(fake, "1690000080.000001")
            assert str(shared_corpus.resolve()) in proc.log()  # it says which index answers


def test_loket_serve_socket_mode(tmp_path: Path, prebuilt_data: Path, shared_corpus: Path) -> None:
    """``loket serve`` with SLACK_APP_TOKEN: connects over Socket Mode and answers."""
    with FakeSlack(members={CORE: []}) as fake:
        env = server_env(fake, prebuilt_data, tmp_path, shared_corpus, SLACK_APP_TOKEN="xapp-1-serve")
        with running(LOKET_SERVE, env) as proc:
            deadline = time.monotonic() + 120
            while not fake.ws_connected.wait(0.1):
                assert proc.poll() is None, proc.log()[-3000:]
                assert time.monotonic() < deadline, "no Socket Mode connection"
            envelope = fake.send_socket_envelope(mention_body("1690000079.000001", "EvSERVE2"))
            fake.wait_for_ack(envelope, timeout=10)
            assert_answered(fake, "1690000079.000001")
