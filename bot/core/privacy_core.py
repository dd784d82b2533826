"""Privacy hooks for the core tables: questions, escalations, verified answers, outbox,
inbox (processed events) and the audit log's actors. See :mod:`bot.core.privacy`.

Pseudonymising keeps the statistics (when, how, answered or not, province, theme) and
drops the person: question text, user ids, Slack message ids and DM channel ids.
Verified answers are knowledge: retention keeps question and answer (the link to the
asker goes with the escalation's pseudonymisation); a person who asks to be forgotten
takes the verified answers made from *their* questions with them (their words).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.privacy import PSEUDONYM, Counts, PrivacyHook, register_hook
from bot.store.models import Escalation, OutboxPost, ProcessedEvent, Question, VerifiedAnswer, as_utc

BOOKKEEPING = timedelta(days=14)  # event ids and settled outbox posts


def _dm_safe(column):
    """A DM channel id becomes "D" (it identifies the person); other channels stay."""
    return case((column.like("D%"), "D"), else_=column)


QUESTION_ERASED = dict(text="", user_id=PSEUDONYM, thread_ts=None, message_ts=None, conversation_ts=None,
                       answer_text=None, passages=None, source_key=None, feedback_by=None)
ESCALATION_ERASED = dict(asker_user_id=PSEUDONYM, asker_thread_ts=None, permalink=None, escalated_by=None)


def _exec(session: Session, statement) -> int:
    """Run a bulk UPDATE/DELETE (no ORM session sync: nothing is loaded) and count rows."""
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return max(result.rowcount or 0, 0)


# -- forget ------------------------------------------------------------------------------
def forget(session: Session, user_id: str, now: datetime) -> Counts:
    """Erase ``user_id`` from the core tables (see module docstring)."""
    mine = list(session.scalars(select(Escalation.id).where(Escalation.asker_user_id == user_id)))
    names_user = lambda column: cast(column, String).contains(user_id, autoescape=True)  # noqa: E731
    statements = {
        "verified_answers_removed": delete(VerifiedAnswer).where(VerifiedAnswer.escalation_id.in_(mine)),
        "verified_answers_pseudonymised": update(VerifiedAnswer).where(VerifiedAnswer.answered_by == user_id)
        .values(answered_by=PSEUDONYM),
        # posts about their questions, and sent posts naming them (a pending notice to
        # someone else's asker that names a forgotten core member still goes out)
        "outbox": delete(OutboxPost).where(or_(
            OutboxPost.escalation_id.in_(mine), (OutboxPost.status != "pending") & names_user(OutboxPost.payload))),
        "inbox": update(ProcessedEvent).where(names_user(ProcessedEvent.payload))
        .values(payload=None, status=case((ProcessedEvent.status.in_(("received", "processing")), "failed"),
                                          else_=ProcessedEvent.status)),
        "escalations": update(Escalation).where(Escalation.asker_user_id == user_id)
        .values(asker_channel_id=_dm_safe(Escalation.asker_channel_id), answer_text=None, **ESCALATION_ERASED),
        "questions": update(Question).where(Question.user_id == user_id)
        .values(channel_id=_dm_safe(Question.channel_id), **QUESTION_ERASED),
        "feedback": update(Question).where(Question.feedback_by == user_id).values(feedback_by=None),
    }
    counts: Counts = {name: _exec(session, statement) for name, statement in statements.items()}
    counts["core_roles"] = _forget_core_roles(session, user_id)
    counts["audit_actor"] = audit.erase_actor(session, user_id)
    return counts


def _forget_core_roles(session: Session, user_id: str) -> int:
    """The person as a core member (claimed, answered, closed) or as the one who escalated."""
    total = 0
    for column in (Escalation.claimed_by, Escalation.answered_by, Escalation.closed_by):
        total += _exec(session, update(Escalation).where(column == user_id).values({column.key: PSEUDONYM}))
    total += _exec(session, update(Escalation).where(Escalation.escalated_by == user_id).values(escalated_by=None))
    return total


# -- export ------------------------------------------------------------------------------
def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def export(session: Session, user_id: str) -> dict[str, Any]:
    """Everything the core tables hold about ``user_id``."""
    questions = session.scalars(select(Question).where(Question.user_id == user_id).order_by(Question.id))
    feedback = session.scalars(select(Question).where(Question.feedback_by == user_id).order_by(Question.id))
    asked = session.scalars(select(Escalation).where(Escalation.asker_user_id == user_id).order_by(Escalation.id))
    handled = session.scalars(select(Escalation).where(or_(
        Escalation.claimed_by == user_id, Escalation.answered_by == user_id, Escalation.closed_by == user_id,
    )).order_by(Escalation.id))
    verified = session.scalars(select(VerifiedAnswer).outerjoin(Escalation, VerifiedAnswer.escalation_id == Escalation.id)
                               .where(or_(Escalation.asker_user_id == user_id, VerifiedAnswer.answered_by == user_id))
                               .order_by(VerifiedAnswer.id))
    return {
        "questions": [{"id": q.id, "asked_at": _iso(q.created_at), "via": q.via, "channel_id": q.channel_id,
                       "text": q.text, "answered": q.answered, "answer": q.answer_text, "helpful": q.helpful}
                      for q in questions],
        "feedback_given": [{"question_id": q.id, "helpful": q.helpful, "at": _iso(q.feedback_at)} for q in feedback],
        "escalations_asked": [{"number": e.id, "status": e.status, "created_at": _iso(e.created_at),
                               "question_id": e.question_id, "answer": e.answer_text,
                               "closed_at": _iso(e.closed_at)} for e in asked],
        "escalations_handled": [{"number": e.id, "roles": [r for r, v in (("claimed", e.claimed_by),
                                 ("answered", e.answered_by), ("closed", e.closed_by)) if v == user_id]}
                                for e in handled],
        "verified_answers": [{"key": f"verified-{v.id}", "question": v.question, "answer": v.answer} for v in verified],
        "audit_log": [e.to_json() for e in audit.entries_of(session, user_id)],
    }


# -- retention ---------------------------------------------------------------------------
def expire(session: Session, cutoff: datetime, now: datetime) -> Counts:
    """Pseudonymise conversations older than ``cutoff``; drop old bookkeeping.

    Questions of an escalation that is still open (and its follow-ups) are kept until it
    is closed.
    """
    active = select(Escalation.question_id).where(Escalation.status != "closed")
    old_questions = (
        update(Question)
        .where(Question.created_at < cutoff, Question.user_id != PSEUDONYM, Question.id.not_in(active),
               or_(Question.followup_of_id.is_(None), Question.followup_of_id.not_in(active)))
        .values(channel_id=_dm_safe(Question.channel_id), **QUESTION_ERASED)
    )
    old_escalations = (
        update(Escalation)
        .where(Escalation.created_at < cutoff, Escalation.status == "closed", Escalation.asker_user_id != PSEUDONYM)
        .values(asker_channel_id=_dm_safe(Escalation.asker_channel_id), **ESCALATION_ERASED)
    )
    settled = now - BOOKKEEPING
    return {
        "questions": _exec(session, old_questions),
        "escalations": _exec(session, old_escalations),
        "outbox": _exec(session, (delete(OutboxPost).where(or_(
            OutboxPost.created_at < cutoff,
            (OutboxPost.status != "pending") & (OutboxPost.created_at < settled))))),
        "inbox": _exec(session, (delete(ProcessedEvent).where(or_(
            ProcessedEvent.created_at < cutoff,
            ProcessedEvent.status.in_(("done", "failed")) & (ProcessedEvent.created_at < settled))))),
    }


register_hook(PrivacyHook("core", forget=forget, export=export, expire=expire, order=100))
