"""Monitoring messages as outbox notices: what the core queues, rendered for Slack.

The core queues a :class:`~bot.core.delivery.notices.Notice` with the change that causes it; here
it becomes the delivery's ``slack_reply`` post (a ready message), which the retry loop of
``loket serve`` sends with backoff and at most once. The CLI uses the same functions, so
``loket signal update --status geescaleerd`` announces the signal in the LRT channel too.
"""
from __future__ import annotations

from bot.core.delivery.notices import Notice, Render
from bot.core.delivery.platforms import is_teams_channel
from bot.core.escalations.reminders import Reminder
from bot.core.monitoring.signals import SignalView
from bot.slack import blocks_monitoring as bm
from bot.slack.block_kit import Message
from bot.slack.delivery import POST_REPLY


def notice(channel: str | None, message: Message, thread_ts: str | None = None) -> Notice | None:
    """``message`` for ``channel`` (None without a channel: nothing is posted)."""
    if not channel:
        return None
    return Notice(kind=POST_REPLY, channel_id=channel, thread_ts=thread_ts, payload={"message": dict(message)})


def signal_notice(core_channel: str | None) -> Render[SignalView]:
    """A new signal in the core channel, with its buttons."""
    return lambda view: notice(core_channel, bm.signal_message(view))


def lrt_notice(lrt_channel: str | None) -> Render[SignalView]:
    """A signal escalated to the LRT, for ``LOKET_LRT_CHANNEL`` (unset: only recorded)."""
    return lambda view: notice(lrt_channel, bm.signal_lrt_message(view))


def reminder_notice(reminder: Reminder) -> Notice | None:
    """An SLA reminder in the escalation's core thread (Slack's escalations only: a Teams one,
    in a database both share, is reminded by the Teams adapter, ``bot.teams.notices``)."""
    if is_teams_channel(reminder.core_channel_id):
        return None
    return notice(reminder.core_channel_id, bm.sla_reminder(reminder), thread_ts=reminder.core_ts)
