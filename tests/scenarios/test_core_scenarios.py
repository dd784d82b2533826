"""The core scenarios, written once and run on Slack and on Teams (``platform`` fixture),
each on SQLite and (with ``LOKET_TEST_POSTGRES_URL``) PostgreSQL.

What differs between the platforms lives in the drivers (``slack_driver``,
``teams_driver``); a scenario only says what people do and what they should see.
"""
from __future__ import annotations

import re

import pytest

from bot.core import privacy
from bot.store.models import Question

from .driver import ASKER, CORE, OTHER, Platform, eventually, latest_escalation

ANSWERABLE = "Wat is het e-mailadres van het ondersteuningsarrangement?"
UNANSWERABLE = "Wat is de hoofdstad van Canada?"


def _norm(text: str) -> str:
    return " ".join(text.split())


def chunks_quoted(quote: str, chunks) -> list:
    """The indexed chunks the quote is taken from: every fragment of it (between "…" and
    line breaks) is a literal passage of one of them."""
    fragments = [_norm(f) for f in re.split(r"…|\n", quote) if len(_norm(f)) >= 12]
    assert fragments, quote
    found = []
    for fragment in fragments:
        owners = [c for c in chunks if fragment in _norm(c.text)]
        assert owners, f"not a passage of the indexed sources: {fragment!r}"
        found += owners
    return found


def latest_question(platform: Platform) -> Question:
    with platform.store.read() as tx:
        question = tx.session.query(Question).order_by(Question.id.desc()).first()
        tx.session.expunge(question)
        return question


def escalate(platform: Platform) -> int:
    """The asker asks what Loket cannot answer; returns the escalation's number."""
    platform.ask_personal(ASKER, UNANSWERABLE)
    number = eventually(lambda: latest_escalation(platform.store))
    eventually(lambda: platform.service.escalation(number).posted)
    return number


@pytest.mark.parametrize("where", ["personal", "channel"])
def test_an_answerable_question_is_answered_with_a_quote_of_its_source(platform: Platform, where, search_index):
    ask = platform.ask_personal if where == "personal" else platform.ask_in_channel
    ask(ASKER, ANSWERABLE)
    [answer] = eventually(lambda: [s for s in platform.answers_seen(ASKER) if s.quote])
    chunks = chunks_quoted(answer.quote, search_index.chunks)
    titles = {c.title for c in chunks}
    assert any(title in line for title in titles for line in answer.sources), (titles, answer.sources)
    assert answer.buttons[:2] == ("Dit helpt", "Stel aan kernteam")
    assert platform.core_posts() == []


def test_an_unanswerable_question_is_escalated_and_the_asker_hears_the_number(platform: Platform):
    number = escalate(platform)
    [post] = platform.core_posts()
    assert UNANSWERABLE in post.text and f"#{number}" in post.text
    assert post.buttons[:1] == ("Oppakken",)
    told = [s.text for s in platform.answers_seen(ASKER)]
    assert any(f"#{number}" in t and "kernteam" in t for t in told), told
    assert not [s for s in platform.answers_seen(ASKER) if s.quote]


def test_only_a_core_members_reply_reaches_the_asker(platform: Platform):
    number = escalate(platform)
    platform.core_reply(OTHER, "Ik denk Toronto.")
    platform.core_reply(CORE, "// even navragen bij BZK")
    platform.deliver()
    assert not platform.asker_received("Toronto") and not platform.asker_received("BZK")
    assert platform.service.escalation(number).status == "open"

    platform.core_reply(CORE, "Het antwoord is Ottawa.")
    eventually(lambda: platform.asker_received("Het antwoord is Ottawa."))
    platform.deliver()
    assert len([s for s in platform.answers_seen(ASKER) if "Het antwoord is Ottawa." in s.text]) == 1
    assert platform.service.escalation(number).status == "answered"
    assert not platform.asker_received("Toronto") and not platform.asker_received("BZK")


def test_the_same_message_delivered_twice_gets_one_reply(platform: Platform):
    platform.ask_personal(ASKER, ANSWERABLE)
    first = eventually(lambda: platform.answers_seen(ASKER))
    platform.redeliver_last()
    assert platform.answers_seen(ASKER) == first and len(first) == 1
    with platform.store.read() as tx:
        assert tx.session.query(Question).count() == 1


def test_a_core_reply_after_a_restart_still_reaches_the_asker(platform: Platform):
    number = escalate(platform)
    platform.restart()  # a new runtime on the same database: nothing kept in memory
    platform.core_reply(CORE, "Ottawa, na de herstart.")
    eventually(lambda: platform.asker_received("Ottawa, na de herstart."))
    platform.deliver()
    assert len([s for s in platform.answers_seen(ASKER) if "Ottawa, na de herstart." in s.text]) == 1
    assert platform.service.escalation(number).status == "answered"


def test_dit_helpt_is_refused_for_someone_else_and_works_for_the_asker(platform: Platform):
    platform.ask_in_channel(ASKER, ANSWERABLE)  # in a channel, where others see the buttons too
    eventually(lambda: [s for s in platform.answers_seen(ASKER) if "Dit helpt" in s.buttons])
    platform.press("Dit helpt", OTHER)
    assert eventually(lambda: platform.notes_for(OTHER))
    assert latest_question(platform).helpful is None

    platform.press("Dit helpt", ASKER)
    eventually(lambda: latest_question(platform).helpful is True)
    assert latest_question(platform).feedback_by == platform.user_id(ASKER)
    assert eventually(lambda: platform.notes_for(ASKER))


def test_oppakken_is_refused_outside_the_core_team_and_works_for_a_core_member(platform: Platform):
    number = escalate(platform)
    platform.press("Oppakken", OTHER)
    assert any("kernteam" in note for note in eventually(lambda: platform.notes_for(OTHER)))
    esc = platform.service.escalation(number)
    assert (esc.status, esc.claimed_by) == ("open", None)
    assert not platform.asker_received("opgepakt")

    platform.press("Oppakken", CORE)
    eventually(lambda: platform.service.escalation(number).status == "claimed")
    assert platform.service.escalation(number).claimed_by == platform.user_id(CORE)
    platform.deliver()
    eventually(lambda: platform.asker_received("opgepakt"))


def test_forgetting_the_asker_removes_lokets_posts_about_the_question_from_the_core_channel(platform: Platform):
    escalate(platform)
    platform.core_reply(CORE, "Het antwoord is Ottawa.")
    eventually(lambda: platform.asker_received("Het antwoord is Ottawa."))
    platform.deliver()
    before = platform.core_channel_now()
    assert any("Canada" in m.text for m in before) and len(before) >= 2  # the post and the relay notice

    privacy.forget(platform.store, platform.user_id(ASKER))
    platform.deliver()  # the running Loket carries the erasure out

    after = platform.core_channel_now()
    assert not [m.text for m in after if "Canada" in m.text or "Ottawa" in m.text]
    assert len(after) < len(before)  # posts about the question are gone; at most a neutral root stays
    assert not [s for s in platform.answers_seen(ASKER) if "Ottawa" in s.text]
