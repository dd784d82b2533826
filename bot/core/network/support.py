"""Requests for practical support ("Verzoek om ondersteuning") with a provincial plan.

A PRT participant asks the core team for help: what, for which province, by when. The
request follows the escalation flow (core channel post, "Oppakken", replies relayed into
the asker's thread, "Sluiten") as an escalation of kind ``ondersteuning``; its details
are kept in ``support_requests``. The question row carries the province and a theme (for
the weekly summary) and ``answer_kind = "ondersteuning"``: it is a request, not a
question Loket failed to answer.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable

from bot.core.privacy import audit
from bot.core.monitoring import taxonomy as tx_
from bot.core.escalations import KIND_SUPPORT, OPEN
from bot.core.monitoring.themes import classify
from bot.core.views import Asker, EscalationView, escalation_view
from bot.store.models import SupportRequest
from bot.store.repo import Store

from .items import InvalidItem

log = logging.getLogger(__name__)

WHAT_MAX = 3000
ANSWER_KIND_SUPPORT = KIND_SUPPORT  # questions.answer_kind of a support request


@dataclass(frozen=True)
class SupportDetails:
    """What a support request adds to its escalation."""

    province: str
    needed_by: date | None = None


def parse_needed_by(value: str | date | None, today: date) -> date | None:
    """The "by when" date: ISO (``2026-03-01``) or Dutch (``1-3-2026``); not in the past."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            parts = text.replace("/", "-").split("-")
            try:
                d, m, y = (int(p) for p in parts)
                day = date(y, m, d)
            except (ValueError, TypeError):
                raise InvalidItem("needed_by", "Geef de datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-01.") from None
    if day < today:
        raise InvalidItem("needed_by", "Die datum ligt in het verleden.")
    return day


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SupportRequests:
    """Open support requests as escalations of kind ``ondersteuning``."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.clock = clock

    def open(self, asker: Asker, *, what: str, province: str, needed_by: str | date | None = None) -> EscalationView:
        """Store the request and open its escalation (unposted: the adapter posts it).

        ``asker.conversation_ts`` is the thread where the core team's replies arrive.
        Raises :class:`InvalidItem` for a missing description, an unknown province or a
        bad date.
        """
        text = " ".join((what or "").split()) if "\n" not in (what or "") else (what or "").strip()
        if not text:
            raise InvalidItem("what", "Beschrijf waarmee je ondersteuning wilt.")
        if len(text) > WHAT_MAX:
            raise InvalidItem("what", f"De omschrijving is te lang (maximaal {WHAT_MAX} tekens).")
        try:
            region = tx_.parse_region(province)
        except tx_.UnknownValue as e:
            raise InvalidItem("province", str(e)) from None
        now = self.clock()
        due = parse_needed_by(needed_by, now.date())
        with self.store.tx() as tx:
            question = tx.add_question(
                user_id=asker.user_id, channel_id=asker.channel_id, thread_ts=asker.thread_ts,
                message_ts=asker.message_ts, conversation_ts=asker.conversation_ts, via=asker.via, text=text,
                answered=False, answer_kind=ANSWER_KIND_SUPPORT, province=region, theme=classify(text), created_at=now)
            row = tx.add_escalation(
                question_id=question.id, kind=KIND_SUPPORT, status=OPEN, asker_user_id=asker.user_id,
                asker_channel_id=asker.channel_id, asker_thread_ts=asker.conversation_ts, escalated_by=asker.user_id,
                passages=[], reply_count=0, created_at=now)
            tx.session.add(SupportRequest(escalation_id=row.id, province=region, needed_by=due, created_at=now))
            audit.append(tx.session, actor=asker.user_id, action="support.request", object_type="escalation",
                         object_id=row.id, now=now)
            view = escalation_view(row, question)
        log.info("support request #%s opened (%d chars)", view.number, len(text))
        return view

    def details(self, number: int) -> SupportDetails | None:
        """Province and date of support request ``number`` (None for a plain escalation)."""
        with self.store.tx() as tx:
            row = tx.session.get(SupportRequest, number)
            return SupportDetails(row.province, row.needed_by) if row is not None else None
