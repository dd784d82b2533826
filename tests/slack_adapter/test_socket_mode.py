"""Socket Mode, through its real request path.

slack_sdk's built-in ``SocketModeClient`` (what ``loket serve`` uses with
``SLACK_APP_TOKEN``) opens a connection with ``apps.connections.open`` and a WebSocket to
the fake; envelopes go through Bolt's Socket Mode adapter and are acknowledged over the
socket, like Slack would see it.
"""
from __future__ import annotations

import time

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.slack import action_ids
from bot.slack.server import build_runtime
from bot.store.repo import Store

from .conftest import ANSWERABLE, ASKER, BOT_USER_ID, CHANNEL, TEAM_ID, FakeSlack, trigger_id

APP_TOKEN = "xapp-1-A0LOKET-test"


def event_body(event: dict, event_id: str) -> dict:
    return {"team_id": TEAM_ID, "api_app_id": "ALOKET", "event": event, "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time())}


def test_socket_mode_events_and_commands(settings, fake_slack: FakeSlack, desk) -> None:
    s = settings.with_(slack_signing_secret=None, slack_app_token=APP_TOKEN)
    runtime = build_runtime(s, desk=desk, store=Store.open(s.db_url), socket_mode=True)
    handler = SocketModeHandler(runtime.app, app_token=APP_TOKEN, web_client=runtime.deps.delivery.client)
    try:
        handler.connect()
        assert fake_slack.ws_connected.wait(5)
        assert fake_slack.calls_to("apps.connections.open")[0].token == APP_TOKEN

        ts = "1690000009.000001"
        event = {"type": "app_mention", "user": ASKER, "text": f"<@{BOT_USER_ID}> {ANSWERABLE}", "ts": ts,
                 "channel": CHANNEL, "event_ts": ts}
        first = fake_slack.send_socket_envelope(event_body(event, "EvSOCK1"))
        retry = fake_slack.send_socket_envelope(event_body(event, "EvSOCK1"), retry_attempt=1)
        assert fake_slack.wait_for_ack(first) == {"envelope_id": first}
        assert fake_slack.wait_for_ack(retry) == {"envelope_id": retry}

        placeholder = fake_slack.wait_for("chat.postMessage", channel=CHANNEL, thread_ts=ts)[0]
        update = fake_slack.wait_for("chat.update", channel=CHANNEL, ts=placeholder.ts)[0]
        assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()
        assert update.action_ids() == [action_ids.HELPFUL, action_ids.ESCALATE, action_ids.SUPPORT_REQUEST]

        command = {"command": "/loket", "text": "help", "user_id": ASKER, "channel_id": CHANNEL, "team_id": TEAM_ID,
                   "response_url": fake_slack.response_url(), "trigger_id": trigger_id(), "api_app_id": "ALOKET"}
        env = fake_slack.send_socket_envelope(command, type_="slash_commands")
        ack = fake_slack.wait_for_ack(env)
        assert "privébericht" in ack["payload"]["text"]

        fake_slack.settle()
        assert len(fake_slack.calls_to("chat.postMessage", channel=CHANNEL)) == 1  # the retry gave nothing new
    finally:
        handler.close()
        runtime.close()


def test_acks_never_wait_behind_slow_answers(settings, fake_slack: FakeSlack, desk) -> None:
    """Issue 10, defect 5: with five slow questions in flight (as many as Bolt's default worker
    pool), commands and buttons are still acknowledged within Slack's 3 seconds."""
    slow = 5
    s = settings.with_(slack_signing_secret=None, slack_app_token=APP_TOKEN)
    runtime = build_runtime(s, desk=desk, store=Store.open(s.db_url), socket_mode=True)
    handler = SocketModeHandler(runtime.app, app_token=APP_TOKEN, web_client=runtime.deps.delivery.client)
    try:
        handler.connect()
        assert fake_slack.ws_connected.wait(5)
        fake_slack.fail_next("chat.postMessage", times=slow, channel=CHANNEL, mode="slow", delay=8)
        for i in range(slow):
            ts = f"1690000010.{i:06d}"
            event = {"type": "app_mention", "user": ASKER, "text": f"<@{BOT_USER_ID}> {ANSWERABLE}", "ts": ts,
                     "channel": CHANNEL, "event_ts": ts}
            fake_slack.send_socket_envelope(event_body(event, f"EvSLOW{i}"))
        for i in range(slow):  # every slow answer is under way (and stays busy for 8 s)
            fake_slack.wait_for_arrival("chat.postMessage", channel=CHANNEL, thread_ts=f"1690000010.{i:06d}", timeout=5)

        waits = []
        for i in range(3):
            command = {"command": "/loket", "text": "help", "user_id": ASKER, "channel_id": CHANNEL,
                       "team_id": TEAM_ID, "response_url": fake_slack.response_url(), "trigger_id": trigger_id(),
                       "api_app_id": "ALOKET"}
            click = {"type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": ASKER}, "api_app_id": "ALOKET",
                     "trigger_id": trigger_id(), "channel": {"id": CHANNEL},
                     "container": {"type": "message", "message_ts": "1690000010.000001", "channel_id": CHANNEL},
                     "actions": [{"type": "button", "action_id": action_ids.HELPFUL, "block_id": "b", "value": "1",
                                  "action_ts": str(time.time())}]}
            for payload, kind in ((command, "slash_commands"), (click, "interactive")):
                started = time.monotonic()
                ack = fake_slack.wait_for_ack(fake_slack.send_socket_envelope(payload, type_=kind), timeout=10)
                waits.append(time.monotonic() - started)
                assert ack["envelope_id"]
        assert max(waits) < 3.0, waits
        fake_slack.wait_for("chat.update", channel=CHANNEL, count=slow, timeout=20)  # the slow answers arrive too
    finally:
        handler.close()
        runtime.close()
