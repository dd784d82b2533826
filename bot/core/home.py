"""What the App Home tab shows: a PRT participant their own questions, the core team the work.

* participant: their latest questions (answered by Loket, with the core team, or not) and
  their escalations that are not closed;
* core team: every escalation that is not closed (oldest first), the open signals (most
  severe first) and the provincial plans.

Plain views for the Slack builders; the queries stay here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.core.monitoring import taxonomy as tx_
from bot.core.escalations import CLOSED
from bot.core.monitoring.plans import PlanRegister, PlanView
from bot.core.monitoring.signals import SignalRegister, SignalView
from bot.core.monitoring.summary import NOT_ASKED_KINDS
from bot.store.models import Escalation, Question, as_utc
from bot.store.repo import Store

QUESTIONS_SHOWN = 10
ESCALATIONS_SHOWN = 25
SIGNALS_SHOWN = 20


@dataclass(frozen=True)
class QuestionLine:
    id: int
    created_at: datetime
    text: str
    answered: bool | None
    escalation_number: int | None = None
    escalation_status: str | None = None


@dataclass(frozen=True)
class EscalationLine:
    number: int
    created_at: datetime
    status: str
    question: str
    asker_user_id: str
    claimed_by: str | None = None
    permalink: str | None = None
    core_channel_id: str | None = None
    core_ts: str | None = None


@dataclass(frozen=True)
class ParticipantHome:
    questions: tuple[QuestionLine, ...]
    open_escalations: tuple[EscalationLine, ...]


@dataclass(frozen=True)
class CoreHome:
    open_escalations: tuple[EscalationLine, ...]
    open_escalation_count: int
    open_signals: tuple[SignalView, ...]
    open_signal_count: int
    plans: tuple[PlanView, ...]


def _esc_line(esc: Escalation, text: str) -> EscalationLine:
    return EscalationLine(number=esc.id, created_at=as_utc(esc.created_at), status=esc.status, question=text,
                          asker_user_id=esc.asker_user_id, claimed_by=esc.claimed_by, permalink=esc.permalink,
                          core_channel_id=esc.core_channel_id, core_ts=esc.core_ts)


def participant_home(store: Store, user_id: str) -> ParticipantHome:
    """``user_id``'s latest questions and open escalations."""
    questions = (select(Question, Escalation).outerjoin(Escalation, Escalation.question_id == Question.id)
                 .where(Question.user_id == user_id,
                        func.coalesce(Question.answer_kind, "").not_in(NOT_ASKED_KINDS))
                 .order_by(Question.id.desc()).limit(QUESTIONS_SHOWN))
    escalations = (select(Escalation, Question.text).join(Question, Question.id == Escalation.question_id)
                   .where(Escalation.asker_user_id == user_id, Escalation.status != CLOSED)
                   .order_by(Escalation.id))
    with store.tx() as tx:
        q_lines = tuple(
            QuestionLine(id=q.id, created_at=as_utc(q.created_at), text=q.text, answered=q.answered,
                         escalation_number=e.id if e else None, escalation_status=e.status if e else None)
            for q, e in tx.session.execute(questions))
        e_lines = tuple(_esc_line(e, text) for e, text in tx.session.execute(escalations))
    return ParticipantHome(questions=q_lines, open_escalations=e_lines)


def core_home(store: Store, signals: SignalRegister, plans: PlanRegister) -> CoreHome:
    """Open escalations (oldest first), open signals (most severe, then oldest) and the plans."""
    stmt = (select(Escalation, Question.text).join(Question, Question.id == Escalation.question_id)
            .where(Escalation.status != CLOSED).order_by(Escalation.created_at, Escalation.id))
    with store.tx() as tx:
        rows = list(tx.session.execute(stmt))
    open_signals = sorted(signals.list(open_only=True),
                          key=lambda s: (tx_.SEVERITY_ORDER.get(s.severity, 9), s.created_at, s.id))
    return CoreHome(
        open_escalations=tuple(_esc_line(e, text) for e, text in rows[:ESCALATIONS_SHOWN]),
        open_escalation_count=len(rows),
        open_signals=tuple(open_signals[:SIGNALS_SHOWN]),
        open_signal_count=len(open_signals),
        plans=tuple(plans.all()),
    )
