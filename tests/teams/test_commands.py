"""Commands in Teams (the first word of a personal-chat message or of an @mention):
help, unknown commands, ``plan``, ``overzicht`` and ``signalen`` as cards, and what stays a question."""
from __future__ import annotations

import pytest

from bot.core.monitoring import taxonomy as tx_
from bot.core.monitoring.signals import SignalDraft
from bot.teams.commands import Command, parse

from .conftest import ANSWERABLE, ASKER, PERSONAL, PRT_CHANNEL, CORE_MEMBER, CORE_MEMBER_AAD
from .monitoring_helpers import CORE_PERSONAL, as_core, card_texts


def last_card(teams, conversation: str = PERSONAL):
    sent = teams.connector.to(conversation)
    assert sent, "Loket sent nothing"
    return sent[-1]


@pytest.mark.parametrize("text, expected", [
    ("help", Command("help", "")),
    ("plan", Command("plan", "")),
    ("plan Utrecht", Command("plan", "Utrecht")),
    ("plan Atlantis", Command("plan", "Atlantis")),  # a wrong province gets a message, not an answer
    ("overzicht 2026-W48", Command("overzicht", "2026-W48")),
    ("weekoverzicht", Command("overzicht", "")),
    ("signaal #12", Command("signaal", "#12")),
    ("/loket signalen", Command("signalen", "")),
    ("/status", Command("unknown", "status")),
    ("plan van aanpak voor de opvang in Utrecht?", None),
    ("overzicht van de opvanglocaties in Utrecht", None),
    (ANSWERABLE, None),
])
def test_what_is_a_command(text, expected):
    assert parse(text) == expected


def test_help_lists_the_commands(teams):
    teams.say("help")
    texts = card_texts(last_card(teams).card)
    for word in ("signaal", "signalen", "overzicht", "plan"):
        assert any(t.startswith(f"{word}:") for t in texts), word


def test_unknown_slash_command_gets_help_not_an_answer(teams):
    teams.say("/status")
    [reply] = teams.connector.to(PERSONAL)
    assert any("ken ik niet" in t for t in reply.texts)
    assert "status" in reply.texts
    assert not [s for s in teams.connector.sent if s.method == "create"]  # not escalated as a question
    with teams.store.read() as tx:
        from bot.store.models import Question

        assert tx.session.query(Question).count() == 0


def test_plan_lists_the_twelve_provinces_for_anyone(teams):
    teams.say("plan")
    texts = last_card(teams).texts
    for province in tx_.PROVINCES:
        assert any(t.startswith(f"{province} — Niet gestart") for t in texts), province


def test_plan_of_a_province_is_for_the_core_team(teams):
    teams.say("plan Utrecht")
    assert any("Alleen het kernteam" in t for t in last_card(teams).texts)
    teams.say("plan Utrecht", **as_core(teams))
    reply = last_card(teams, CORE_PERSONAL)
    assert "Plan Utrecht" in reply.texts
    [button] = reply.actions
    assert button["data"]["msteams"] == {"type": "task/fetch"} and button["data"]["province"] == "Utrecht"
    teams.say("plan Atlantis")  # anyone: what a province is, and that a question needs a sentence
    assert any("Utrecht" in t and "provincie" in t.lower() and "vraag" in t for t in last_card(teams).texts)


def test_overzicht_is_the_weekly_summary_for_the_core_team(teams):
    teams.say(ANSWERABLE)  # something to count
    teams.say("overzicht deze week")
    assert any("Alleen het kernteam" in t for t in last_card(teams).texts)
    teams.say("overzicht deze week", **as_core(teams))
    texts = last_card(teams, CORE_PERSONAL).texts
    assert any(t.startswith("Loket weekoverzicht week") for t in texts)
    assert "Vragen" in texts
    teams.say("overzicht week 99", **as_core(teams))
    wrong = last_card(teams, CORE_PERSONAL).texts
    assert not any(t.startswith("Loket weekoverzicht") for t in wrong) and any("99" in t for t in wrong)


def test_core_overview_is_not_shown_in_an_ordinary_channel(teams):
    root = "1800000000999"
    teams.say("overzicht", user=CORE_MEMBER, aad=CORE_MEMBER_AAD, mention=True, kind="channel",
              conversation=teams.in_channel(PRT_CHANNEL, root), channel=PRT_CHANNEL)
    [reply] = teams.connector.to(teams.in_channel(PRT_CHANNEL, root))
    assert any("privégesprek" in t for t in reply.texts)
    assert not any(t.startswith("Loket weekoverzicht") for t in reply.texts)


def test_signalen_lists_open_signals_for_the_core_team(teams):
    register = teams.loket.runtime.monitoring.signals
    register.create(SignalDraft(title="Te weinig plekken in Zeeland", province="Zeeland", kind="risico"), user_id=ASKER)
    teams.say("signalen", **as_core(teams))
    texts = last_card(teams, CORE_PERSONAL).texts
    assert any(t.startswith("S1 Te weinig plekken in Zeeland · Risico · Zeeland") for t in texts)


def test_a_question_starting_with_a_command_word_is_answered(teams):
    teams.say("plan van aanpak: " + ANSWERABLE)
    reply = last_card(teams)
    assert not any("ken ik niet" in t for t in reply.texts)
    assert reply.actions  # the answer's buttons (or the escalation note): it was treated as a question


def test_network_commands_are_commands_not_questions(teams):
    teams.say("deskundige")  # no topic: how to use it (bot.teams.network_commands; more in test_network_commands)
    [reply] = teams.connector.to(PERSONAL)
    assert any("deskundige <onderwerp>" in t for t in reply.texts)
    assert not any("werkt in Teams nog niet" in t for t in reply.texts)
    assert not [s for s in teams.connector.sent if s.method == "create"]