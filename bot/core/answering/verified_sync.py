"""Keep the desk's verified-answer index equal to the verified answers in the database.

The desk matches new questions against the core team's verified answers in memory. The
database is the truth: another replica may have saved an answer, ``loket privacy forget``
may have removed one, retention may have changed one. At start-up the index is built
from the database; afterwards :meth:`VerifiedSync.check` (run by the background loop)
compares the two and adds, replaces or removes only what differs, with a log line that
says what and why.

Give the service :attr:`VerifiedSync.desk_proxy` as its desk: answers this process saves
are then known to the mirror and not "found" again by the next check.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from bot.core.answering.answer import VerifiedItem

log = logging.getLogger(__name__)


class VerifiedDesk(Protocol):
    def set_verified_answers(self, items: Sequence[VerifiedItem]) -> None: ...
    def add_verified_answer(self, item: VerifiedItem) -> None: ...
    def remove_verified_answer(self, key: str) -> None: ...


def digest(item: VerifiedItem) -> str:
    """What matters for matching and answering: question and answer."""
    return hashlib.sha256(f"{item.question}\x00{item.answer}\x00{item.answered_by}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class VerifiedSync:
    """Mirror of what was given to the desk, compared with the database."""

    def __init__(self, desk: VerifiedDesk) -> None:
        self.desk = desk
        self._loaded: dict[str, str] = {}  # key -> digest, as the desk has it
        self.desk_proxy = _TrackingDesk(self)

    def load(self, items: Sequence[VerifiedItem]) -> int:
        """Build the desk's verified-answer index from the database's ``items`` (start-up)."""
        self.desk.set_verified_answers(list(items))
        self._loaded = {i.key: digest(i) for i in items}
        log.info("verified-answer index built from the database: %d answer(s)", len(items))
        return len(items)

    def check(self, items: Sequence[VerifiedItem]) -> SyncReport:
        """Bring the desk in line with the database's ``items``; returns what changed."""
        current = {i.key: i for i in items}
        added = changed = 0
        for key, item in current.items():
            known = self._loaded.get(key)
            if known == digest(item):
                continue
            self.desk.add_verified_answer(item)
            self._loaded[key] = digest(item)
            added, changed = (added + 1, changed) if known is None else (added, changed + 1)
        removed = [key for key in self._loaded if key not in current]
        for key in removed:
            self.desk.remove_verified_answer(key)
            del self._loaded[key]
        report = SyncReport(added, changed, len(removed))
        if report.changed_anything:
            log.info("verified-answer index did not match the database: %d added, %d changed, %d removed",
                     added, changed, len(removed))
        return report


class _TrackingDesk:
    """The desk as the service sees it: verified-answer changes also update the mirror."""

    def __init__(self, sync: VerifiedSync) -> None:
        self._sync = sync

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sync.desk, name)

    def add_verified_answer(self, item: VerifiedItem) -> None:
        self._sync.desk.add_verified_answer(item)
        self._sync._loaded[item.key] = digest(item)

    def remove_verified_answer(self, key: str) -> None:
        self._sync.desk.remove_verified_answer(key)
        self._sync._loaded.pop(key, None)

    def set_verified_answers(self, items: Sequence[VerifiedItem]) -> None:
        self._sync.load(items)
