"""The scheduled monitoring jobs in Slack: the Monday summary and the SLA reminders.

Both are safe to run on every replica every minute: the weekly summary is claimed per
ISO week in the database (``bot.core.monitoring.weekly``), a reminder is recorded together with its
outbox post (``bot.core.escalations.reminders``). :func:`make_scheduler` bundles them for the server.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.core.delivery.scheduler import Job, Scheduler
from bot.core.monitoring.summary_chart import render_png
from bot.core.monitoring.summary_render import title
from bot.core.monitoring.weekly import Claim
from bot.core.monitoring.weekly_job import post_weekly_summary as core_post_weekly_summary
from bot.settings import Settings
from bot.slack.blocks_summary import summary_message
from bot.slack.deps import Deps
from bot.slack.monitoring import Monitoring

log = logging.getLogger(__name__)


def send_reminders(mon: Monitoring, now: datetime) -> int:
    """Queue the SLA reminders due at ``now`` and send them; returns how many."""
    reminders = mon.reminders.run(now, mon.reminder_notice)
    if reminders:
        mon.send_queued()
    return len(reminders)


def post_weekly_summary(mon: Monitoring, now: datetime) -> str | None:
    """Post last week's summary once (from Monday 09:00); returns the week posted, if any.

    The steps (due week, claim, build, record) are the core's (``bot.core.monitoring.weekly_job``);
    here only how it is posted: the message, then the chart below it.
    """
    if not mon.core_channel:
        return None
    week = core_post_weekly_summary(mon.store, mon.weekly, now=now, tz=mon.settings.timezone, hours=mon.working_hours,
                                    post=lambda claim, summary: _post(mon, claim, summary))
    if week:
        log.info("weekly summary %s posted to %s", week, mon.core_channel)
    return week


def _post(mon: Monitoring, claim: Claim, summary) -> None:
    """The summary message (at most once, by its marker), then the chart below it."""
    if claim.message_ts is None:
        message = summary_message(summary, note="De grafiek staat in het volgende bericht.")
        posted = mon.deps.delivery.poster.post(mon.core_channel, None, dict(message), key=f"weekly-summary:{claim.week}",
                                               verify=claim.attempt > 1)
        mon.weekly.message_posted(claim.week, channel_id=posted["channel"], ts=posted["ts"])
    upload_chart(mon, summary)


def upload_chart(mon: Monitoring, summary, *, channel: str | None = None, thread_ts: str | None = None) -> dict[str, Any]:
    """Upload the summary's chart (PNG) with files_upload_v2."""
    return mon.deps.delivery.client.files_upload_v2(
        channel=channel or mon.core_channel, thread_ts=thread_ts, file=render_png(summary),
        filename=f"loket-weekoverzicht-{summary.week}.png", title=title(summary),
        alt_txt=f"Grafiek: vragen, escalaties, signalen en provinciale plannen in week {summary.week}",
        initial_comment=f"Grafiek bij het weekoverzicht van {summary.week}",
    ).data


def make_scheduler(settings: Settings, deps: Deps, mon: Monitoring | None = None) -> Scheduler:
    """The monitoring jobs as one scheduler (the server runs ``run_once`` in its loop)."""
    mon = mon or Monitoring(deps=deps, settings=settings)
    return Scheduler(jobs=[
        Job("weekly_summary", lambda now: post_weekly_summary(mon, now)),
        Job("sla_reminders", lambda now: send_reminders(mon, now)),
    ])
