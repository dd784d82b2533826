"""`loket privacy forget` reaches Loket's own Slack posts (issue 11): the CLI (no Slack
client) queues the undoing in the outbox, the running Loket's delivery carries it out:
posts about the person's question are deleted, the core-channel escalation post (the root
of the core team's thread) is replaced by a neutral notice. Loket's own replies in the
asker's conversation (the answer, the escalated note) are recorded when posted and deleted
too. Every test runs on SQLite and, with ``LOKET_TEST_POSTGRES_URL`` set, on PostgreSQL."""
from __future__ import annotations

import json

import pytest
from conftest_db import db_url  # noqa: F401  (fixture)

from bot.cli import main as cli
from bot.core.delivery.outbox import reply_post_key
from bot.slack import action_ids

from .conftest import ANSWERABLE, ASKER, CHANNEL, CORE, CORE_MEMBER, DM, OTHER_ASKER, Harness, eventually
from .test_escalation import escalate, relay_reply

@pytest.fixture
def settings(settings, db_url):  # noqa: F811 - every test here on SQLite and (when set up) PostgreSQL
    return settings.with_(database_url=db_url)


FOLLOWUP = "Het gaat om de hoofdstad van het hele land, niet van een provincie."


def _loket_messages(loket: Harness, channel: str) -> dict[str, dict]:
    with loket.fake._lock:
        return {ts: dict(m) for (c, ts), m in loket.fake.messages.items() if c == channel}


def _forget_from_the_cli(loket: Harness, settings, monkeypatch, capsys, user: str) -> str:
    monkeypatch.setenv("LOKET_DATABASE_URL", settings.db_url)
    monkeypatch.setenv("LOKET_DATA_DIR", str(settings.data_dir))
    assert cli(["privacy", "forget", user]) == 0
    return capsys.readouterr().out


def test_forget_removes_loket_s_posts_about_the_question_and_neutralises_the_core_post(
        loket: Harness, settings, monkeypatch, capsys) -> None:
    ts, post = escalate(loket)
    loket.message(FOLLOWUP, user=ASKER, channel=CHANNEL, thread_ts=ts)
    forwarded = loket.fake.wait_for("chat.postMessage", lambda c: "hoofdstad van het hele land" in c.all_text(),
                                    channel=CORE, thread_ts=post.ts)[0]
    relay_reply(loket, post, "Het antwoord is Ottawa.")
    relay = loket.fake.wait_for("chat.postMessage", lambda c: "Ottawa" in c.all_text(), channel=CHANNEL,
                                thread_ts=ts)[0]
    confirm = loket.fake.wait_for("chat.postMessage", lambda c: action_ids.TAKE_BACK in c.action_ids(), channel=CORE,
                                  thread_ts=post.ts)[0]
    loket.fake.settle()
    assert {relay.ts} <= set(_loket_messages(loket, CHANNEL))
    assert {post.ts, forwarded.ts, confirm.ts} <= set(_loket_messages(loket, CORE))

    out = _forget_from_the_cli(loket, settings, monkeypatch, capsys, ASKER)
    assert "worden verwijderd door de draaiende Loket" in out
    assert not loket.fake.calls_to("chat.delete")  # the CLI has no Slack client: the server does it
    eventually(lambda: loket.deps.delivery.deliver_outbox() >= 0 and post.ts in _redacted(loket))

    in_channel, in_core = _loket_messages(loket, CHANNEL), _loket_messages(loket, CORE)
    assert relay.ts not in in_channel
    assert forwarded.ts not in in_core and confirm.ts not in in_core
    root = in_core[post.ts]  # the thread root stays, its question is gone
    assert "verwijderd op verzoek" in root["text"] and "Canada" not in str(root) and ASKER not in str(root)
    assert not [m for m in list(in_channel.values()) + list(in_core.values()) if "Ottawa" in str(m) or
                "hoofdstad van het hele land" in str(m)]
    assert loket.service.escalation(1).posted  # core replies in the thread are still recognised
    loket.deps.delivery.refresh_escalation_post(loket.service.escalation(1))  # a later status change
    assert "verwijderd op verzoek" in loket.fake.message(CORE, post.ts)["text"]

    # exactly once: later rounds find nothing more to do, and a post already gone counts as done
    calls = len(loket.fake.calls_to("chat.delete", ok_only=False))
    loket.deps.delivery.deliver_outbox()
    assert len(loket.fake.calls_to("chat.delete", ok_only=False)) == calls


def test_a_post_already_gone_in_slack_counts_as_undone(loket: Harness, settings, monkeypatch, capsys) -> None:
    ts, post = escalate(loket)
    relay_reply(loket, post, "Het antwoord is Ottawa.")
    relay = loket.fake.wait_for("chat.postMessage", lambda c: "Ottawa" in c.all_text(), channel=CHANNEL,
                                thread_ts=ts)[0]
    loket.fake.settle()
    with loket.fake._lock:  # someone removed it in Slack already
        del loket.fake.messages[(CHANNEL, relay.ts)]
    _forget_from_the_cli(loket, settings, monkeypatch, capsys, ASKER)
    eventually(lambda: loket.deps.delivery.deliver_outbox() >= 0 and post.ts in _redacted(loket))
    refused = [c for c in loket.fake.calls_to("chat.delete", ok_only=False) if c.get("ts") == relay.ts]
    assert refused and not refused[0].ok
    with loket.service.store.read() as tx:
        from bot.store.models import OutboxPost

        left = [p.status for p in tx.session.query(OutboxPost).filter(OutboxPost.kind.like("privacy_%"))]
    assert left and set(left) == {"sent"}


def _redacted(loket: Harness) -> set[str]:
    return {ts for ts, m in _loket_messages(loket, CORE).items() if "verwijderd op verzoek" in str(m.get("text"))}


def test_the_root_a_loket_command_posted_with_the_question_is_deleted(loket: Harness, settings, monkeypatch,
                                                                      capsys) -> None:
    question = "Wat is het e-mailadres van het ondersteuningsarrangement?"
    loket.command(question)
    root = loket.fake.wait_for("chat.postMessage", lambda c: question in c.all_text() and not c.get("thread_ts"),
                               channel=CHANNEL)[0]
    loket.fake.wait_for("chat.postMessage", channel=CHANNEL, thread_ts=root.ts)  # the answer in its thread
    loket.fake.settle()
    _forget_from_the_cli(loket, settings, monkeypatch, capsys, ASKER)
    eventually(lambda: loket.deps.delivery.deliver_outbox() >= 0 and root.ts not in _loket_messages(loket, CHANNEL))
    assert not [m for m in _loket_messages(loket, CHANNEL).values() if question in str(m)]


def test_forget_deletes_loket_s_own_replies_in_the_asker_s_conversations(loket: Harness, settings, monkeypatch,
                                                                        capsys) -> None:
    """The answer (the placeholder that became it) in a DM and in a channel thread, and the
    "doorgezet naar het kernteam" note: recorded when posted, listed by export (ids only),
    deleted in Slack after ``privacy forget``. Someone else's answer stays."""
    loket.message(ANSWERABLE, user=ASKER, channel=DM, channel_type="im")
    in_dm = loket.answer_in(DM, None)
    ts, _post = escalate(loket)
    escalated = loket.fake.wait_for("chat.update", lambda c: "#1" in c.all_text(), channel=CHANNEL)[-1]
    other_ts = loket.mention(ANSWERABLE, user=OTHER_ASKER)
    other = loket.answer_in(CHANNEL, other_ts)
    loket.fake.settle()
    mine = {(DM, in_dm.ts), (CHANNEL, escalated.ts)}
    assert all(loket.fake.message(c, t) for c, t in mine)

    monkeypatch.setenv("LOKET_DATABASE_URL", settings.db_url)
    monkeypatch.setenv("LOKET_DATA_DIR", str(settings.data_dir))
    assert cli(["privacy", "export", ASKER]) == 0
    listed = json.loads(capsys.readouterr().out)["core"]["loket_posts"]
    replies = [p for p in listed if p["what"].startswith("antwoord")]
    assert {(p["channel_id"], p["ts"]) for p in replies} == mine
    assert "flexibilisering" not in json.dumps(replies) and "Canada" not in json.dumps(replies)  # ids, no text

    out = _forget_from_the_cli(loket, settings, monkeypatch, capsys, ASKER)
    assert "antwoorden en notities van Loket in het gesprek van de persoon" in out
    eventually(lambda: loket.deps.delivery.deliver_outbox() >= 0 and
               not [1 for c, t in mine if t in _loket_messages(loket, c)])
    deleted = {(c.get("channel"), c.get("ts")) for c in loket.fake.calls_to("chat.delete")}
    assert mine <= deleted and (CHANNEL, other.ts) not in deleted
    assert other.ts in _loket_messages(loket, CHANNEL)
    from bot.store.models import ReplyMessage

    with loket.service.store.read() as tx:  # the records went with the request; the other asker's stays
        assert [r.message_ts for r in tx.session.query(ReplyMessage)] == [other.ts]


def test_a_reply_slack_refused_at_first_is_recorded_when_the_outbox_sends_it(loket: Harness, settings,
                                                                            monkeypatch, capsys) -> None:
    loket.deps.delivery.queue_reply(DM, None, {"text": "Het antwoord op je vraag."}, key=reply_post_key(0),
                                    question_id=_a_question_of(loket, ASKER), reply_kind="answer")
    sent = loket.fake.wait_for("chat.postMessage", lambda c: "Het antwoord op je vraag" in c.all_text(), channel=DM)[0]
    _forget_from_the_cli(loket, settings, monkeypatch, capsys, ASKER)
    eventually(lambda: loket.deps.delivery.deliver_outbox() >= 0 and sent.ts not in _loket_messages(loket, DM))


def _a_question_of(loket: Harness, user: str) -> int:
    from datetime import datetime, timezone

    with loket.service.store.tx() as tx:
        return tx.add_question(user_id=user, channel_id=DM, via="dm", text="Een vraag",
                               created_at=datetime.now(timezone.utc)).id
