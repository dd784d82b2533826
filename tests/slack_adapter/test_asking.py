"""Asking Loket in Slack: @mention, DM, /loket, thread follow-ups, retries, signatures."""
from __future__ import annotations

import json
import time

from bot.slack import action_ids

from .conftest import (
    ANSWERABLE, ASKER, BOT_ID, BOT_USER_ID, CHANNEL, CORE, DM, OTHER_ASKER, UNANSWERABLE, Harness, sign,
)


def test_mention_is_answered_in_its_thread_with_sources_and_buttons(loket: Harness) -> None:
    ts = loket.mention(ANSWERABLE)
    placeholder = loket.fake.wait_for("chat.postMessage", channel=CHANNEL)[0]
    assert placeholder.get("thread_ts") == ts
    assert "Even zoeken" in placeholder.all_text()

    update = loket.answer_in(CHANNEL, ts)
    text = update.all_text()
    assert "flexibilisering.asielketen@minjenv.nl" in text
    assert "Ondersteuningsarrangement Uitvoeringsagenda" in text  # the source title
    assert "Contactgegevens" in text  # ... and its section
    assert update.action_ids() == [action_ids.HELPFUL, action_ids.ESCALATE, action_ids.SUPPORT_REQUEST]
    assert update.blocks[0]["text"]["text"].startswith("> ")  # the answer is quoted
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", channel=CORE)


def test_a_question_that_also_mentions_a_colleague_is_answered(loket: Harness) -> None:
    ts = loket.mention(f"<@{OTHER_ASKER}> wat doet het kernteam?")  # the handle read as a name escalated it
    update = loket.answer_in(CHANNEL, ts)
    assert update.action_ids() == [action_ids.HELPFUL, action_ids.ESCALATE, action_ids.SUPPORT_REQUEST]
    assert "kernteam" in update.all_text().lower()
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", channel=CORE)


def test_smalltalk_gets_a_friendly_reply_without_buttons(loket: Harness) -> None:
    ts = loket.mention("Hoi!")
    update = loket.answer_in(CHANNEL, ts)
    assert "Loket" in update.all_text()
    assert update.action_ids() == []


def test_dm_is_answered_in_the_dm(loket: Harness) -> None:
    loket.message(ANSWERABLE, user=ASKER, channel=DM, channel_type="im")
    update = loket.answer_in(DM, None)
    assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()
    assert update.action_ids() == [action_ids.HELPFUL, action_ids.ESCALATE, action_ids.SUPPORT_REQUEST]


def test_slash_command_acks_at_once_and_answers_in_a_thread(loket: Harness) -> None:
    resp = loket.command(ANSWERABLE)
    assert resp.status == 200
    assert resp.elapsed < 3
    assert "Even zoeken" in resp.json()["text"]

    root = loket.fake.wait_for("chat.postMessage", lambda c: not c.get("thread_ts"), channel=CHANNEL)[0]
    assert f"<@{ASKER}>" in root.all_text() and "e-mailadres" in root.all_text()
    update = loket.answer_in(CHANNEL, root.ts)
    assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()


def test_slash_command_help_and_unknown_subcommand(loket: Harness) -> None:
    for text in ("", "help", "hulp"):
        resp = loket.command(text)
        assert resp.status == 200
        assert "privébericht" in resp.json()["text"]  # the help text
    resp = loket.command("status")
    assert "Onbekend commando" in resp.json()["text"]
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage")


def test_slash_command_where_loket_is_not_a_member_moves_to_the_dm(loket: Harness) -> None:
    loket.fake.fail_next("chat.postMessage", status=200, error="not_in_channel", channel=CHANNEL)
    loket.command(ANSWERABLE)
    root = loket.fake.wait_for("chat.postMessage", lambda c: not c.get("thread_ts"), channel=ASKER)[0]
    update = loket.answer_in(root.response["channel"], root.ts)
    assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()


def test_follow_up_in_a_loket_thread_is_answered_but_others_chatter_is_not(loket: Harness) -> None:
    ts = loket.mention(ANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    loket.message("Hoe zit het met de kaders?", user=OTHER_ASKER, channel=CHANNEL, thread_ts=ts)
    loket.message(ANSWERABLE, user=ASKER, channel=CHANNEL, thread_ts=ts)
    loket.fake.wait_for("chat.update", channel=CHANNEL, count=2)
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=CHANNEL)) == 2  # two placeholders, no more


def test_asking_for_more_in_the_thread_reads_on_instead_of_escalating(loket: Harness) -> None:
    ts = loket.mention("Wat doet het kernteam?")
    first = loket.answer_in(CHANNEL, ts)
    loket.message("kun je daar meer over vertellen?", user=ASKER, channel=CHANNEL, thread_ts=ts)
    updates = loket.fake.wait_for("chat.update", channel=CHANNEL, count=2)
    more = updates[-1]
    assert more.ts != first.ts and more.all_text() != first.all_text()
    assert more.action_ids() == first.action_ids()  # an answer like the first, with its buttons
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", channel=CORE)  # nothing for the core team


def test_retried_deliveries_give_one_answer(loket: Harness) -> None:
    ts = "1690000001.000100"
    event = {"type": "app_mention", "user": ASKER, "text": f"<@{BOT_USER_ID}> {ANSWERABLE}", "ts": ts,
             "channel": CHANNEL, "event_ts": ts}
    for retry in (None, 1, 2):
        assert loket.send_event(event, event_id="Ev0RETRY01", retry_num=retry).status == 200
    loket.answer_in(CHANNEL, ts)
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=CHANNEL)) == 1
    assert len(loket.fake.calls_to("chat.update", channel=CHANNEL)) == 1


def test_forged_and_stale_signatures_are_rejected(loket: Harness) -> None:
    body = json.dumps({"type": "event_callback", "event_id": "EvX", "team_id": "T0001",
                       "event": {"type": "app_mention", "user": ASKER, "text": "hoi", "ts": "1.2", "channel": CHANNEL}}).encode()
    now = int(time.time())
    forged = loket.request("/slack/events", body, signature=sign(body, now, secret="not-the-secret"))
    stale = loket.request("/slack/events", body, timestamp=now - 10 * 60)  # correctly signed, too old
    unsigned = loket.request("/slack/events", body, signature="v0=")
    assert (forged.status, stale.status, unsigned.status) == (401, 401, 401)
    tampered = loket.request("/slack/events", body + b" ", signature=sign(body, now), timestamp=now)
    assert tampered.status == 401
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", ok_only=False)


def test_own_messages_edits_and_joins_are_ignored(loket: Harness) -> None:
    loket.message("Even zoeken…", user=BOT_USER_ID, channel=DM, channel_type="im", bot_id=BOT_ID)
    loket.message(ANSWERABLE, user=ASKER, channel=DM, channel_type="im", subtype="message_changed")
    loket.message("heeft zich aangesloten", user=ASKER, channel=CHANNEL, subtype="channel_join")
    loket.message("ander botje", user="UOTHERBOT", channel=DM, channel_type="im", bot_id="BOTHER")
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", ok_only=False)


def test_rate_limited_post_is_retried_and_arrives_once(loket: Harness) -> None:
    loket.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    loket.fake.fail_next("chat.update", status=500)
    ts = loket.mention(ANSWERABLE)
    update = loket.answer_in(CHANNEL, ts)
    assert "flexibilisering.asielketen@minjenv.nl" in update.all_text()
    loket.fake.settle()
    posts = loket.fake.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in posts] == [429, 200]
    assert [c.status for c in loket.fake.calls_to("chat.update", ok_only=False)] == [500, 200]


def test_health_endpoint(loket: Harness) -> None:
    resp = loket.request("/healthz")
    assert resp.status == 200 and resp.json() == {"ok": True}
    assert loket.request("/elders").status == 404


def test_app_home(loket: Harness) -> None:
    loket.send_event({"type": "app_home_opened", "user": ASKER, "channel": DM, "tab": "home", "event_ts": "1.1"})
    call = loket.fake.wait_for("views.publish")[0]
    assert call.get("user_id") == ASKER
    assert call.params["view"]["type"] == "home"


def test_unanswerable_question_is_escalated(loket: Harness) -> None:
    ts = loket.mention(UNANSWERABLE)
    update = loket.answer_in(CHANNEL, ts)
    assert "#1" in update.all_text()
    post = loket.core_post()
    assert "Canada" in post.all_text()


def test_reply_slack_refuses_is_queued_and_sent_later(loket: Harness) -> None:
    # the placeholder and the direct post of the answer both fail; the outbox delivers it
    loket.fake.fail_next("chat.postMessage", 2, status=200, error="internal_error", channel=CHANNEL)
    ts = loket.mention(ANSWERABLE)
    reply = loket.fake.wait_for("chat.postMessage", channel=CHANNEL, thread_ts=ts)[0]
    assert "flexibilisering.asielketen@minjenv.nl" in reply.all_text()
    assert reply.action_ids() == [action_ids.HELPFUL, action_ids.ESCALATE, action_ids.SUPPORT_REQUEST]
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=CHANNEL)) == 1
