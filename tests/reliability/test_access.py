"""Access control: core-team actions only for the core team. Everyone else gets a polite
private refusal, nothing changes, and the refusal is in the audit log."""
from __future__ import annotations

from bot.core.privacy.audit import AuditLog
from bot.slack import action_ids
from bot.slack.guards import NOT_RELAYED, REFUSAL, Actor, core_only

from slack_adapter.conftest import ASKER, CHANNEL, CORE, CORE_MEMBER, OUTSIDER, UNANSWERABLE, Harness, eventually


def escalate(loket: Harness):
    ts = loket.mention(UNANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    post = loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)
    return ts, post


def audit_rows(loket: Harness) -> list[tuple]:
    return [(e.actor, e.action, e.object_id, e.result) for e in AuditLog(loket.service.store).entries()]


def test_outsiders_cannot_claim_close_or_save_and_nothing_changes(loket: Harness) -> None:
    ts, post = escalate(loket)
    for action in (action_ids.CLAIM, action_ids.CLOSE, action_ids.SAVE_VERIFIED):
        assert loket.click(action, "1", user=OUTSIDER, channel=CORE, message_ts=post.ts).status == 200
    refusals = loket.fake.wait_for("chat.postEphemeral", user=OUTSIDER, count=3)
    assert {c.get("text") for c in refusals} == {REFUSAL}
    esc = loket.service.escalation(1)
    assert (esc.status, esc.claimed_by, esc.closed_by) == ("open", None, None)
    assert loket.service.verified_answers() == []
    denied = {(a, act, r) for a, act, _, r in audit_rows(loket)}
    assert denied == {(OUTSIDER, "escalation.claim", "denied"), (OUTSIDER, "escalation.close", "denied"),
                      (OUTSIDER, "verified.save", "denied")}
    assert AuditLog(loket.service.store).verify().ok


def test_core_actions_are_audited_and_the_asker_may_close_their_own(loket: Harness) -> None:
    ts, post = escalate(loket)
    loket.click(action_ids.CLAIM, "1", user=CORE_MEMBER, channel=CORE, message_ts=post.ts)
    eventually(lambda: loket.service.escalation(1).status == "claimed")
    loket.message("Ottawa.", user=CORE_MEMBER, channel=CORE, thread_ts=post.ts)
    eventually(lambda: loket.service.escalation(1).status == "answered")
    loket.click(action_ids.CLOSE, "1", user=ASKER, channel=CHANNEL, message_ts=ts)
    eventually(lambda: loket.service.escalation(1).status == "closed")
    assert audit_rows(loket) == [(CORE_MEMBER, "escalation.claim", "1", "ok"),
                                 (CORE_MEMBER, "escalation.answer", "1", "ok"),
                                 (ASKER, "escalation.close", "1", "ok")]


def test_a_reply_of_an_outsider_in_the_core_thread_is_not_relayed_and_they_hear_why(loket: Harness) -> None:
    ts, post = escalate(loket)
    loket.message("Ik denk Toronto", user=OUTSIDER, channel=CORE, thread_ts=post.ts)
    note = loket.fake.wait_for("chat.postEphemeral", user=OUTSIDER)[0]
    assert note.get("text") == NOT_RELAYED and note.get("thread_ts") == post.ts
    assert loket.service.escalation(1).status == "open"
    assert audit_rows(loket) == [(OUTSIDER, "escalation.answer", "1", "denied")]


class _Team:
    def __init__(self, members):
        self.members = set(members)

    def is_member(self, user_id):
        return user_id in self.members


class _Delivery:
    def __init__(self):
        self.notes = []

    def ephemeral(self, channel, user, text, thread_ts=None):
        self.notes.append((channel, user, text, thread_ts))


class _Deps:
    """Just enough of Deps for the guard: core team, delivery, a store for the audit log."""

    def __init__(self, store):
        self.core_team = _Team({"UKERN"})
        self.delivery = _Delivery()
        self.service = type("S", (), {"store": store})()


def test_the_guard_reads_every_kind_of_request(store):
    deps = _Deps(store)
    ran = []

    @core_only("signal.change", object_id=lambda r: 7)
    def change_signal(deps, request):
        ran.append(request)
        return "changed"

    requests = [
        {"command": "/loket", "user_id": "UX", "channel_id": "C1"},  # slash command
        {"user": {"id": "UX"}, "channel": {"id": "C1"}, "message": {"thread_ts": "1.1"}},  # button
        {"user": {"id": "UX"}, "container": {"channel_id": "C1"}},  # view / shortcut
        {"event": {"user": "UX", "channel": "C1", "ts": "2.2"}},  # event
        Actor("UX", "C1", None),  # an object with user_id / channel_id (Click)
    ]
    for request in requests:
        assert change_signal(deps, request) is None
    assert ran == [] and len(deps.delivery.notes) == 5
    assert all(n[:3] == ("C1", "UX", REFUSAL) for n in deps.delivery.notes)
    assert change_signal(deps, {"user_id": "UKERN", "channel_id": "C1"}) == "changed"
    rows = AuditLog(store).entries()
    assert [(e.actor, e.action, e.object_id, e.result) for e in rows] == [("UX", "signal.change", "7", "denied")] * 5
