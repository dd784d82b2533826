"""A signal draft from a chat message ("Log als signaal" in Slack, the message action in Teams).

The adapters read the message (its text, where it is, who wrote it, a link to it) and call
:func:`draft_from_message`; both get the same title and description from the same text.
"""
from __future__ import annotations

from bot.core.monitoring.signals import DESCRIPTION_MAX, SignalDraft

TITLE_FROM_MESSAGE = 120


def first_line(text: str) -> str:
    """The first non-empty line, shortened to a title."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= TITLE_FROM_MESSAGE else line[:TITLE_FROM_MESSAGE - 1].rstrip() + "…"


def draft_from_message(text: str, *, channel_id: str | None, ts: str | None, user_id: str | None,
                       permalink: str | None) -> SignalDraft:
    """A draft with the message's first line as title, its text as description, linked to it."""
    return SignalDraft(title=first_line(text), description=text[:DESCRIPTION_MAX], source_channel_id=channel_id,
                       source_ts=ts, source_user_id=user_id, source_permalink=permalink)
