"""Known data for the monitoring tests: questions, escalations and core answers at set times."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.core.privacy import audit
from bot.store.repo import Store

AMS = ZoneInfo("Europe/Amsterdam")
CORE = frozenset({"UKERN001", "UKERN002"})


def local(*args: int) -> datetime:
    """A wall-clock time in Amsterdam, as an aware UTC datetime."""
    return datetime(*args, tzinfo=AMS).astimezone(timezone.utc)


def add_question(store: Store, at: datetime, text: str = "Hoeveel opvangplekken zijn nodig?", *,
                 answered: bool | None = True, kind: str | None = "answer", user: str = "UASK",
                 helpful: bool | None = None, feedback_at: datetime | None = None) -> int:
    with store.tx() as tx:
        ts = f"{at.timestamp():.6f}"
        q = tx.add_question(user_id=user, channel_id="CPRT", message_ts=ts, conversation_ts=ts, via="mention",
                            text=text, answered=answered, answer_kind=kind, created_at=at, helpful=helpful,
                            feedback_at=feedback_at)
        return q.id


def add_escalation(store: Store, at: datetime, text: str = "Welke subsidieregeling geldt voor flexwonen?", *,
                   claimed_at: datetime | None = None, answers: tuple[datetime, ...] = (),
                   closed_at: datetime | None = None, core_ts: str | None = "1700000000.000100",
                   user: str = "UASK") -> int:
    """An escalation (with its question); ``answers``: core replies, each in the audit log."""
    question = add_question(store, at, text, answered=False, kind="none", user=user)
    with store.tx() as tx:
        status = "closed" if closed_at else "answered" if answers else "claimed" if claimed_at else "open"
        esc = tx.add_escalation(question_id=question, asker_user_id=user, asker_channel_id="CPRT",
                                asker_thread_ts=f"{at.timestamp():.6f}", created_at=at, status=status,
                                claimed_by="UKERN001" if claimed_at or answers else None,
                                claimed_at=claimed_at or (answers[0] if answers else None),
                                answered_by="UKERN001" if answers else None,
                                answered_at=answers[-1] if answers else None, answer_text="Zo." if answers else None,
                                closed_at=closed_at, closed_by="UKERN001" if closed_at else None,
                                core_channel_id="CKERNTEAM" if core_ts else None, core_ts=core_ts)
        for when in answers:
            audit.append(tx.session, actor="UKERN001", action="escalation.answer", object_type="escalation",
                         object_id=esc.id, result=audit.RESULT_OK, now=when)
        return esc.id


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
