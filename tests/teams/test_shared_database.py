"""Slack and Teams on one database: each adapter leaves the other's inbox rows and posts alone."""
from __future__ import annotations

from datetime import timedelta

from bot.core.delivery.platforms import TEAMS_INBOX_KIND
from bot.store.inbox import Inbox
from bot.store.models import OutboxPost

from .conftest import PERSONAL
from .test_escalation_relay import core_reply, escalate, relays


def test_stale_inbox_rows_are_leased_by_their_own_platform_only(teams):
    inbox = Inbox(teams.store)
    now = teams.loket.runtime.clock()
    earlier = now - timedelta(minutes=5)
    inbox.receive("slack-event", kind="slack.mention", payload={"body": {}}, now=earlier)
    inbox.receive("teams-event", kind=TEAMS_INBOX_KIND, payload={"activity": {}}, now=earlier)
    slack_side = inbox.lease_stale(now=now, limit=10, exclude_kinds=(TEAMS_INBOX_KIND,))
    teams_side = inbox.lease_stale(now=now, limit=10, kinds=(TEAMS_INBOX_KIND,))
    assert [i.key for i in slack_side] == ["slack-event"]
    assert [i.key for i in teams_side] == ["teams-event"]


def test_teams_drain_leaves_slack_posts_pending_and_unspent(teams):
    service = teams.loket.runtime.service
    service.enqueue_post(kind="notice", channel_id="CSLACK01", thread_ts=None, payload={"text": "x"}, dedupe_key="s1")
    thread, _ = escalate(teams)
    core_reply(teams, thread, "Ottawa.")
    teams.loket.call(teams.loket.runtime.deliver_outbox())
    assert len(relays(teams)) == 1
    with teams.store.read() as tx:
        slack_post = tx.session.query(OutboxPost).filter_by(channel_id="CSLACK01").one()
        assert (slack_post.status, slack_post.attempts) == ("pending", 0)
    assert all(s.conversation_id in (PERSONAL, thread) for s in teams.connector.sent if s.method != "create")
