"""Requests Slack sends for monitoring (slash commands, shortcuts, form submissions, menus), signed."""
from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_adapter.conftest import TEAM_ID, Harness, trigger_id

_ids = itertools.count(1)


def _interactive(loket: Harness, payload: dict[str, Any]):
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return loket.request("/slack/events", body, content_type="application/x-www-form-urlencoded")


def slash(loket: Harness, command: str, text: str, *, user: str, channel: str):
    """A slash command as Slack posts it (form body)."""
    form = {"token": "legacy", "team_id": TEAM_ID, "team_domain": "loket-test", "channel_id": channel,
            "channel_name": "kanaal", "user_id": user, "user_name": "u", "command": command, "text": text,
            "api_app_id": "ALOKET", "response_url": loket.fake.response_url(user=user, channel=channel),
            "trigger_id": trigger_id()}
    return loket.request("/slack/events", urlencode(form).encode(), content_type="application/x-www-form-urlencoded")


def shortcut(loket: Harness, callback_id: str, *, user: str, channel: str, message: dict[str, Any]):
    """A message shortcut ("message_action") on ``message``."""
    return _interactive(loket, {
        "type": "message_action", "callback_id": callback_id, "trigger_id": trigger_id(),
        "team": {"id": TEAM_ID}, "user": {"id": user, "team_id": TEAM_ID}, "channel": {"id": channel},
        "message": message, "message_ts": message["ts"], "response_url": loket.fake.response_url(user=user, channel=channel),
        "api_app_id": "ALOKET", "token": "legacy"})


def _element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    if kind == "static_select":
        return {"type": kind, "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    return {"type": kind, "value": value}


def submit(loket: Harness, view: dict[str, Any], values: dict[str, Any], *, user: str):
    """Submit the modal ``view`` (as opened with views.open) with ``values`` per block id.

    Fields not in ``values`` keep their initial value, as in Slack.
    """
    state: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        initial = (element.get("initial_option") or {}).get("value") or element.get("initial_user") \
            or element.get("initial_date") or element.get("initial_value")
        value = values.get(block["block_id"], initial)
        state[block["block_id"]] = {element["action_id"]: _element_state(element, value)}
    payload = {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": user, "team_id": TEAM_ID},
               "api_app_id": "ALOKET", "token": "legacy", "trigger_id": trigger_id(),
               "view": {**view, "id": f"V{next(_ids)}", "state": {"values": state}, "hash": "h"}}
    return _interactive(loket, payload)


def choose(loket: Harness, action_id: str, *, user: str, channel: str, message_ts: str, block_id: str,
           option: str | None = None, selected_user: str | None = None, value: str | None = None):
    """A menu choice or button click in a message (``block_actions``)."""
    if option is not None:
        action = {"type": "static_select", "selected_option": {"value": option}}
    elif selected_user is not None:
        action = {"type": "users_select", "selected_user": selected_user}
    else:
        action = {"type": "button", "value": value}
    action |= {"action_id": action_id, "block_id": block_id, "action_ts": str(time.time())}
    return _interactive(loket, {
        "type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": "ALOKET", "token": "legacy", "trigger_id": trigger_id(),
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel}, "message": {"type": "message", "ts": message_ts, "text": "..."},
        "response_url": loket.fake.response_url(user=user, channel=channel), "actions": [action]})


def home_click(loket: Harness, action_id: str, value: str, *, user: str):
    """A button in the App Home tab."""
    return _interactive(loket, {
        "type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": "ALOKET", "token": "legacy", "trigger_id": trigger_id(),
        "container": {"type": "view", "view_id": "VHOME"}, "view": {"id": "VHOME", "type": "home"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                     "action_ts": str(time.time())}]})


def open_home(loket: Harness, user: str):
    return loket.send_event({"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home",
                             "event_ts": f"{time.time():.6f}"})
