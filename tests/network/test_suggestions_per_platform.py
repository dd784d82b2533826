"""Slack and Teams share a database: each adapter suggests experts only for its own
escalations (``Referrals.queue_suggestions(accept=…)``) and leaves the others unmarked."""
from __future__ import annotations

from bot.core.delivery.platforms import is_teams_channel
from bot.store.models import Escalation, OutboxPost

from .test_referrals import escalation, referrals, render  # noqa: F401  (fixture and helpers)

FLEX = "Welke contractvormen zijn er voor flexwonen met tijdelijke woningen?"


def test_each_platform_suggests_for_its_own_escalations_only(store, referrals):  # noqa: F811
    slack = escalation(store, FLEX)
    teams = escalation(store, FLEX)
    with store.tx() as tx:
        tx.session.get(Escalation, teams).core_channel_id = "t:0123456789abcdef01234567"

    assert referrals.queue_suggestions(render, accept=lambda esc: not is_teams_channel(esc.core_channel_id)) == 1
    assert referrals.suggested(teams) == []  # left for Teams: not marked
    assert referrals.queue_suggestions(render, accept=lambda esc: is_teams_channel(esc.core_channel_id)) == 1
    with store.tx() as tx:
        posts = {p.escalation_id: p.channel_id for p in tx.session.query(OutboxPost)}
    assert posts == {slack: "CCORE", teams: "t:0123456789abcdef01234567"}
