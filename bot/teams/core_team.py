"""Who is in the core team on Teams: the members of the core team's team (read through the
SDK's roster call) plus ``LOKET_TEAMS_CORE_USERS`` ("29:…" ids or Entra object ids)."""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Awaitable, Callable, Iterable

log = logging.getLogger(__name__)

ROSTER_TTL_SECONDS = 300.0


class CoreTeam:
    """Membership by "29:…" id; Entra object ids resolve through ids seen together with them."""

    def __init__(self, extra_ids: Iterable[str] = (), *, clock: Callable[[], float] = time.monotonic) -> None:
        self.extra = {i for i in extra_ids if i}
        self._roster: set[str] = set()
        self._aad: dict[str, str] = {}  # "29:…" -> Entra object id
        self._read_at: float | None = None
        self._lock = threading.Lock()
        self.clock = clock

    def learn(self, user_id: str, aad_id: str | None) -> None:
        """Remember the Entra object id of a "29:…" user (from an incoming activity)."""
        if user_id and aad_id:
            with self._lock:
                self._aad[user_id] = aad_id

    def is_member(self, user_id: str | None) -> bool:
        if not user_id:
            return False
        with self._lock:
            aad = self._aad.get(user_id)
            return user_id in self.extra or user_id in self._roster or (aad is not None and (aad in self.extra or aad in self._roster))

    def stale(self) -> bool:
        return self._read_at is None or self.clock() - self._read_at > ROSTER_TTL_SECONDS

    async def refresh(self, read_roster: Callable[[], Awaitable[list[dict[str, Any]]]]) -> bool:
        """Read the roster again; on failure keep the last one (and say so, without names)."""
        try:
            members = await read_roster()
        except Exception as e:  # noqa: BLE001 - the roster is best effort; the fixed list still counts
            log.warning("teams: core roster not read (%s); using the last known one", type(e).__name__)
            return False
        ids = {m["id"] for m in members if m.get("id")} | {m["aadObjectId"] for m in members if m.get("aadObjectId")}
        with self._lock:
            self._roster, self._read_at = ids, self.clock()
            for m in members:
                if m.get("id") and m.get("aadObjectId"):
                    self._aad[m["id"]] = m["aadObjectId"]
        log.info("teams: core roster read: %d members", len(members))
        return True
