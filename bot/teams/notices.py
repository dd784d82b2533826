"""Monitoring messages for Teams as outbox notices: a ready Adaptive Card for a conversation.

The core queues a :class:`~bot.core.delivery.notices.Notice` in the same transaction as the change
that causes it (a new signal, a signal escalated to the LRT, an SLA reminder), with a dedupe
key; the Teams outbox (:meth:`bot.teams.runtime.TeamsRuntime.deliver_outbox`) sends the
card, at most once. A notice is only made for Teams conversations: in a database shared
with Slack, the other platform's escalations are left to the other adapter.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.delivery.notices import Notice, Render
from bot.core.escalations.reminders import Reminder
from bot.core.monitoring.signals import SignalView
from bot.teams import cards_monitoring as cm
from bot.teams.conversations import conversation_key, is_teams_key

POST_CARD = "teams_card"  # outbox kind: payload {"card": <attachment>, "summary": <notification text>}


def card_notice(channel_key: str | None, attachment: dict[str, Any], *, thread_ts: str | None = None,
                summary: str = "") -> Notice | None:
    """``attachment`` for the Teams conversation ``channel_key`` (None: nothing is posted)."""
    if not channel_key or not is_teams_key(channel_key):
        return None
    return Notice(kind=POST_CARD, channel_id=channel_key, thread_ts=thread_ts,
                  payload={"card": attachment, "summary": summary})


def signal_notice(core_key: str | None):
    """A new signal as a card in the core channel (a new thread)."""
    return lambda view: card_notice(core_key, cm.signal_card(view), summary=f"Nieuw signaal S{view.id}")


def lrt_notice(lrt_channel: str | None, *, escalated_by_name: str | None = None) -> Render[SignalView]:
    """A signal escalated to the LRT, as a card (a new thread) in ``LOKET_TEAMS_LRT_CHANNEL``
    (a conversation id ``19:…``; unset: nothing is posted, the escalation is only recorded).

    The payload also names the escalator's id, as Slack's message does (``<@U…>``), so
    privacy erasure finds the post when that person is forgotten."""
    key = conversation_key(lrt_channel) if lrt_channel else None

    def render(view: SignalView) -> Notice | None:
        notice = card_notice(key, cm.signal_lrt_card(view, escalated_by=escalated_by_name),
                             summary=f"Signaal S{view.id} geëscaleerd naar de LRT")
        if notice is None:
            return None
        return replace(notice, payload={**notice.payload, "escalated_by": view.lrt_escalated_by})

    return render


def reminder_notice(reminder: Reminder) -> Notice | None:
    """An SLA reminder in the escalation's core thread (Teams escalations only)."""
    return card_notice(reminder.core_channel_id, cm.reminder_card(reminder), thread_ts=reminder.core_ts,
                       summary=f"Herinnering: vraag #{reminder.number}")


def render(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The card of a :data:`POST_CARD` post."""
    attachment = payload.get("card")
    return attachment if isinstance(attachment, dict) else None

