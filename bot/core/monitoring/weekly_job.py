"""The weekly summary job, for any adapter: due? claimed? build, post, record.

Slack and Teams run the same steps (``bot.core.monitoring.weekly``: last week's summary from Monday
09:00, once, claimed in the database so that any number of replicas can tick); they only
differ in how the summary is posted. Each platform claims the week under its own key
(Slack: ``2026-W48``, Teams: ``2026-W48@teams``), so one database serving both posts the
summary in both core channels, each exactly once.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from bot.core.escalations.sla import WorkingHours
from bot.core.monitoring.summary import WeeklySummary, build_summary, week_bounds
from bot.core.monitoring.weekly import Claim, WeeklyRuns, due_week, in_use_before
from bot.store.repo import Store

log = logging.getLogger(__name__)

Post = Callable[[Claim, WeeklySummary], None]


def claim_key(week: str, platform: str | None = None) -> str:
    """The ``weekly_summaries`` key of ``week`` for a platform (None: Slack's bare week)."""
    return f"{week}@{platform}" if platform else week


def post_weekly_summary(store: Store, runs: WeeklyRuns, *, now: datetime, tz: str, hours: WorkingHours, post: Post,
                        platform: str | None = None) -> str | None:
    """Post last week's summary once through ``post``; returns the week posted, if any.

    Weeks before Loket was first used are skipped (``in_use_before``). A failing ``post``
    releases the claim for a later round (or another replica) and returns None.
    """
    week = due_week(now, tz)
    if week is None or not in_use_before(store, week_bounds(week, tz)[1]):
        return None
    key = claim_key(week, platform)
    claim = runs.claim(key, now=now)
    if claim is None:
        return None
    try:
        summary = build_summary(store, week, tz=tz, now=now, hours=hours)
        post(claim, summary)
    except Exception as e:  # noqa: BLE001 - another round (or replica) tries again after the lease
        log.warning("weekly summary %s not posted (%s)", key, type(e).__name__)
        runs.failed(key, now=now)
        return None
    runs.done(key, now=now, figures=summary.to_json())
    return week
