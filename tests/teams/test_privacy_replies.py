"""Erasure reaches Loket's own replies in the asker's Teams conversations (issue 11): the
answer card in the personal chat and in a channel thread, and the "doorgezet naar het
kernteam" note are recorded when sent (``reply_messages``), listed by export (ids only) and
deleted on the Bot Connector (DELETE, a channel-thread message through its thread) after a
forget; one that is gone already (404) counts as done. Another person's answer stays."""
from __future__ import annotations

import json

from bot.core import privacy
from bot.core.privacy import privacy_core  # noqa: F401 - privacy_core registers the core tables' hook
from bot.store.models import OutboxPost, ReplyMessage

from .conftest import ANSWERABLE, ASKER, OTHER, PERSONAL, PRT_CHANNEL, UNANSWERABLE, eventually


def _asked(teams) -> tuple[str, str, str, str]:
    """The asker's answer in their chat and in a channel thread, and their escalated note;
    returns (chat answer id, thread conversation, thread answer id, note id)."""
    teams.say(ANSWERABLE)
    [answer] = teams.connector.to(PERSONAL)
    root = "1800000000777"
    thread = teams.in_channel(PRT_CHANNEL, root)
    teams.say(ANSWERABLE, conversation=thread, kind="channel", mention=True, activity_id=root, channel=PRT_CHANNEL)
    [in_thread] = teams.connector.to(thread)
    teams.say(UNANSWERABLE)
    note = eventually(lambda: [s for s in teams.connector.to(PERSONAL) if any("kernteam" in t for t in s.texts)])[-1]
    return answer.activity_id, thread, in_thread.activity_id, note.activity_id


def test_forget_deletes_the_answer_cards_and_notes_in_the_asker_s_conversations(teams):
    chat_answer, thread, thread_answer, note = _asked(teams)
    other_thread = teams.in_channel(PRT_CHANNEL, "1800000000778")
    teams.say(ANSWERABLE, user=OTHER, aad="aad-other", conversation=other_thread, kind="channel", mention=True,
              activity_id="1800000000778", channel=PRT_CHANNEL)
    [other] = teams.connector.to(other_thread)
    mine = {chat_answer, thread_answer, note}

    listed = privacy.export(teams.store, ASKER)["core"]["loket_posts"]
    assert {p["ts"] for p in listed if p["what"].startswith("antwoord")} == mine
    assert "ondersteuningsarrangement" not in json.dumps(listed).lower()  # ids, no text

    counts = privacy.forget(teams.store, ASKER)["core"]
    assert counts["reply_messages_to_delete"] == 3
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert mine <= teams.connector.deleted and other.activity_id not in teams.connector.deleted
    deletes = {s.activity_id: s.conversation_id for s in teams.connector.sent if s.method == "delete"}
    assert deletes[thread_answer] == thread  # addressed through its thread
    assert deletes[chat_answer] == PERSONAL and deletes[note] == PERSONAL
    assert not [r for r in teams.connector.refused if r[1] == 404]
    with teams.store.read() as tx:
        assert [r.message_ts for r in tx.session.query(ReplyMessage)] == [other.activity_id]


def test_a_reply_already_gone_in_teams_counts_as_erased(teams):
    chat_answer, _, _, _ = _asked(teams)
    teams.connector.deleted.add(chat_answer)  # someone removed it already
    privacy.forget(teams.store, ASKER)
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert [r for r in teams.connector.refused if r[1] == 404]
    with teams.store.read() as tx:
        erasures = [p.status for p in tx.session.query(OutboxPost).filter(OutboxPost.kind == "privacy_delete")]
    assert erasures and set(erasures) == {"sent"}


def test_a_teams_user_can_be_forgotten_and_exported_from_the_cli(teams, monkeypatch, capsys):
    from bot.cli import main

    chat_answer, _, _, _ = _asked(teams)
    monkeypatch.setenv("LOKET_DATABASE_URL", teams.store.engine.url.render_as_string(hide_password=False))
    assert main(["privacy", "export", ASKER]) == 0
    assert chat_answer in capsys.readouterr().out
    assert main(["privacy", "forget", ASKER, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["core"]["reply_messages_to_delete"] == 3
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert chat_answer in teams.connector.deleted

    assert main(["privacy", "forget", "iemand"]) == 1
    assert "Teams-id (29:" in capsys.readouterr().err
