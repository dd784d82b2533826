"""The tables of Loket's store (SQLAlchemy 2 declarative models).

The schema itself is created by the Alembic migrations in ``bot/store/migrations``; these
models must match them (a test compares the two). Times are stored timezone-aware (UTC);
SQLite hands them back naive, which :func:`as_utc` repairs.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TS = String(32)  # Slack timestamps ("1712345678.123456") and ids
ID = String(64)


def as_utc(value: datetime | None) -> datetime | None:
    """Make a stored datetime timezone-aware UTC (SQLite drops the zone)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}


class Question(Base):
    """Every message put to Loket, answered or not (the audit trail and the statistics)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID)
    channel_id: Mapped[str] = mapped_column(ID)
    thread_ts: Mapped[str | None] = mapped_column(TS)
    message_ts: Mapped[str | None] = mapped_column(TS)
    conversation_ts: Mapped[str | None] = mapped_column(TS)  # thread_ts or message_ts: where Loket replies
    via: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    followup_of_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    answered: Mapped[bool | None] = mapped_column(Boolean)  # None: not (yet) put to the desk
    confidence: Mapped[float | None] = mapped_column(Float)
    answer_kind: Mapped[str | None] = mapped_column(String(16))
    answer_text: Mapped[str | None] = mapped_column(Text)
    passages: Mapped[list[Any] | None] = mapped_column(JSON)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    feedback_by: Mapped[str | None] = mapped_column(ID)
    feedback_at: Mapped[datetime | None]
    province: Mapped[str | None] = mapped_column(String(64))
    theme: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # The Slack event (or command) this question came from: a redelivered event finds its
    # question instead of storing it twice (unique; NULL for the CLI).
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    __table_args__ = (Index("ix_questions_conversation", "channel_id", "conversation_ts"),)


class ReplyMessage(Base):
    """A message Loket posted itself (not through the outbox) in the asker's conversation
    about a question: the answer (Slack: the placeholder that became it), the "sent to the
    core team" note, a follow-up note. They quote the question and its answer, so a person
    who asks to be forgotten takes them along (``bot.core.privacy.privacy_core``). Ids only:
    the Slack channel or Teams conversation key, the message ts or activity id, the thread
    root (Teams addresses a channel-thread message through it)."""

    __tablename__ = "reply_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(ID)
    message_ts: Mapped[str] = mapped_column(String(200))
    thread_ts: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("channel_id", "message_ts", name="uq_reply_messages_channel_message"),)


class Escalation(Base):
    """A question handed to the core team; ``id`` is the number shown as #N."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="vraag")
    status: Mapped[str] = mapped_column(String(16), default="open")
    asker_user_id: Mapped[str] = mapped_column(ID)
    asker_channel_id: Mapped[str] = mapped_column(ID)
    asker_thread_ts: Mapped[str | None] = mapped_column(TS)
    escalated_by: Mapped[str | None] = mapped_column(ID)
    core_channel_id: Mapped[str | None] = mapped_column(ID)
    core_ts: Mapped[str | None] = mapped_column(TS)
    permalink: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(ID)
    claimed_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(ID)
    answered_at: Mapped[datetime | None]
    answer_text: Mapped[str | None] = mapped_column(Text)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_by: Mapped[str | None] = mapped_column(ID)
    closed_at: Mapped[datetime | None]
    passages: Mapped[list[Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    # Posting to the core channel is leased in the database, so two replicas never post
    # the same escalation at once; ``post_attempts`` > 1 means an earlier attempt may
    # have reached Slack (the poster looks for it before posting again).
    post_lease_until: Mapped[datetime | None]
    post_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    post_lease_token: Mapped[str | None] = mapped_column(String(32))  # fencing: who holds the lease

    __table_args__ = (
        Index("ix_escalations_asker_thread", "asker_channel_id", "asker_thread_ts"),
        Index("ix_escalations_core_thread", "core_channel_id", "core_ts"),
        Index("ix_escalations_status", "status"),
    )


class VerifiedAnswer(Base):
    """A core-team answer kept for the next asker (one per escalation)."""

    __tablename__ = "verified_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(ID)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime]


class ProcessedEvent(Base):
    """Slack event ids seen: the unique key makes processing exactly-once.

    It doubles as the *inbox*: a question event is stored (``status`` "received", with its
    ``payload``) before Slack gets its acknowledgement, leased while it is processed and
    marked "done" (payload erased) afterwards; one that stays unfinished is processed again
    by the background loop (see ``bot.store.inbox``). Plain claims are "done" at once.
    """

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime]
    kind: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="done", server_default="done")
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None]  # the database's clock (bot.store.dbclock)
    lease_token: Mapped[str | None] = mapped_column(String(32))  # fencing: who holds the lease
    finished_at: Mapped[datetime | None]
    # A message in a thread: "channel:thread_ts" and its own ts ("%010d.%06d"), so a relay
    # of a later message waits while an earlier one of the thread is still unprocessed.
    thread_key: Mapped[str | None] = mapped_column(String(100))
    sort_key: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_processed_events_status", "status", "lease_until"),
                      Index("ix_processed_events_thread", "thread_key"))


class OutboxPost(Base):
    """An outgoing message, written in the transaction of the change that causes it.

    ``channel_id`` NULL with an ``escalation_id`` means "the escalation's core thread",
    resolved when the escalation has been posted.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(ID)
    thread_ts: Mapped[str | None] = mapped_column(TS)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_ts: Mapped[str | None] = mapped_column(TS)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Order within a thread: the Slack ts of what caused the post (a core reply's own ts),
    # else the time it was queued, as "%010d.%06d". Posts of a thread go out in this order.
    sort_key: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # The lease of the drainer sending it (database clock), apart from ``next_attempt_at``
    # (when it is due: its retry time or hold-back); the token fences every state change.
    lease_until: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class ChannelPace(Base):
    """The per-channel posting pace, shared by all replicas (database clock)."""

    __tablename__ = "channel_pace"

    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    next_free_at: Mapped[datetime]


class AuditEntry(Base):
    """One row of the append-only audit log of core-team actions (see ``bot.core.privacy.audit``).

    ``hash`` = SHA-256 of ``prev_hash`` + the canonical row, so changing, inserting or
    removing a row breaks the chain. The actor is covered through ``actor_digest`` (a
    salted hash): erasing ``actor`` and ``actor_salt`` for a privacy request keeps the
    chain verifiable.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(ID)
    actor_salt: Mapped[str | None] = mapped_column(String(32))
    actor_digest: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_actor", "actor"),)


class AuditHead(Base):
    """The single row that points at the last audit entry (serialises appends, and makes
    cutting rows off the end detectable)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class JobRun(Base):
    """Scheduled jobs shared by all replicas: who ran ``name`` last, when, with what result."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    owner: Mapped[str | None] = mapped_column(String(128))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# -- monitoring (function V: signals, provincial plans, weekly summary, SLA reminders) ---


class Signal(Base):
    """An opportunity, risk or issue the core team logs while monitoring (see ``bot.core.monitoring.signals``)."""

    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # kans | risico | issue
    province: Mapped[str] = mapped_column(String(32))
    theme: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16))  # laag | middel | hoog
    status: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(ID)
    created_by: Mapped[str | None] = mapped_column(ID)
    source_channel_id: Mapped[str | None] = mapped_column(ID)
    source_ts: Mapped[str | None] = mapped_column(TS)
    source_user_id: Mapped[str | None] = mapped_column(ID)  # the author of the message it was logged from
    source_permalink: Mapped[str | None] = mapped_column(Text)
    lrt_channel_id: Mapped[str | None] = mapped_column(ID)
    lrt_escalated_at: Mapped[datetime | None]
    lrt_escalated_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_signals_status", "status"), Index("ix_signals_updated_at", "updated_at"))


class SignalEscalation(Base):
    """A link between a signal and a related escalation (many to many)."""

    __tablename__ = "signal_escalations"

    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime]


class SignalChange(Base):
    """One change to a signal (``field`` "created" for its creation): the full history."""

    __tablename__ = "signal_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(ID)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_signal_changes_signal", "signal_id", "at"), Index("ix_signal_changes_at", "at"))


class ProvincialPlan(Base):
    """The current state of one province's plan; its history is in ``plan_changes``."""

    __tablename__ = "provincial_plans"

    province: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(32))
    next_milestone: Mapped[str | None] = mapped_column(Text)
    milestone_date: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(ID)
    updated_at: Mapped[datetime]


class PlanChange(Base):
    """One change to a provincial plan, with who and when."""

    __tablename__ = "plan_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(ForeignKey("provincial_plans.province", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(ID)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_plan_changes_at", "at"),)


class WeeklySummaryRun(Base):
    """The weekly summary of one ISO week ("2026-W48"): the primary key makes it once per week."""

    __tablename__ = "weekly_summaries"

    iso_week: Mapped[str] = mapped_column(String(24), primary_key=True)  # "2026-W48", Teams: "2026-W48@teams"
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # posting | posted
    lease_until: Mapped[datetime | None]  # a replica that dies while posting lets another retry after this
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    channel_id: Mapped[str | None] = mapped_column(ID)
    message_ts: Mapped[str | None] = mapped_column(TS)
    posted_at: Mapped[datetime | None]
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class EscalationReminder(Base):
    """SLA reminders sent for an escalation not claimed in time: how many, the last when."""

    __tablename__ = "escalation_reminders"

    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_sent_at: Mapped[datetime]


# -- network function and proactive information (bot.core.network) ----------------------


class KnowledgeItem(Base):
    """An announcement ("bericht") or a lesson learned ("les") saved by the core team.

    The database is the truth; the desk searches them as extra documents
    (``bot.core.network.extra_docs``). ``channel_id``/``message_ts``: where it was posted.
    """

    __tablename__ = "knowledge_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # bericht | les
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    province: Mapped[str | None] = mapped_column(String(32))
    theme: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime]
    channel_id: Mapped[str | None] = mapped_column(ID)
    message_ts: Mapped[str | None] = mapped_column(TS)

    __table_args__ = (Index("ix_knowledge_items_kind", "kind", "created_at"),)


class ExpertSuggestion(Base):
    """The experts suggested for an escalation (one row: the suggestion was queued once)."""

    __tablename__ = "expert_suggestions"

    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), primary_key=True)
    expert_ids: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class Referral(Base):
    """A core-team member put the asker of an escalation in touch with an expert."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    expert_id: Mapped[str] = mapped_column(String(64))
    expert_name: Mapped[str] = mapped_column(String(200))
    expert_slack_user_id: Mapped[str | None] = mapped_column(ID)
    expert_email: Mapped[str | None] = mapped_column(String(200))
    asker_user_id: Mapped[str] = mapped_column(ID)
    referred_by: Mapped[str] = mapped_column(ID)
    channel_id: Mapped[str | None] = mapped_column(ID)  # the group DM (or asker thread) of the introduction
    message_ts: Mapped[str | None] = mapped_column(TS)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("escalation_id", "expert_id", name="uq_referrals_escalation_expert"),)


class SupportRequest(Base):
    """The details of a request for practical support (an escalation of kind "ondersteuning")."""

    __tablename__ = "support_requests"

    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), primary_key=True)
    province: Mapped[str] = mapped_column(String(32))
    needed_by: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class TeamsConversation(Base):
    """A Microsoft Teams conversation Loket has seen: its reference, for proactive messages.

    The core works with short channel ids (``key``, "t:" + a hash of the conversation id,
    which fits the core's id columns); Teams conversation ids can be far longer. The stored
    reference holds the ``serviceUrl`` that replies must use, exactly (``bot.teams``).
    """

    __tablename__ = "teams_conversations"

    key: Mapped[str] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # "personal" | "channel" | "groupChat"
    service_url: Mapped[str] = mapped_column(Text)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
