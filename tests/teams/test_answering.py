"""Questions in Teams: personal chat and @mention in a channel, answered as Adaptive Cards
through the connector at the activity's serviceUrl; redelivery handled once."""
from __future__ import annotations

import time

from .conftest import ANSWERABLE, ASKER, PERSONAL, PRT_CHANNEL, UNANSWERABLE, eventually


def test_personal_chat_question_gets_an_answer_card_with_sources_and_buttons(teams):
    teams.say(ANSWERABLE)
    [reply] = teams.connector.to(PERSONAL)
    assert any("@" in t for t in reply.texts), reply.texts  # the quoted e-mail address
    assert "Bronnen" in reply.texts
    titles = [a["title"] for a in reply.actions]
    assert titles == ["Dit helpt", "Stel aan kernteam", "Vraag ondersteuning"]
    assert all(a["data"]["asker"] == ASKER for a in reply.actions)


def test_a_mistyped_question_is_answered_and_the_card_says_how_it_was_read(teams):
    teams.say(ANSWERABLE.replace("ondersteuningsarrangement", "ondersteuningsarangement"))
    [reply] = teams.connector.to(PERSONAL)
    assert any("@" in t for t in reply.texts), reply.texts
    assert "Gelezen als: ondersteuningsarrangement (getypt: ondersteuningsarangement)" in reply.texts


def test_acknowledged_before_answering_and_a_redelivered_activity_is_answered_once(teams):
    activity = teams.activity(ANSWERABLE)
    started = time.monotonic()
    assert teams.post(activity) in (200, 201, 202)
    acknowledged_after = time.monotonic() - started
    assert teams.post(activity) in (200, 201, 202)  # the connector's retry of the same activity
    teams.loket.idle()
    assert acknowledged_after < 3.0
    assert len(teams.connector.to(PERSONAL)) == 1


def test_mention_in_a_channel_is_answered_in_that_thread(teams):
    root = "1800000000999"
    thread = teams.in_channel(PRT_CHANNEL, root)
    teams.say(ANSWERABLE, conversation=thread, kind="channel", mention=True, activity_id=root, channel=PRT_CHANNEL)
    [reply] = teams.connector.to(thread)
    assert [a["title"] for a in reply.actions][0] == "Dit helpt"


def test_channel_message_without_mention_is_ignored(teams):
    root = "1800000000998"
    thread = teams.in_channel(PRT_CHANNEL, root)
    teams.say(ANSWERABLE, conversation=thread, kind="channel", activity_id=root, channel=PRT_CHANNEL)
    assert teams.connector.to(thread) == []


def test_user_text_is_escaped_in_cards(teams):
    tricky = UNANSWERABLE + " **vet** [klik](https://evil.example) <at>iedereen</at>"
    teams.say(tricky)
    create = eventually(lambda: [s for s in teams.connector.sent if s.method == "create"])
    card = create[0].card
    runs = [i["text"] for b in card["body"] if b.get("type") == "Container" for rb in b["items"] for i in rb["inlines"]]
    assert any("**vet** [klik](https://evil.example)" in r for r in runs)  # a literal TextRun, not Markdown
    assert all("**vet**" not in b.get("text", "") for b in card["body"] if b.get("type") == "TextBlock")


def test_activity_stored_but_not_answered_before_a_crash_is_answered_by_the_background_loop(teams):
    from datetime import timedelta

    from bot.store.inbox import Inbox
    from bot.teams.runtime import INBOX_KIND, inbox_key

    activity = teams.activity(ANSWERABLE)
    rt = teams.loket.runtime
    key = inbox_key(activity["conversation"]["id"], activity["id"])
    # What on_turn stored before the process died (the answering task never ran):
    Inbox(teams.store).receive(key, kind=INBOX_KIND, payload={"activity": activity}, now=rt.clock() - timedelta(minutes=1))
    rt.book.remember(conversation_id=PERSONAL, kind="personal", service_url=teams.connector.service_url,
                     reference={"serviceUrl": teams.connector.service_url, "botId": activity["recipient"]["id"]},
                     now=rt.clock())
    teams.loket.call(rt.run_once())
    assert len(teams.connector.to(PERSONAL)) == 1
    assert teams.post(activity) == 202  # and its late redelivery is only acknowledged
    teams.loket.idle()
    assert len(teams.connector.to(PERSONAL)) == 1
