"""Who is in the core team: members of the core channel plus ``LOKET_CORE_USERS``.

Membership decides whose replies in an escalation thread are relayed and who may press
"Oppakken"/"Sluiten". Reading ``conversations.members`` on every message would hit Slack's
rate limits, so the list is cached for a short while; when Slack cannot be reached the
last known list is kept (and the configured users always count).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 60.0


class PublicCoreChannel(ValueError):
    """The core channel is public and LOKET_CORE_USERS does not define the team."""


class CoreTeam:
    """Cached core-team membership; ``is_member`` is what ``LoketService`` gets as ``is_core``."""

    def __init__(
        self,
        client: WebClient,
        channel_id: str | None,
        extra_users: Iterable[str] = (),
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.channel_id = channel_id
        self.extra_users = frozenset(extra_users)
        self.ttl = ttl
        self.clock = clock
        self._members: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        self._privacy: bool | None = True  # True: private (members count); False: public; None: not known yet

    def verify_private(self) -> None:
        """Refuse a public core channel: anyone can join one and gain the core team's rights.

        With ``LOKET_CORE_USERS`` set, a public channel's members do not count and those
        users alone are the core team. Raises :class:`PublicCoreChannel` otherwise. When
        Slack cannot be asked now, the check is repeated with the next member refresh
        (channel members do not count until it passed).
        """
        if not self.channel_id:
            return
        try:
            info = self.client.conversations_info(channel=self.channel_id)
        except Exception as e:  # noqa: BLE001 - Slack away at start: check again later
            log.warning("conversations.info for core channel %s failed: %s", self.channel_id, type(e).__name__)
            self._privacy = None
            return
        channel = info.get("channel") or {}
        private = bool(channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))
        if private:
            self._privacy = True
            return
        if not self.extra_users:
            raise PublicCoreChannel(
                f"LOKET_CORE_CHANNEL {self.channel_id} is a public channel: anyone could join it and act as the core "
                "team. Make the channel private, or set LOKET_CORE_USERS to the core team's user ids (then only "
                "those users are the core team).")
        log.warning("core channel %s is public: only LOKET_CORE_USERS count as the core team", self.channel_id)
        self._privacy = False

    def is_member(self, user_id: str) -> bool:
        """True for configured core users and current members of the core channel."""
        return bool(user_id) and (user_id in self.extra_users or user_id in self.channel_members())

    __call__ = is_member

    def channel_members(self) -> frozenset[str]:
        """The core channel's members, refreshed when the cache is older than ``ttl``
        (none while the channel is public or not known to be private)."""
        if not self.channel_id:
            return frozenset()
        if self._privacy is None:
            try:
                self.verify_private()
            except PublicCoreChannel as e:
                log.error("%s", e)
                self._privacy = False
        if self._privacy is not True:
            return frozenset()
        with self._lock:
            fresh = self._fetched_at is not None and self.clock() - self._fetched_at < self.ttl
            if not fresh:
                self._refresh()
            return self._members

    def invalidate(self) -> None:
        """Forget the cached list (e.g. after a member_joined/left_channel event)."""
        with self._lock:
            self._fetched_at = None

    def _refresh(self) -> None:
        members: set[str] = set()
        cursor: str | None = None
        try:
            while True:
                resp = self.client.conversations_members(channel=self.channel_id, cursor=cursor, limit=200)
                members.update(resp.get("members") or [])
                cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except Exception as e:  # Slack error or network trouble: keep the last known list
            error = e.response.get("error") if isinstance(e, SlackApiError) else type(e).__name__
            log.warning("conversations.members failed for core channel %s: %s", self.channel_id, error)
            self._fetched_at = self.clock() - self.ttl + min(5.0, self.ttl)  # retry soon, not on every message
            return
        self._members = frozenset(members)
        self._fetched_at = self.clock()
        log.debug("core channel %s has %d members", self.channel_id, len(members))
