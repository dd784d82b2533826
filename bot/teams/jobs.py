"""The scheduled monitoring jobs in Teams: the Monday summary (with its chart) in the core
channel and the SLA reminders in the escalations' core threads.

The same core steps and guarantees as Slack (``bot.slack.monitoring_jobs``): the summary is
claimed per ISO week in the database (``bot.core.monitoring.weekly_job``, under the key
``2026-W48@teams``), a reminder is recorded together with its outbox post
(``bot.core.escalations.reminders``), so every replica may tick every minute. The jobs only touch the
database; the cards go out through the Teams outbox (the runtime's background loop), at
most once, with Teams' ``Retry-After``.

Teams has no file upload for bots in channels, so the chart is inside the card: an
``Image`` with a ``data:image/png;base64,`` URL, shrunk until the message fits Teams'
~28 KB limit (:data:`bot.teams.cards_monitoring.MESSAGE_BUDGET`), else left out (the card
has every figure as text).
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.core.delivery.scheduler import Job, Scheduler
from bot.core.monitoring.summary import WeeklySummary
from bot.core.monitoring.weekly import Claim
from bot.core.monitoring.weekly_job import post_weekly_summary as core_post_weekly_summary
from bot.store.models import TeamsConversation
from bot.teams import cards_monitoring as cm, notices
from bot.teams.activities import CHANNEL
from bot.teams.conversations import conversation_key
from bot.teams.monitoring import PLATFORM

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

# (width in pixels, colours) of the chart, tried in this order until the card fits.
CHART_SIZES: tuple[tuple[int, int], ...] = ((640, 48), (520, 24), (420, 12))


def compact_png(png: bytes, *, width: int, colours: int) -> bytes:
    """The chart smaller: scaled to ``width`` and reduced to ``colours`` (bar charts lose nothing)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        height = round(image.height * width / image.width)
        small = image.convert("RGB").resize((width, height), Image.LANCZOS).quantize(colors=colours)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
        return out.getvalue()


def summary_attachment(summary: WeeklySummary) -> dict[str, Any]:
    """The summary card with the largest chart that fits one Teams message."""
    from bot.core.monitoring.summary_chart import render_png

    png = render_png(summary)
    charts = (compact_png(png, width=w, colours=c) for w, c in CHART_SIZES)
    return cm.summary_card_within(summary, charts)


# -- the channels Loket posts in without having seen them ---------------------------------------
def _any_reference(rt: "TeamsRuntime") -> dict[str, Any] | None:
    """The most recent stored reference: serviceUrl, bot and tenant are the same for all of
    the tenant's conversations."""
    with rt.service.store.read() as tx:
        row = tx.session.scalar(select(TeamsConversation).order_by(TeamsConversation.updated_at.desc()).limit(1))
        return dict(row.reference) if row is not None else None


def remember_channels(rt: "TeamsRuntime", now: datetime) -> int:
    """Store a reference for the core, updates and LRT channels if Loket has not seen them yet
    (the outbox needs one to post there); returns how many were added."""
    added = 0
    for channel in (rt.settings.teams_core_channel, rt.settings.teams_updates_channel, rt.settings.teams_lrt_channel):
        if not channel or rt.book.get(conversation_key(channel)) is not None:
            continue
        reference = _any_reference(rt)
        if reference is None:
            return added
        rt.book.remember(conversation_id=channel, kind=CHANNEL, service_url=reference["serviceUrl"],
                         reference=reference, now=now)
        added += 1
    return added


async def refresh_core_team(rt: "TeamsRuntime") -> None:
    """Read the core team's roster (if stale), also before Loket saw the core channel: the
    roster call needs a reference, which :func:`remember_channels` provides."""
    await asyncio.to_thread(remember_channels, rt, rt.clock())
    await rt.refresh_core_team()


# -- the jobs -------------------------------------------------------------------------------------
def post_weekly_summary(rt: "TeamsRuntime", now: datetime) -> str | None:
    """Queue last week's summary for the core channel, once; returns the week, if any."""
    if not rt.core_key:
        return None
    mon = rt.monitoring
    remember_channels(rt, now)  # the outbox needs the core channel's reference to post there

    def queue(claim: Claim, summary: WeeklySummary) -> None:
        rt.service.enqueue_post(kind=notices.POST_CARD, channel_id=rt.core_key, thread_ts=None,
                                payload={"card": summary_attachment(summary), "summary": f"Weekoverzicht {summary.week}"},
                                dedupe_key=f"weekly-summary:{claim.week}")

    week = core_post_weekly_summary(mon.store, mon.weekly, now=now, tz=rt.settings.timezone, hours=mon.working_hours,
                                    post=queue, platform=PLATFORM)
    if week:
        log.info("weekly summary %s queued for the Teams core channel", week)
    return week


def send_reminders(rt: "TeamsRuntime", now: datetime) -> int:
    """Queue the SLA reminders due at ``now`` for Teams escalations; returns how many."""
    return len(rt.monitoring.reminders.run(now, notices.reminder_notice))


def make_scheduler(rt: "TeamsRuntime") -> Scheduler:
    """The Teams jobs as one scheduler (a daemon thread; the cards go out through the outbox)."""
    return Scheduler(jobs=[
        Job("teams_channels", lambda now: remember_channels(rt, now)),
        Job("teams_weekly_summary", lambda now: post_weekly_summary(rt, now)),
        Job("teams_sla_reminders", lambda now: send_reminders(rt, now)),
    ], clock=rt.clock)


def scheduler_context(rt: "TeamsRuntime"):
    """An aiohttp cleanup context: the scheduler runs while the app does."""

    async def ctx(_app):
        scheduler = make_scheduler(rt).start()
        yield
        with contextlib.suppress(Exception):
            scheduler.stop()

    return ctx
