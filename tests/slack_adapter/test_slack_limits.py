"""Slack's published limits, and a fake that enforces them (defect 1 of issue 10).

The fake Web API refuses what Slack refuses (``tests/fake_slack_rules.py``); these tests
check that it does, and that the forms Loket opens over signed HTTP are accepted.
"""
from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import action_ids
from monitoring.slack_helpers import slash

from .conftest import ASKER, CORE, CORE_MEMBER, FakeSlack, Harness, trigger_id


def _client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def _error(call) -> str:
    with pytest.raises(SlackApiError) as e:
        call()
    return e.value.response["error"]


def test_the_fake_refuses_what_slack_refuses(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    assert _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=[section] * 51)) == "invalid_blocks"
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    assert _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=[long_section])) == "invalid_blocks"
    button = {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "b" * 76},
                                               "action_id": "a", "value": "v"}]}
    assert _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=[button])) == "invalid_blocks"
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Formulier"},
             "submit": {"type": "plain_text", "text": "Opslaan"},
             "blocks": [{"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "Tekst"},
                         "element": {"type": "plain_text_input", "action_id": "a", "max_length": 4000}}]}
    assert _error(lambda: client.views_open(trigger_id=trigger_id(), view=modal)) == "invalid_arguments"
    modal["blocks"][0]["element"]["max_length"] = 3000
    assert client.views_open(trigger_id=trigger_id(), view=modal)["ok"]
    stale = trigger_id(issued_at=time.time() - 3.5)
    assert _error(lambda: client.views_open(trigger_id=stale, view=modal)) == "expired_trigger_id"
    assert _error(lambda: client.views_open(trigger_id="made-up", view=modal)) == "invalid_trigger_id"


def test_the_fake_behaves_like_slack_for_dms_pages_ephemerals_and_deletes(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    dm = client.chat_postMessage(channel=ASKER, text="hallo")
    assert dm["channel"].startswith("D") and dm["channel"] == client.conversations_open(users=ASKER)["channel"]["id"]
    first = client.conversations_members(channel=CORE, limit=200)
    assert len(first["members"]) < 3 and first["response_metadata"]["next_cursor"]  # pages, like Slack may
    fake_slack.outside.add("CELDERS")
    assert _error(lambda: client.chat_postEphemeral(channel="CELDERS", user=ASKER, text="x")) == "not_in_channel"
    assert client.chat_delete(channel=dm["channel"], ts=dm["ts"])["ok"]
    assert _error(lambda: client.chat_delete(channel=dm["channel"], ts=dm["ts"])) == "message_not_found"


@pytest.mark.parametrize("word, callback_id", [("bericht", action_ids.ANNOUNCE_MODAL), ("les", action_ids.LESSON_MODAL)])
def test_core_forms_open_in_slack(start_loket, tmp_path, word: str, callback_id: str) -> None:
    loket: Harness = start_loket(updates_channel="CUPDATES")
    assert slash(loket, "/loket", word, user=CORE_MEMBER, channel=CORE).status == 200
    assert loket.fake.wait_for_form(callback_id)["callback_id"] == callback_id  # Slack accepted the form
    assert all(c.ok for c in loket.fake.calls_to(None, ok_only=False) if c.method.startswith("views."))
