"""Pure parts of the core workflow in Teams (edit/delete notifications, the shared relay
rule, cards), and the fake connector's strictness for updates and deletions."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.teams import action_ids, cards_core
from bot.teams.activities import DELETED, EDITED, correction_of, parse

from .fake_connector import PREFIX, FakeConnector, Sent

BASE = {"id": "1712", "serviceUrl": "http://x/", "from": {"id": "29:1k"}, "recipient": {"id": "28:bot"},
        "conversation": {"id": "19:k@thread.tacv2;messageid=1700", "conversationType": "channel"},
        "channelData": {}}


def test_teams_edit_and_soft_delete_notifications_are_corrections_of_the_message():
    edit = {**BASE, "type": "messageUpdate", "text": "Ottawa", "channelData": {"eventType": "editMessage"}}
    gone = {**BASE, "type": "messageDelete", "channelData": {"eventType": "softDeleteMessage"}}
    assert (correction_of(edit), correction_of(gone)) == (EDITED, DELETED)
    assert correction_of({**BASE, "type": "messageUpdate", "channelData": {"eventType": "undeleteMessage"}}) is None
    assert parse({**BASE, "type": "conversationUpdate"}) is None
    e, d, m = parse(edit), parse(gone), parse({**BASE, "type": "message", "text": "Ottawa"})
    assert e.activity_id == d.activity_id == m.activity_id == "1712"  # the id of the changed message
    assert len({e.delivery_id, d.delivery_id, m.delivery_id}) == 3  # stored apart in the inbox
    again = parse(dict(edit, timestamp="2026-11-30T07:00:00Z"))
    assert again.delivery_id != e.delivery_id and parse(edit).delivery_id == e.delivery_id  # second edit vs redelivery


def test_support_form_and_suggestion_cards_carry_their_actions():
    form = cards_core.support_form(question_id=7, asker="29:1a", values={"what": "x", "province": "Utrecht"},
                                   error="Die datum ligt in het verleden.")["content"]
    inputs = {b["id"]: b for b in form["body"] if b["type"].startswith("Input.")}
    assert inputs["what"]["value"] == "x" and inputs["province"]["value"] == "Utrecht"
    assert inputs["what"]["isRequired"] and inputs["needed_by"]["type"] == "Input.Date"
    assert form["actions"] == [{"type": "Action.Submit", "title": "Versturen",
                                "data": {"loket": action_ids.SUPPORT_SUBMIT, "question_id": 7, "asker": "29:1a"}}]
    notice = cards_core.relayed_notice(3, "1712")["content"]
    assert [a["data"] for a in notice["actions"]] == [{"loket": action_ids.SAVE_VERIFIED, "number": 3},
                                                      {"loket": action_ids.TAKE_BACK, "number": 3, "reply": "1712"}]
    assert action_ids.CORE_ACTIONS <= action_ids.ALL


@pytest.fixture
def fake():
    f = FakeConnector(bot_token="tok", channels={"19:k@thread.tacv2"}, conversations={"a:1chat"}).start()
    f.record(Sent("send", "a:1chat", {}, "111"))
    f.record(Sent("create", "19:k@thread.tacv2;messageid=222", {}, "222"))
    yield f
    f.stop()


def _call(fake: FakeConnector, method: str, conversation: str, activity_id: str, *, token: str | None = "tok") -> int:
    url = f"{fake.service_url}v3/conversations/{conversation}/activities/{activity_id}"
    data = json.dumps({"type": "message"}).encode() if method == "PUT" else None
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method), timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_fake_connector_updates_and_deletes_only_what_the_bot_sent_there(fake):
    assert PREFIX in fake.service_url
    assert _call(fake, "PUT", "a:1chat", "111", token=None) == 401
    assert _call(fake, "PUT", "a:1chat", "999") == 404  # unknown id
    assert _call(fake, "PUT", "a:1other", "111") == 404  # another conversation
    assert _call(fake, "PUT", "19:k@thread.tacv2;messageid=222", "222") == 200  # a thread root, through its thread
    assert _call(fake, "DELETE", "a:1chat", "111") == 200
    assert _call(fake, "DELETE", "a:1chat", "111") == 404  # gone
    assert _call(fake, "PUT", "a:1chat", "111") == 404
    assert [s.method for s in fake.sent if s.method in ("update", "delete")] == ["update", "delete"]
