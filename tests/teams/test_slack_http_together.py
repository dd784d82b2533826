"""Slack over HTTP and Teams in one process on one port: Slack's WSGI app behind the Teams
aiohttp app (``bot.teams.slack_bridge``). Real Bolt checks the Slack signature through the
bridge; Teams keeps answering on ``/api/messages`` next to it."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.core.service import LoketService
from bot.teams import slack_bridge
from bot.teams.app import core_team_for, create_app

from .conftest import ANSWERABLE, PERSONAL, start_loket, test_connections

SECRET = "slack-signing-secret-for-the-bridge"


def _signed(url: str, body: bytes, *, secret: str = SECRET) -> tuple[int, bytes]:
    ts = str(int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_slack_events_and_teams_activities_on_one_port(teams):
    teams.stop()
    core_team = core_team_for(teams.settings)
    service = LoketService(desk=teams.desk, store=teams.store, is_core=core_team.is_member)
    app = create_app(teams.settings, service=service, store=teams.store, core_team=core_team,
                     connections=test_connections(), background=False)
    bolt = App(token="xoxb-bridge-test", signing_secret=SECRET, token_verification_enabled=False)
    pool = slack_bridge.mount(app, SlackRequestHandler(bolt, path="/slack/events"))
    teams.loket = start_loket(app)
    try:
        slack_url = f"http://127.0.0.1:{teams.loket.port}/slack/events"
        body = json.dumps({"type": "url_verification", "challenge": "uitdaging-123", "token": "x"}).encode()
        status, answer = _signed(slack_url, body)
        assert status == 200 and b"uitdaging-123" in answer
        assert _signed(slack_url, body, secret="forged")[0] == 401  # Bolt's signature check, through the bridge
        teams.say(ANSWERABLE)  # and Teams, on the same port
        [reply] = teams.connector.to(PERSONAL)
        assert reply.actions
    finally:
        pool.shutdown(wait=False)
