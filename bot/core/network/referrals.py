"""Experts for escalations: suggestions in the core thread, and referrals ("Doorverwijzen").

Every escalation posted to the core channel gets, once, a suggestion of up to three
experts for its question (:meth:`Referrals.queue_suggestions`, run by the background
loop: it finds posted escalations without a suggestion row). A core-team member picks one
with "Doorverwijzen": :meth:`Referrals.refer` records the referral on the escalation
(one per escalation and expert, audited); the adapter then introduces asker and expert to
each other and :meth:`Referrals.introduced` queues the messages in the outbox, so each is
sent once even after a crash or a second click.

What the messages look like is the adapter's business: it passes render functions that
return :class:`~bot.core.delivery.notices.Notice` objects (as monitoring does).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core.privacy import audit
from bot.core.escalations import CLOSED, InvalidTransition
from bot.core.delivery.notices import Notice, queue
from bot.core.service import NotAllowed
from bot.store.models import Escalation, ExpertSuggestion, Question, Referral, as_utc
from bot.store.repo import Store

from .experts import Expert
from .finder import ExpertFinder
from .matcher import ExpertMatch

log = logging.getLogger(__name__)

SUGGEST_WINDOW = timedelta(days=2)  # older escalations (e.g. from before an upgrade) get no suggestion
MAX_SUGGESTIONS = 3


class UnknownExpert(KeyError):
    """The expert is not (or no longer) in the directory, or not available."""

    def __str__(self) -> str:
        return "Deze deskundige staat niet (meer) in de deskundigengids of is tijdelijk niet beschikbaar."


@dataclass(frozen=True)
class EscalationRef:
    """What suggesting and referring need to know about an escalation."""

    number: int
    kind: str
    status: str
    question: str
    asker_user_id: str
    asker_channel_id: str
    asker_thread_ts: str | None
    core_channel_id: str | None
    core_ts: str | None


@dataclass(frozen=True)
class ReferralView:
    id: int
    escalation: EscalationRef
    expert: Expert
    referred_by: str
    created_at: datetime
    channel_id: str | None = None  # where the introduction went (set by ``introduced``)
    new: bool = True  # False: this expert was referred for this escalation before


def _ref(row: Escalation, question: Question) -> EscalationRef:
    return EscalationRef(row.id, row.kind, row.status, question.text, row.asker_user_id, row.asker_channel_id,
                         row.asker_thread_ts, row.core_channel_id, row.core_ts)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Referrals:
    """Suggest experts for escalations and record referrals (see module docstring)."""

    def __init__(self, store: Store, finder: ExpertFinder, *, is_core: Callable[[str], bool],
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.finder = finder
        self.is_core = is_core
        self.clock = clock

    # -- suggestions ---------------------------------------------------------------------------
    def due_suggestions(self, *, window: timedelta = SUGGEST_WINDOW) -> list[EscalationRef]:
        """Posted, not closed, recent escalations that got no suggestion yet, oldest first."""
        since = self.clock() - window
        stmt = (select(Escalation, Question).join(Question, Question.id == Escalation.question_id)
                .outerjoin(ExpertSuggestion, ExpertSuggestion.escalation_id == Escalation.id)
                .where(ExpertSuggestion.escalation_id.is_(None), Escalation.core_ts.is_not(None),
                       Escalation.status != CLOSED, Escalation.created_at >= since)
                .order_by(Escalation.id))
        with self.store.tx() as tx:
            return [_ref(esc, q) for esc, q in tx.session.execute(stmt)]

    def suggest(self, esc: EscalationRef, *, k: int = MAX_SUGGESTIONS) -> list[ExpertMatch]:
        """The best available experts for the escalation's question."""
        return self.finder.match(esc.question, k=k)

    def queue_suggestions(self, render: Callable[[EscalationRef, list[ExpertMatch]], Notice | None], *,
                          accept: Callable[[EscalationRef], bool] | None = None) -> int:
        """Queue the suggestion of every escalation that is due (once each); returns how many were queued.

        An escalation without matching experts is marked too, with no message. ``accept``
        picks the escalations this adapter renders (Slack and Teams may share a database:
        each leaves the other's escalations for the other to suggest in its own format).
        """
        queued = 0
        for esc in self.due_suggestions():
            if accept is not None and not accept(esc):
                continue
            matches = self.suggest(esc)
            now = self.clock()
            try:
                with self.store.tx() as tx:
                    tx.session.add(ExpertSuggestion(escalation_id=esc.number,
                                                    expert_ids=[m.expert.id for m in matches], created_at=now))
                    tx.session.flush()
                    if matches and queue(tx, render(esc, matches), dedupe_key=f"network:suggest:{esc.number}",
                                         now=now, escalation_id=esc.number):
                        queued += 1
            except IntegrityError:  # another replica did it a moment ago
                continue
            log.info("escalation #%s: %d expert(s) suggested", esc.number, len(matches))
        return queued

    def suggested(self, number: int) -> list[str]:
        """The expert ids suggested for escalation ``number`` (empty if none)."""
        with self.store.tx() as tx:
            row = tx.session.get(ExpertSuggestion, number)
            return list(row.expert_ids) if row is not None else []

    # -- referrals -----------------------------------------------------------------------------
    def refer(self, number: int, expert_id: str, *, user_id: str) -> ReferralView:
        """Record that ``user_id`` refers the asker of ``number`` to ``expert_id``.

        NotAllowed for non-core users, UnknownExpert for an expert not in the directory or
        not available, InvalidTransition for a closed escalation. Referring the same expert
        again returns the earlier referral (``new=False``).
        """
        if not self.is_core(user_id):
            self._audit(user_id, number, audit.RESULT_DENIED)
            raise NotAllowed("Alleen het kernteam kan doorverwijzen.")
        expert = self.finder.directory.get(expert_id)
        if expert is None or not expert.available:
            raise UnknownExpert(expert_id)
        now = self.clock()
        with self.store.tx() as tx:
            esc = tx.escalation(number, for_update=True)
            ref = _ref(esc, tx.question(esc.question_id))
            existing = tx.session.scalar(select(Referral).where(Referral.escalation_id == number,
                                                                Referral.expert_id == expert_id))
            if existing is not None:
                return self._view(existing, ref, expert, new=False)
            if esc.status == CLOSED:
                raise InvalidTransition(number, "refer", esc.status,
                                        f"Escalatie #{number} is gesloten; doorverwijzen kan niet meer.")
            row = Referral(escalation_id=number, expert_id=expert.id, expert_name=expert.name,
                           expert_slack_user_id=expert.slack_user_id, expert_email=expert.email,
                           asker_user_id=esc.asker_user_id, referred_by=user_id, created_at=now)
            tx.session.add(row)
            tx.session.flush()
            audit.append(tx.session, actor=user_id, action="escalation.refer", object_type="escalation",
                         object_id=number, detail=f"expert={expert.id}", now=now)
            view = self._view(row, ref, expert, new=True)
        log.info("escalation #%s: referred to expert %s", number, expert.id)
        return view

    def introduced(self, referral: ReferralView, *, channel_id: str, ts: str | None = None,
                   notices: Iterable[tuple[str, Notice | None]] = ()) -> None:
        """Record where the introduction goes and queue ``notices`` (``(key, notice)``) once each."""
        now = self.clock()
        with self.store.tx() as tx:
            row = tx.session.get(Referral, referral.id)
            if row is None:
                return
            row.channel_id = row.channel_id or channel_id
            row.message_ts = row.message_ts or ts
            for key, notice in notices:
                queue(tx, notice, dedupe_key=f"network:referral:{referral.id}:{key}", now=now,
                      escalation_id=referral.escalation.number)

    def for_escalation(self, number: int) -> list[tuple[str, str, str]]:
        """``(expert_id, expert_name, referred_by)`` of every referral of escalation ``number``."""
        with self.store.tx() as tx:
            rows = tx.session.scalars(select(Referral).where(Referral.escalation_id == number).order_by(Referral.id))
            return [(r.expert_id, r.expert_name, r.referred_by) for r in rows]

    @staticmethod
    def _view(row: Referral, ref: EscalationRef, expert: Expert, *, new: bool) -> ReferralView:
        return ReferralView(row.id, ref, expert, row.referred_by, as_utc(row.created_at), row.channel_id, new)

    def _audit(self, user_id: str, number: int, result: str) -> None:
        audit.AuditLog(self.store, self.clock).record(actor=user_id, action="escalation.refer",
                                                      object_type="escalation", object_id=number, result=result)
