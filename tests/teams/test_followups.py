"""Follow-ups in Teams, as in Slack: after Loket escalated a question, what the asker adds in
the same personal chat, or in the same channel thread (with an @mention), reaches the core
team's thread as *Aanvulling* instead of becoming a new question."""
from __future__ import annotations

from .conftest import CORE_CHANNEL, PERSONAL, PRT_CHANNEL, UNANSWERABLE, eventually
from .test_escalation_relay import escalate

ADDITION = "Het gaat om de hoofdstad van de provincie, niet van het land."


def _additions(teams, thread: str) -> list:
    return [s for s in teams.connector.to(thread) if any("Aanvulling van de vrager op #1" in t for t in s.texts)]


def test_a_follow_up_in_the_personal_chat_reaches_the_core_thread(teams):
    thread, _ = escalate(teams)
    teams.say(ADDITION)
    [addition] = eventually(lambda: _additions(teams, thread))
    assert ADDITION in addition.texts
    assert len([s for s in teams.connector.sent if s.method == "create"]) == 1  # no second escalation
    note = teams.connector.to(PERSONAL)[-1]
    assert any("#1" in t for t in note.texts)  # the asker hears where it went
    assert teams.loket.runtime.service.escalation(1).question == UNANSWERABLE


def test_a_follow_up_in_the_channel_thread_reaches_the_core_thread(teams):
    question = teams.say(UNANSWERABLE, conversation=PRT_CHANNEL, kind="channel", channel=PRT_CHANNEL, mention=True)
    [create] = eventually(lambda: [s for s in teams.connector.sent if s.method == "create"])
    prt_thread = f"{PRT_CHANNEL};messageid={question['id']}"
    assert any("#1" in t for s in teams.connector.to(prt_thread) for t in s.texts)
    teams.say(ADDITION, conversation=prt_thread, kind="channel", channel=PRT_CHANNEL, mention=True)
    [addition] = eventually(lambda: _additions(teams, create.conversation_id))
    assert ADDITION in addition.texts
    assert create.conversation_id.startswith(CORE_CHANNEL)
    assert len([s for s in teams.connector.sent if s.method == "create"]) == 1
    assert any("#1" in t for t in teams.connector.to(prt_thread)[-1].texts)  # told in the thread
