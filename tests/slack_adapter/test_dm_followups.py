"""Follow-ups in a DM (issue 10, defect 4): after an escalation from the DM with Loket, the
asker's next top-level DM goes to the core thread while the escalation is not closed, the
asker is told so (no "in deze thread" in a DM) and may ask it as a new question instead."""
from __future__ import annotations

from bot.slack import action_ids

from .conftest import ANSWERABLE, ASKER, CORE, CORE_MEMBER, DM, UNANSWERABLE, Harness, eventually


def dm(loket: Harness, text: str) -> str:
    return loket.message(text, user=ASKER, channel=DM, channel_type="im")


def first_reply(loket: Harness):
    """Loket's first reply at the top level of the DM ("Even zoeken…", once replaced)."""
    placeholder = loket.fake.wait_for("chat.postMessage", lambda c: c.get("thread_ts") is None, channel=DM)[0]
    return loket.fake.wait_for("chat.update", channel=DM, ts=placeholder.ts)[-1]


def test_next_dm_is_a_follow_up_while_the_escalation_is_open(loket: Harness) -> None:
    dm(loket, UNANSWERABLE)
    notice = first_reply(loket)
    assert "#1" in notice.all_text() and "deze thread" not in notice.all_text()
    post = loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)

    dm(loket, "Ik bedoel de hoofdstad van het land, niet van een provincie.")
    followup = loket.fake.wait_for("chat.postMessage", lambda c: "niet van een provincie" in c.all_text(), channel=CORE,
                                   thread_ts=post.ts)[0]
    assert f"<@{ASKER}>" in followup.all_text()
    told = loket.fake.wait_for("chat.update", lambda c: action_ids.NEW_QUESTION in c.action_ids(), channel=DM)[0]
    assert "#1" in told.all_text() and "deze thread" not in told.all_text()
    assert len([c for c in loket.fake.calls_to("chat.postMessage", channel=CORE) if not c.get("thread_ts")]) == 1


def test_new_question_button_asks_it_on_its_own(loket: Harness) -> None:
    dm(loket, UNANSWERABLE)
    first_reply(loket)
    loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)
    dm(loket, ANSWERABLE)
    told = loket.fake.wait_for("chat.update", lambda c: action_ids.NEW_QUESTION in c.action_ids(), channel=DM)[0]
    value = told.blocks[-1]["elements"][0]["value"]
    loket.click(action_ids.NEW_QUESTION, value, user=ASKER, channel=DM, message_ts=told.ts)
    answer = loket.fake.wait_for("chat.update", lambda c: "flexibilisering.asielketen@minjenv.nl" in c.all_text(),
                                 channel=DM, timeout=15)[0]
    assert action_ids.HELPFUL in answer.action_ids()


def test_after_closing_the_next_dm_is_a_new_question(loket: Harness) -> None:
    dm(loket, UNANSWERABLE)
    first_reply(loket)
    post = loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)
    loket.click(action_ids.CLOSE, "1", user=CORE_MEMBER, channel=CORE, message_ts=post.ts)
    eventually(lambda: loket.service.escalation(1).status == "closed")
    dm(loket, ANSWERABLE)
    loket.fake.wait_for("chat.update", lambda c: "flexibilisering.asielketen@minjenv.nl" in c.all_text(), channel=DM)
