"""Errors reach people as a short Dutch apology, never the SDK's "Exception caught" text,
and message text stays out of the logs."""
from __future__ import annotations

import logging

from bot.teams.cards import APOLOGY

from .conftest import PERSONAL


def test_failure_while_answering_gives_a_dutch_apology_and_no_message_text_in_logs(teams, monkeypatch, caplog):
    def broken(*_a, **_kw):
        raise RuntimeError("desk exploded")

    monkeypatch.setattr(teams.loket.runtime.service, "handle_question", broken)
    secret_question = "Mijn BSN is 123456782, wat nu met het geheime plan?"
    with caplog.at_level(logging.DEBUG):
        teams.say(secret_question)
    [reply] = teams.connector.to(PERSONAL)
    assert APOLOGY in reply.texts
    assert not any("Exception caught" in t or "exploded" in t for t in reply.texts)
    assert not any("123456782" in r.getMessage() or "geheime" in r.getMessage() for r in caplog.records)


def test_failure_inside_the_sdk_turn_uses_loket_s_handler(teams, monkeypatch):
    async def broken(_context):
        raise RuntimeError("boom")

    monkeypatch.setattr(teams.loket.runtime, "on_turn", broken)
    teams.say("hallo")
    sent = teams.connector.to(PERSONAL)
    assert sent and all("Exception caught" not in t for s in sent for t in s.texts)
    assert any(s.activity.get("text") == APOLOGY for s in sent)
