"""Escalation to the core team: posting, relaying replies, buttons, restarts, retries."""
from __future__ import annotations

import re
from datetime import timedelta

from bot.slack import action_ids
from bot.slack.server import RetryLoop

from .conftest import (
    ANSWERABLE, ASKER, CHANNEL, CORE, CORE_MEMBER, CORE_MEMBER_2, OTHER_ASKER, OUTSIDER, UNANSWERABLE,
    Call, Harness, eventually,
)

LIVE = re.compile(r"<[!@#][^>]*>")


def escalate(loket: Harness, text: str = UNANSWERABLE, user: str = ASKER) -> tuple[str, Call]:
    """Ask something Loket cannot answer; return the asker's ts and the core post."""
    ts = loket.mention(text, user=user)
    loket.answer_in(CHANNEL, ts)
    post = loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)  # core replies are matched by the stored ts
    return ts, post


def relay_reply(loket: Harness, core_post: Call, text: str, user: str = CORE_MEMBER) -> str:
    return loket.message(text, user=user, channel=CORE, thread_ts=core_post.ts)


def test_unanswerable_question_goes_to_the_core_channel_and_the_asker_hears_the_number(loket: Harness) -> None:
    ts = loket.mention(UNANSWERABLE)
    notice = loket.answer_in(CHANNEL, ts)
    assert "kernteam" in notice.all_text() and "#1" in notice.all_text()
    assert notice.action_ids() == []

    post = loket.core_post()
    text = post.all_text()
    assert "Vraag #1" in text and "Canada" in text
    assert f"<@{ASKER}>" in text  # who asked
    assert f"https://loket-test.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}" in text  # where
    assert "Wat Loket vond" in text  # the best passages it found
    assert post.action_ids() == [action_ids.CLAIM, action_ids.CLOSE]
    permalink = loket.fake.wait_for("chat.getPermalink")[0]
    assert (permalink.get("channel"), permalink.get("message_ts")) == (CHANNEL, ts)
    eventually(lambda: loket.service.escalation(1).core_ts == post.ts)


def test_core_reply_is_relayed_to_the_asker_thread(loket: Harness) -> None:
    ts, post = escalate(loket)
    relay_reply(loket, post, "Dat is Ottawa. <!channel> zie ook <https://www.canada.ca|canada.ca>")

    relay = loket.fake.wait_for("chat.postMessage", lambda c: "Ottawa" in c.all_text(), channel=CHANNEL, thread_ts=ts)[0]
    text = relay.all_text()
    assert f"Antwoord van <@{CORE_MEMBER}> (kernteam)" in text
    assert "<!channel>" not in text  # a relayed reply pings no channel
    assert "<https://www.canada.ca|canada.ca>" in text  # links stay links
    # the core thread gets a confirmation with "Opnemen in kennisbank", the post its new status
    confirm = loket.fake.wait_for("chat.postMessage", channel=CORE, thread_ts=post.ts)[0]
    assert confirm.action_ids() == [action_ids.SAVE_VERIFIED, action_ids.TAKE_BACK]
    update = loket.fake.wait_for("chat.update", channel=CORE, ts=post.ts)[-1]
    assert "Beantwoord door" in update.all_text()
    eventually(lambda: loket.service.escalation(1).status == "answered")


def test_escalate_button_sends_an_answered_question_to_the_core_team(loket: Harness) -> None:
    ts = loket.mention(ANSWERABLE)
    answer = loket.answer_in(CHANNEL, ts)
    question_id = answer.blocks[-1]["elements"][1]["value"]
    resp = loket.click(action_ids.ESCALATE, question_id, user=ASKER, channel=CHANNEL, message_ts=answer.ts, thread_ts=ts)
    assert resp.status == 200

    post = loket.core_post()
    assert "e-mailadres" in post.all_text() and "Doorgezet door de vrager" in post.all_text()
    notice = loket.fake.wait_for("chat.postMessage", lambda c: "#1" in c.all_text(), channel=CHANNEL, thread_ts=ts)[0]
    assert "kernteam" in notice.all_text()
    eventually(lambda: loket.service.escalation(1).posted)
    # pressing again: no second post, a private note instead
    loket.click(action_ids.ESCALATE, question_id, user=ASKER, channel=CHANNEL, message_ts=answer.ts, thread_ts=ts)
    loket.fake.wait_for("chat.postEphemeral", user=ASKER)
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=CORE)) == 1


def test_markup_in_a_question_never_notifies_the_core_channel(loket: Harness) -> None:
    question = (f"<!channel> <!here|@here> <!everyone> <@{CORE_MEMBER_2}> <!subteam^S0KERN|@kernteam> "
                "&lt;!channel&gt; @here wat is de hoofdstad van Canada?")
    ts = loket.mention(question)
    loket.answer_in(CHANNEL, ts)
    post = loket.core_post()
    live = set(LIVE.findall(post.all_text()))
    assert live <= {f"<@{ASKER}>"}, live  # only Loket's own mention of the asker
    assert not re.search(r"(?<!\w)@(channel|here|everyone|kernteam)", post.all_text())
    assert "hoofdstad van Canada" in post.all_text()


def test_claim_and_close_buttons(loket: Harness) -> None:
    ts, post = escalate(loket)
    click = dict(channel=CORE, message_ts=post.ts)
    loket.click(action_ids.CLAIM, "1", user=OUTSIDER, **click)
    refusal = loket.fake.wait_for("chat.postEphemeral", user=OUTSIDER)[0]
    assert "kernteam" in refusal.all_text()

    loket.click(action_ids.CLAIM, "1", user=CORE_MEMBER, **click)
    update = loket.fake.wait_for("chat.update", channel=CORE, ts=post.ts)[-1]
    assert f"Opgepakt door <@{CORE_MEMBER}>" in update.all_text()
    assert update.action_ids() == [action_ids.CLOSE]
    loket.fake.wait_for("chat.postMessage", lambda c: "opgepakt" in c.all_text(), channel=CHANNEL, thread_ts=ts)

    loket.click(action_ids.CLAIM, "1", user=CORE_MEMBER_2, **click)
    assert "al opgepakt" in loket.fake.wait_for("chat.postEphemeral", user=CORE_MEMBER_2)[0].all_text()

    loket.click(action_ids.CLOSE, "1", user=CORE_MEMBER, **click)
    closed = loket.fake.wait_for("chat.update", lambda c: "Gesloten" in c.all_text(), channel=CORE, ts=post.ts)[-1]
    assert closed.action_ids() == []
    loket.fake.wait_for("chat.postMessage", lambda c: "gesloten" in c.all_text(), channel=CHANNEL, thread_ts=ts)


def test_follow_up_of_the_asker_goes_to_the_core_thread(loket: Harness) -> None:
    ts, post = escalate(loket)
    loket.message("Het gaat om de <!here> hoofdstad, niet de grootste stad.", user=ASKER, channel=CHANNEL, thread_ts=ts)
    follow = loket.fake.wait_for("chat.postMessage", lambda c: "grootste stad" in c.all_text(),
                                 channel=CORE, thread_ts=post.ts)[0]
    assert f"Aanvulling van <@{ASKER}>" in follow.all_text()
    assert "<!here>" not in follow.all_text()
    notice = loket.fake.wait_for("chat.update", lambda c: "Doorgestuurd" in c.all_text(), channel=CHANNEL)[0]
    assert "#1" in notice.all_text()


def test_save_verified_answers_the_next_similar_question(loket: Harness) -> None:
    ts, post = escalate(loket)
    relay_reply(loket, post, "De hoofdstad van Canada is Ottawa.")
    confirm = loket.fake.wait_for("chat.postMessage", channel=CORE, thread_ts=post.ts)[0]
    loket.click(action_ids.SAVE_VERIFIED, "1", user=CORE_MEMBER, channel=CORE, message_ts=confirm.ts, thread_ts=post.ts)
    saved = loket.fake.wait_for("chat.update", channel=CORE, ts=confirm.ts)[0]
    assert "kennisbank" in saved.all_text()

    ts2 = loket.mention("Wat is de hoofdstad van Canada?", user=OTHER_ASKER)
    answer = loket.answer_in(CHANNEL, ts2)
    text = answer.all_text()
    assert "Ottawa" in text
    assert "Eerder beantwoord door het kernteam" in text
    assert answer.action_ids() == [action_ids.HELPFUL, action_ids.ESCALATE, action_ids.SUPPORT_REQUEST]
    loket.fake.settle()
    assert len([c for c in loket.fake.calls_to("chat.postMessage", channel=CORE) if not c.get("thread_ts")]) == 1


def test_failed_core_post_is_retried_exactly_once_and_the_asker_still_hears(loket: Harness) -> None:
    loket.fake.fail_next("chat.postMessage", status=200, error="not_in_channel", channel=CORE)
    ts = loket.mention(UNANSWERABLE)
    notice = loket.answer_in(CHANNEL, ts)
    assert "#1" in notice.all_text()  # the asker has the number although the post failed
    loket.fake.settle()
    assert not loket.fake.calls_to("chat.postMessage", channel=CORE)
    assert [e.number for e in loket.service.pending_escalation_posts()] == [1]

    # a follow-up while unposted waits for the core thread
    loket.message("Aanvulling: bedoeld is Ottawa of Toronto?", user=ASKER, channel=CHANNEL, thread_ts=ts)
    loket.fake.wait_for("chat.update", lambda c: "Doorgestuurd" in c.all_text(), channel=CHANNEL)

    assert loket.deps.delivery.retry_pending(min_age=timedelta(0)) == 1
    assert loket.deps.delivery.retry_pending(min_age=timedelta(0)) == 0
    post = loket.core_post()
    loket.fake.wait_for("chat.postMessage", lambda c: "Aanvulling" in c.all_text(), channel=CORE, thread_ts=post.ts)
    assert "Ottawa of Toronto" in loket.fake.calls_to("chat.postMessage", channel=CORE, thread_ts=post.ts)[0].all_text()
    loket.fake.settle()
    assert len([c for c in loket.fake.calls_to("chat.postMessage", channel=CORE) if not c.get("thread_ts")]) == 1
    assert loket.service.pending_escalation_posts() == []


def test_background_loop_posts_what_failed(loket: Harness) -> None:
    loket.fake.fail_next("chat.postMessage", status=200, error="channel_not_found", channel=CORE)
    ts = loket.mention(UNANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    loop = RetryLoop(loket.deps, interval=0.05, min_age=timedelta(0)).start()
    try:
        post = loket.core_post()
    finally:
        loop.stop()
    assert "Canada" in post.all_text()
    loket.fake.settle()
    assert len(loket.fake.calls_to("chat.postMessage", channel=CORE)) == 1
