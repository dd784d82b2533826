"""Privacy (AVG): retention, the right to erasure and the right of access.

Personal data lives in several tables owned by several parts of Loket. Each part
registers a :class:`PrivacyHook` for its own tables::

    from bot.core.privacy import PrivacyHook, register_hook

    register_hook(PrivacyHook("signals", forget=forget_signals, export=export_signals,
                              expire=expire_signals))

and adds its module to :data:`HOOK_MODULES` (so the CLI and the server load it). A hook
gets the SQLAlchemy session of one transaction: all hooks of one request commit together
or not at all.

* ``forget(session, user_id, now) -> counts``: erase or pseudonymise everything about the
  person (their messages, their id in any column, free text that names them as asker).
* ``export(session, user_id) -> JSON-able``: everything stored about the person.
* ``expire(session, cutoff, now) -> counts``: retention: pseudonymise personal data of
  rows older than ``cutoff``. Statistics (dates, answered or not, province, theme) stay.

Each request is written to the audit log (by Loket itself, with counts, never the id of
the person).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import import_module
from typing import Any, Callable

from sqlalchemy.orm import Session

from bot.core.privacy import audit
from bot.store.repo import Store

log = logging.getLogger(__name__)

PSEUDONYM = "verwijderd"  # stands in for a user id that was erased
HOOK_MODULES: tuple[str, ...] = ("bot.core.privacy.privacy_core", "bot.core.privacy.privacy_monitoring")
HOOK_MODULES += ("bot.core.network.privacy",)  # network: referrals, announcements, lessons
HOOK_MODULES += ("bot.core.privacy.privacy_weekly",)  # stored weekly summaries

Counts = dict[str, int]


@dataclass(frozen=True)
class PrivacyHook:
    """What one part of Loket does for privacy requests (see module docstring)."""

    name: str
    forget: Callable[[Session, str, datetime], Counts] | None = None
    export: Callable[[Session, str], Any] | None = None
    expire: Callable[[Session, datetime, datetime], Counts] | None = None
    order: int = 50  # lower runs first; the core tables (100) go last: others may need their links


HOOKS: dict[str, PrivacyHook] = {}


def register_hook(hook: PrivacyHook) -> None:
    """Add (or replace) the hook called ``hook.name``."""
    HOOKS[hook.name] = hook


def load_hooks() -> dict[str, PrivacyHook]:
    """Import every module in HOOK_MODULES (they register on import); returns the hooks,
    in the order they run."""
    for name in HOOK_MODULES:
        import_module(name)
    return dict(sorted(HOOKS.items(), key=lambda item: item[1].order))


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def forget(store: Store, user_id: str, *, now: datetime | None = None) -> dict[str, Counts]:
    """Erase ``user_id`` everywhere, in one transaction; returns counts per hook."""
    if not user_id or user_id == PSEUDONYM:
        raise ValueError("a user id (Slack or Teams) is required")
    now = now or _utcnow()
    report: dict[str, Counts] = {}
    with store.tx() as tx:
        for hook in load_hooks().values():
            if hook.forget:
                report[hook.name] = hook.forget(tx.session, user_id, now)
        audit.append(tx.session, actor=audit.SYSTEM_ACTOR, action="privacy.forget", object_type="person",
                     detail=_summary(report), now=now)
    log.info("privacy: forgot a person: %s", _summary(report))
    return report


def export(store: Store, user_id: str) -> dict[str, Any]:
    """Everything stored about ``user_id``, per hook (JSON-able)."""
    data: dict[str, Any] = {"user_id": user_id, "exported_at": _utcnow().isoformat()}
    with store.tx() as tx:
        for hook in load_hooks().values():
            if hook.export:
                data[hook.name] = hook.export(tx.session, user_id)
        audit.append(tx.session, actor=audit.SYSTEM_ACTOR, action="privacy.export", object_type="person")
    return data


def expire(store: Store, *, retention_days: int, now: datetime | None = None) -> dict[str, Counts]:
    """Retention: pseudonymise personal data older than ``retention_days`` (one transaction)."""
    now = now or _utcnow()
    cutoff = now - timedelta(days=retention_days)
    report: dict[str, Counts] = {}
    with store.tx() as tx:
        for hook in load_hooks().values():
            if hook.expire:
                report[hook.name] = hook.expire(tx.session, cutoff, now)
        audit.append(tx.session, actor=audit.SYSTEM_ACTOR, action="privacy.retention", object_type="store",
                     detail=f"days={retention_days} " + _summary(report), now=now)
    return report


def _summary(report: dict[str, Counts]) -> str:
    """``hook.what=n`` for the non-zero counts (ids and counts only)."""
    parts = [f"{hook}.{what}={n}" for hook, counts in report.items() for what, n in counts.items() if n]
    return " ".join(parts) or "niets"


def is_dm(channel_id: str | None) -> bool:
    """A DM channel id identifies the person; pseudonymise it like a user id."""
    return bool(channel_id) and str(channel_id).startswith("D")
