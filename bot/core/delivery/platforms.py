"""Which chat platform a stored conversation or inbox row belongs to.

Slack and Teams share one database (the same questions, escalations, outbox and inbox).
Until delivery is platform-neutral, each adapter must leave the other's work alone: Teams
conversations are stored under channel ids that start with ``TEAMS_CHANNEL_PREFIX`` (Slack
ids never contain a colon), and Teams' inbox rows have kind ``TEAMS_INBOX_KIND``.
"""
from __future__ import annotations

TEAMS_CHANNEL_PREFIX = "t:"
TEAMS_INBOX_KIND = "teams.message"


def is_teams_channel(channel_id: str | None) -> bool:
    """True for a Teams conversation as the core stores it (``bot.teams.conversations``)."""
    return bool(channel_id) and channel_id.startswith(TEAMS_CHANNEL_PREFIX)
