"""Expert suggestions for escalations (queued once) and referrals (recorded once, core team only)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core import privacy
from bot.core.escalations import InvalidTransition
from bot.core.network.finder import ExpertFinder
from bot.core.network.referrals import Referrals, UnknownExpert
from bot.core.network.vector_cache import VectorCache
from bot.core.delivery.notices import Notice
from bot.core.service import NotAllowed
from bot.store.models import OutboxPost, Referral

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
CORE, ASKER = "UKERN001", "UASKER01"


@pytest.fixture
def referrals(store, embedder) -> Referrals:
    finder = ExpertFinder([REPO / "knowledge" / "experts.yaml"], VectorCache(embedder))
    return Referrals(store, finder, is_core=lambda u: u == CORE, clock=lambda: NOW)


def escalation(store, text: str, *, posted: bool = True, status: str = "open", age: timedelta = timedelta(0)) -> int:
    with store.tx() as tx:
        q = tx.add_question(user_id=ASKER, channel_id="CPRT", message_ts="1.1", conversation_ts="1.1", via="mention",
                            text=text, created_at=NOW - age)
        row = tx.add_escalation(question_id=q.id, kind="vraag", status=status, asker_user_id=ASKER,
                                asker_channel_id="CPRT", asker_thread_ts="1.1", reply_count=0, created_at=NOW - age,
                                core_channel_id="CCORE" if posted else None, core_ts=f"9.{q.id}" if posted else None)
        return row.id


def render(esc, matches) -> Notice:
    return Notice(kind="slack_reply", channel_id=esc.core_channel_id, thread_ts=esc.core_ts,
                  payload={"message": {"text": ",".join(m.expert.id for m in matches)}})


def test_suggestions_are_queued_once_for_posted_recent_escalations(store, referrals):
    flex = escalation(store, "Welke contractvormen zijn er voor flexwonen met tijdelijke woningen?")
    escalation(store, "Hoeveel plekken?", posted=False)  # not in the core channel yet
    escalation(store, "Subsidie voor opvang?", age=timedelta(days=5))  # from before the feature
    canada = escalation(store, "Wat is de hoofdstad van Canada?")

    assert referrals.queue_suggestions(render) == 1
    assert referrals.queue_suggestions(render) == 0  # once
    assert referrals.suggested(flex)[0] == "voorbeeld-flexwonen-bzk"
    assert referrals.suggested(canada) == []  # marked, nothing to post
    with store.tx() as tx:
        (post,) = tx.session.query(OutboxPost).all()
    assert (post.channel_id, post.thread_ts, post.escalation_id) == ("CCORE", f"9.{flex}", flex)
    assert post.payload["message"]["text"].startswith("voorbeeld-flexwonen-bzk")


def test_a_referral_is_recorded_once_and_audited(store, referrals):
    number = escalation(store, "Flexwonen voor spoedzoekers?")
    ref = referrals.refer(number, "voorbeeld-flexwonen-bzk", user_id=CORE)
    assert ref.new and ref.expert.email == "voorbeeld-flexwonen@example.org"
    assert (ref.escalation.number, ref.escalation.asker_user_id, ref.escalation.core_channel_id) == (number, ASKER, "CCORE")
    again = referrals.refer(number, "voorbeeld-flexwonen-bzk", user_id="UKERN001")
    assert not again.new and again.id == ref.id
    referrals.refer(number, "voorbeeld-pilots-ipo", user_id=CORE)  # a second expert is fine
    assert [e for e, _, _ in referrals.for_escalation(number)] == ["voorbeeld-flexwonen-bzk", "voorbeeld-pilots-ipo"]

    notice = Notice(kind="slack_reply", channel_id="GDM", payload={"message": {"text": "hallo"}})
    referrals.introduced(ref, channel_id="GDM", notices=[("intro", notice), ("intro", notice)])
    referrals.introduced(ref, channel_id="GDM", notices=[("intro", notice)])  # a second click: nothing new
    with store.tx() as tx:
        assert tx.session.query(OutboxPost).count() == 1
        assert tx.session.get(Referral, ref.id).channel_id == "GDM"


def test_refusals(store, referrals):
    number = escalation(store, "Flexwonen?")
    with pytest.raises(NotAllowed):
        referrals.refer(number, "voorbeeld-flexwonen-bzk", user_id=ASKER)
    with pytest.raises(UnknownExpert):
        referrals.refer(number, "voorbeeld-kabinet-cdk", user_id=CORE)  # not available
    with pytest.raises(UnknownExpert):
        referrals.refer(number, "bestaat-niet", user_id=CORE)
    closed = escalation(store, "Flexwonen?", status="closed")
    with pytest.raises(InvalidTransition):
        referrals.refer(closed, "voorbeeld-flexwonen-bzk", user_id=CORE)
    with pytest.raises(KeyError):
        referrals.refer(999, "voorbeeld-flexwonen-bzk", user_id=CORE)


def test_forgetting_the_asker_reaches_referrals(store, referrals):
    number = escalation(store, "Flexwonen?")
    referrals.refer(number, "voorbeeld-flexwonen-bzk", user_id=CORE)
    assert privacy.export(store, ASKER)["network"]["referrals"][0]["role"] == "vrager"
    assert privacy.forget(store, ASKER)["network"]["referrals_asker"] == 1
    with store.tx() as tx:
        assert tx.session.query(Referral).one().asker_user_id == privacy.PSEUDONYM
