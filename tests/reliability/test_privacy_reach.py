"""Privacy reaches every place that holds a person's words or id (both databases): signals
logged from their message, referrals where they are the expert, pending posts that name
them, the core answers they wrote, and Loket's own Slack posts about their questions
(their undoing queued in the outbox); retention of referrals; and database
errors that carry no bound parameters (message text) into the logs."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core import privacy
from bot.core.privacy import PSEUDONYM
from bot.core.monitoring.signals import SignalDraft, SignalRegister
from bot.store.models import OutboxPost, ProcessedEvent, Referral, Signal

from .fakes import CORE
from .test_privacy import ASKER, T0, Clock, escalated_and_verified, make_service

AUTHOR = "UAUTHOR9"
EXPERT = "UEXPERT7"


def test_a_signal_logged_from_a_message_loses_its_author_s_words(store):
    register = SignalRegister(store, is_core=lambda u: u == CORE)
    logged = register.create(SignalDraft(kind="issue", province="Utrecht", title="Bus naar de opvang rijdt niet",
                                         description="Bus naar de opvang rijdt niet meer sinds maandag.",
                                         severity="middel", source_channel_id="CPRT", source_ts="300.1",
                                         source_user_id=AUTHOR), user_id=CORE)
    assert privacy.export(store, AUTHOR)["monitoring"]["signals"][0]["role"] == "schrijver van het bericht"
    report = privacy.forget(store, AUTHOR)
    assert report["monitoring"]["signal_from_message"] == 1
    with store.read() as tx:
        row = tx.session.get(Signal, logged.id)
        assert "opvang" not in row.title + row.description
        assert (row.source_user_id, row.source_channel_id, row.source_ts) == (PSEUDONYM, None, None)


def test_pending_posts_naming_a_forgotten_core_member_and_their_answers(store):
    service = make_service(store, Clock())
    number = escalated_and_verified(service)  # CORE claimed and answered: notices to the asker are pending
    export = privacy.export(store, CORE)["core"]
    assert export["answers_written"] == [{"number": number, "answer": "De gemeente, volgens de regeling."}]
    assert {p["kind"] for p in export["pending_posts"]} >= {"claimed", "core_reply"}
    report = privacy.forget(store, CORE)
    assert report["core"]["outbox_pending_mentions"] >= 2
    with store.read() as tx:
        payloads = [p.payload for p in tx.session.query(OutboxPost).filter(OutboxPost.status == "pending")]
    assert payloads and all(CORE not in str(p) for p in payloads)
    assert any(p.get("user_id") == PSEUDONYM for p in payloads)


def test_forgetting_an_asker_queues_the_undoing_of_loket_s_own_posts(store):
    service = make_service(store, Clock())
    number = escalated_and_verified(service)
    lease = service.lease_escalation_post(number)
    assert service.mark_posted(number, channel_id="CCORE", ts="900.000001", token=lease.token)
    while (post := service.due_post()) is not None:
        assert service.mark_sent(post.id, token=post.token, ts=f"95{post.id}.000001")
    posts = privacy.export(store, ASKER)["core"]["loket_posts"]
    assert {"channel_id": "CCORE", "ts": "900.000001", "what": f"escalatie #{number}"} in posts
    assert len(posts) >= 3  # the escalation post, the claimed notice and the relay
    report = privacy.forget(store, ASKER)["core"]
    assert report["slack_posts_to_redact"] == 1 and report["slack_posts_to_delete"] == len(posts) - 1
    with store.read() as tx:
        rows = list(tx.session.query(OutboxPost))
    assert not [p for p in rows if p.status == "sent"]  # nothing else about them is kept
    queued = {(p.kind, p.channel_id, p.payload["ts"]) for p in rows if p.status == "pending"}
    assert ("privacy_redact", "CCORE", "900.000001") in queued
    assert {(c, t) for k, c, t in queued if k == "privacy_delete"} == \
        {(p["channel_id"], p["ts"]) for p in posts if not p["what"].startswith("escalatie")}
    assert privacy.forget(store, ASKER)["core"]["slack_posts_to_redact"] == 0  # asked twice: queued once
    assert privacy.export(store, ASKER)["core"]["loket_posts"] == []


def test_referrals_forget_the_expert_and_expire_the_asker(store):
    service = make_service(store, Clock())
    number = escalated_and_verified(service)
    with store.tx() as tx:
        tx.session.add(Referral(escalation_id=number, expert_id="e1", expert_name="Anna Deskundige",
                                expert_slack_user_id=EXPERT, expert_email="anna@example.org", asker_user_id=ASKER,
                                referred_by=CORE, channel_id="GDM1", message_ts="400.1", created_at=T0))
    assert privacy.export(store, EXPERT)["network"]["referrals"][0]["role"] == "deskundige"
    privacy.expire(store, retention_days=30, now=T0 + timedelta(days=31))
    privacy.forget(store, EXPERT)
    with store.read() as tx:
        row = tx.session.query(Referral).one()
        assert (row.expert_slack_user_id, row.expert_name, row.expert_email) == (PSEUDONYM, PSEUDONYM, None)
        assert (row.asker_user_id, row.channel_id, row.message_ts) == (PSEUDONYM, None, None)


def test_database_errors_carry_no_bound_parameters(store):
    secret = "Mijn BSN is 123456789 en ik woon in Zeist"
    with store.tx() as tx:
        tx.session.add(ProcessedEvent(event_id="EvDup", status="done", payload={"text": secret}, created_at=T0))
    with pytest.raises(IntegrityError) as caught:
        with store.tx() as tx:
            tx.session.add(ProcessedEvent(event_id="EvDup", status="done", payload={"text": secret}, created_at=T0))
    assert "123456789" not in str(caught.value) and "parameters hidden" in str(caught.value)


def test_stored_weekly_summaries_lose_the_person(store):
    from bot.store.models import WeeklySummaryRun

    service = make_service(store, Clock())
    number = escalated_and_verified(service)
    figures = {"questions_asked": 3,
               "knowledge_gaps": [{"theme": "opvang", "count": 2,
                                   "examples": [f"#{number} Wie betaalt de bewaking?", "#999 Iets anders"]}],
               "open_escalations": [{"number": number, "status": "claimed", "claimed_by": CORE}]}
    with store.tx() as tx:
        tx.session.add(WeeklySummaryRun(iso_week="2025-W01", claimed_by="replica", claimed_at=T0, status="posted",
                                        attempts=1, figures=figures))
    assert privacy.export(store, ASKER)["weekly"] == [
        {"week": "2025-W01", "examples": [f"#{number} Wie betaalt de bewaking?"], "named": False}]
    assert privacy.forget(store, ASKER)["weekly"] == {"weekly_summaries": 1}
    privacy.forget(store, CORE)
    with store.read() as tx:
        stored = tx.session.get(WeeklySummaryRun, "2025-W01").figures
    assert stored["knowledge_gaps"][0]["examples"] == ["#999 Iets anders"] and stored["questions_asked"] == 3
    assert stored["open_escalations"][0]["claimed_by"] == PSEUDONYM
    privacy.expire(store, retention_days=30, now=T0 + timedelta(days=31))
    with store.read() as tx:
        assert tx.session.get(WeeklySummaryRun, "2025-W01").figures["knowledge_gaps"][0]["examples"] == []
