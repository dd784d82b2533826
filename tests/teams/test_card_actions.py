"""Buttons on Loket's cards (Action.Submit arrives as a message with ``value``): only the
asker (or the core team) may use an answer's buttons, only the core team Oppakken/Sluiten."""
from __future__ import annotations

from bot.teams import action_ids

from .conftest import ANSWERABLE, ASKER, CORE_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD, OTHER, PERSONAL, eventually
from .test_escalation_relay import escalate


def _answer_buttons(teams):
    teams.say(ANSWERABLE)
    [reply] = teams.connector.to(PERSONAL)
    return {a["data"]["loket"]: a["data"] for a in reply.actions}


def test_ask_core_by_someone_else_is_refused(teams):
    data = _answer_buttons(teams)[action_ids.ASK_CORE]
    teams.say("", user=OTHER, aad=None, value=data)
    assert not [s for s in teams.connector.sent if s.method == "create"]
    assert any("Alleen de vrager" in t for s in teams.connector.to(PERSONAL) for t in s.texts)


def test_ask_core_by_the_asker_escalates(teams):
    data = _answer_buttons(teams)[action_ids.ASK_CORE]
    teams.say("", user=ASKER, value=data)
    [create] = eventually(lambda: [s for s in teams.connector.sent if s.method == "create"])
    assert ANSWERABLE in create.texts


def test_core_buttons_refused_for_the_asker_and_allowed_for_the_core(teams):
    thread, _ = escalate(teams)
    claim = {"loket": action_ids.CLAIM, "number": 1}
    teams.say("", user=ASKER, value=claim, conversation=thread, kind="channel", channel=CORE_CHANNEL)
    assert any("Alleen het kernteam" in t for s in teams.connector.to(thread) for t in s.texts)
    teams.say("", user=CORE_MEMBER, aad=CORE_MEMBER_AAD, value=claim, conversation=thread, kind="channel",
              channel=CORE_CHANNEL)
    assert any("opgepakt" in t for s in teams.connector.to(thread) for t in s.texts)
    assert eventually(lambda: any("opgepakt" in t for s in teams.connector.to(PERSONAL) for t in s.texts))


def test_button_data_naming_the_presser_as_asker_proves_nothing(teams):
    """The card's data come back from the client: the asker is read from the database."""
    from bot.store.models import Question

    buttons = _answer_buttons(teams)
    for action in (action_ids.HELPFUL, action_ids.ASK_CORE):
        teams.say("", user=OTHER, aad=None, value=dict(buttons[action], asker=OTHER))
    refusals = [s for s in teams.connector.to(PERSONAL) if any("Alleen de vrager" in t for t in s.texts)]
    assert len(refusals) == 2
    assert not [s for s in teams.connector.sent if s.method == "create"]
    with teams.store.read() as tx:
        assert [q.helpful for q in tx.session.query(Question)] == [None]
