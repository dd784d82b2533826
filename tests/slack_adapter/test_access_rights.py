"""Who may see and do what (issue 10, defect 7), through signed HTTP into the real app.

``/signaal #N`` shows #N's question and core answer only to the core team and the asker;
the buttons under an answer act only for its asker (or the core team); a public core
channel is refused at start unless ``LOKET_CORE_USERS`` alone defines the team.
"""
from __future__ import annotations

import pytest

from bot.slack import action_ids
from bot.slack.core_team import PublicCoreChannel
from bot.slack.guards import NOT_RELAYED, NOT_YOUR_ESCALATION, NOT_YOURS
from monitoring.slack_helpers import slash

from .conftest import (
    ANSWERABLE, ASKER, CHANNEL, CORE, CORE_MEMBER, OTHER_ASKER, OUTSIDER, UNANSWERABLE, Harness, eventually,
)
from .test_escalation import escalate, relay_reply


def test_signal_from_an_escalation_only_for_core_team_and_asker(loket: Harness) -> None:
    escalate(loket)
    relay_reply(loket, loket.core_post(), "Het is Ottawa, zegt BZK.")
    eventually(lambda: loket.service.escalation(1).answer_text)
    slash(loket, "/signaal", "#1", user=OUTSIDER, channel=CHANNEL)
    loket.fake.wait_for("chat.postEphemeral", lambda c: NOT_YOUR_ESCALATION[:40] in c.all_text(), user=OUTSIDER)
    slash(loket, "/signaal", "#7", user=OUTSIDER, channel=CHANNEL)  # unknown numbers are not told apart
    loket.fake.wait_for("chat.postEphemeral", lambda c: NOT_YOUR_ESCALATION[:40] in c.all_text(), user=OUTSIDER,
                        count=2)
    loket.fake.settle()
    assert not loket.fake.forms()  # the question and the answer stayed hidden

    slash(loket, "/signaal", "#1", user=ASKER, channel=CHANNEL)
    view = loket.fake.wait_for_form()
    assert "Canada" in str(view) and "Ottawa" in str(view)


def test_answer_buttons_act_only_for_the_asker(loket: Harness) -> None:
    ts = loket.mention(ANSWERABLE)
    answer = loket.answer_in(CHANNEL, ts)
    question_id = answer.blocks[-1]["elements"][1]["value"]
    for action in (action_ids.ESCALATE, action_ids.HELPFUL, action_ids.SUPPORT_REQUEST):
        loket.click(action, question_id, user=OTHER_ASKER, channel=CHANNEL, message_ts=answer.ts, thread_ts=ts)
    loket.fake.wait_for("chat.postEphemeral", lambda c: NOT_YOURS[:35] in c.all_text(), user=OTHER_ASKER, count=3)
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", channel=CORE) and not loket.fake.forms()
    with loket.service.store.tx() as tx:
        assert tx.question(int(question_id)).helpful is None

    loket.click(action_ids.ESCALATE, question_id, user=ASKER, channel=CHANNEL, message_ts=answer.ts, thread_ts=ts)
    assert "Vraag #1" in loket.core_post().all_text()


def test_a_public_core_channel_is_refused_at_start(start_loket, fake_slack) -> None:
    fake_slack.public.add(CORE)
    with pytest.raises(PublicCoreChannel, match="LOKET_CORE_USERS"):
        start_loket()


def test_with_a_public_core_channel_only_the_configured_users_are_the_core_team(start_loket, fake_slack) -> None:
    fake_slack.public.add(CORE)
    loket = start_loket(core_users=("UKERN009",))
    ts, post = escalate(loket, UNANSWERABLE)
    relay_reply(loket, post, "Ottawa", user=CORE_MEMBER)  # in the public channel, not configured
    loket.fake.wait_for("chat.postEphemeral", lambda c: NOT_RELAYED[:40] in c.all_text(), user=CORE_MEMBER)
    relay_reply(loket, post, "Het is Ottawa.", user="UKERN009")
    loket.fake.wait_for("chat.postMessage", lambda c: "Het is Ottawa" in c.all_text(), channel=CHANNEL, thread_ts=ts)
