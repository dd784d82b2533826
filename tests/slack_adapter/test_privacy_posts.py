"""`loket privacy forget` reaches Loket's own Slack posts (issue 11): the CLI (no Slack
client) queues the undoing in the outbox, the running Loket's delivery carries it out:
posts about the person's question are deleted, the core-channel escalation post (the root
of the core team's thread) is replaced by a neutral notice."""
from __future__ import annotations

from bot.cli import main as cli
from bot.slack import action_ids

from .conftest import ASKER, CHANNEL, CORE, CORE_MEMBER, Harness, eventually
from .test_escalation import escalate, relay_reply

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
