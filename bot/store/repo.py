"""Queries and writes on the store, one transaction at a time.

``Store.tx()`` opens a transaction and hands out a :class:`Tx`: everything done through it
commits together or not at all. That is how a state change and the outbox post it causes
land atomically. Rows are returned as ORM objects; they stay readable after the commit
(``expire_on_commit=False``) but are not meant to be changed outside their transaction.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import Engine, and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.store.db import BUSY_TIMEOUT_MS, READ_ONLY, SQLITE_PATIENT_BUSY_TIMEOUT_MS, make_engine, migrate
from bot.store.dbclock import db_after, db_now
from bot.store.models import Escalation, OutboxPost, ProcessedEvent, Question, ReplyMessage, VerifiedAnswer

log = logging.getLogger(__name__)

OUTBOX_PENDING = "pending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"


class Store:
    """The database behind Loket (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
        self._patient_sessions = sessionmaker(
            engine.execution_options(**{BUSY_TIMEOUT_MS: SQLITE_PATIENT_BUSY_TIMEOUT_MS}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> "Store":
        """Connect to ``url`` and (by default) migrate the schema to head."""
        engine = make_engine(url)
        if upgrade:
            migrate(engine)
        return cls(engine)

    def close(self) -> None:
        """Release all connections."""
        self.engine.dispose()

    @contextmanager
    def tx(self, *, patient: bool = False) -> Iterator["Tx"]:
        """A transaction: commits when the block ends, rolls back on an exception.

        On SQLite it takes the write lock at once (``BEGIN IMMEDIATE``): use it for
        anything that may write, :meth:`read` for look-ups. It waits for another writer
        at most 2 s (the acknowledgement's budget), ``patient=True`` up to 10 s: for work
        after the acknowledgement that users repeat or replicas share (a button clicked
        twice), which should get its answer late rather than "database is locked".
        See ``bot.store.db``.
        """
        with (self._patient_sessions if patient else self._sessions).begin() as session:
            yield Tx(session)

    @contextmanager
    def read(self) -> Iterator["Tx"]:
        """A read-only transaction: on SQLite it never takes (or waits for) the write lock.

        Writing in it is a mistake (SQLite may refuse it with "database is locked").
        """
        with self._read_sessions.begin() as session:
            yield Tx(session)

    def claim_event(self, event_id: str, *, now: datetime) -> bool:
        """Insert the event id; False when the unique key says it was processed before."""
        try:
            with self.tx() as tx:
                tx.session.add(ProcessedEvent(event_id=event_id, created_at=now))
        except IntegrityError:
            return False
        return True


class Tx:
    """The operations of one transaction."""

    def __init__(self, session: Session):
        self.session = session

    # -- questions ----------------------------------------------------------------------
    def add_question(self, **fields: Any) -> Question:
        """Insert a question and get its id."""
        row = Question(**fields)
        self.session.add(row)
        self.session.flush()
        return row

    def question(self, question_id: int) -> Question:
        """A question by id (KeyError if unknown)."""
        row = self.session.get(Question, question_id)
        if row is None:
            raise KeyError(f"question {question_id}")
        return row

    def question_by_source(self, source_key: str) -> Question | None:
        """The question stored for a Slack event / command key (a redelivery finds it)."""
        return self.session.scalar(select(Question).where(Question.source_key == source_key))

    def conversation_root(self, channel_id: str, conversation_ts: str | None) -> Question | None:
        """The first question of a conversation (thread), if any."""
        if conversation_ts is None:
            return None
        stmt = (
            select(Question)
            .where(Question.channel_id == channel_id, Question.conversation_ts == conversation_ts)
            .order_by(Question.id)
            .limit(1)
        )
        return self.session.scalar(stmt)

    def latest_answered(self, channel_id: str, *, before_id: int, conversation_ts: str | None = None,
                        user_id: str | None = None, since: datetime | None = None) -> Question | None:
        """The last question before ``before_id`` in a channel that Loket answered: in one
        conversation (thread), or of one user since a moment (a DM without threads)."""
        stmt = select(Question).where(Question.channel_id == channel_id, Question.id < before_id,
                                      Question.answered.is_(True))
        if conversation_ts is not None:
            stmt = stmt.where(Question.conversation_ts == conversation_ts)
        if user_id is not None:
            stmt = stmt.where(Question.user_id == user_id)
        if since is not None:
            stmt = stmt.where(Question.created_at >= since)
        return self.session.scalar(stmt.order_by(Question.id.desc()).limit(1))

    def record_reply_message(self, question_id: int, *, channel_id: str, message_ts: str, thread_ts: str | None,
                             kind: str, now: datetime) -> bool:
        """Remember a message Loket posted about a question in the asker's conversation (for
        erasure); False if it was recorded already (a retried request posts nothing new)."""
        found = self.session.scalar(select(ReplyMessage.id).where(
            ReplyMessage.channel_id == channel_id, ReplyMessage.message_ts == message_ts))
        if found is not None:
            return False
        try:
            with self.session.begin_nested():
                self.session.add(ReplyMessage(question_id=question_id, channel_id=channel_id, message_ts=message_ts,
                                              thread_ts=thread_ts, kind=kind, created_at=now))
                self.session.flush()
        except IntegrityError:  # a concurrent worker recorded it
            return False
        return True

    # -- escalations --------------------------------------------------------------------
    def add_escalation(self, **fields: Any) -> Escalation:
        """Insert an escalation (IntegrityError if the question has one already)."""
        row = Escalation(**fields)
        with self.session.begin_nested():
            self.session.add(row)
            self.session.flush()
        return row

    def escalation(self, number: int, *, for_update: bool = False) -> Escalation:
        """An escalation by number (KeyError if unknown); ``for_update`` locks the row."""
        stmt = select(Escalation).where(Escalation.id == number)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.session.scalar(stmt)
        if row is None:
            raise KeyError(f"escalation {number}")
        return row

    def escalation_for_question(self, question_id: int) -> Escalation | None:
        return self.session.scalar(select(Escalation).where(Escalation.question_id == question_id))

    def escalation_for_asker_thread(self, channel_id: str, thread_ts: str) -> Escalation | None:
        """The latest escalation started in this asker thread."""
        stmt = (
            select(Escalation)
            .where(Escalation.asker_channel_id == channel_id, Escalation.asker_thread_ts == thread_ts)
            .order_by(Escalation.id.desc())
            .limit(1)
        )
        return self.session.scalar(stmt)

    def escalation_for_core_thread(self, channel_id: str, thread_ts: str) -> Escalation | None:
        stmt = select(Escalation).where(Escalation.core_channel_id == channel_id, Escalation.core_ts == thread_ts)
        return self.session.scalar(stmt.order_by(Escalation.id).limit(1))

    def unposted_escalations(self) -> list[Escalation]:
        """Escalations without a core post that are still open for business, oldest first."""
        stmt = (
            select(Escalation)
            .where(Escalation.core_ts.is_(None), Escalation.status != "closed")
            .order_by(Escalation.id)
        )
        return list(self.session.scalars(stmt))

    def lease_escalation_post(self, number: int, *, lease_seconds: float, token: str) -> Escalation | None:
        """Lease posting escalation ``number`` to the core channel under ``token``, or None.

        None when it is posted already, closed, or another poster holds a lease that has
        not run out (database clock). One conditional update: two replicas never both win.
        """
        won = self.session.execute(
            update(Escalation)
            .where(Escalation.id == number, Escalation.core_ts.is_(None), Escalation.status != "closed",
                   or_(Escalation.post_lease_until.is_(None), Escalation.post_lease_until <= db_now()))
            .values(post_lease_until=db_after(lease_seconds), post_lease_token=token,
                    post_attempts=func.coalesce(Escalation.post_attempts, 0) + 1)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        if not won:
            return None
        row = self.escalation(number, for_update=True)
        self.session.refresh(row)
        return row

    def extend_escalation_post(self, number: int, *, lease_seconds: float, token: str) -> bool:
        """Renew the posting lease of ``number``; False when ``token`` no longer holds it."""
        return self.session.execute(
            update(Escalation)
            .where(Escalation.id == number, Escalation.post_lease_token == token, Escalation.core_ts.is_(None))
            .values(post_lease_until=db_after(lease_seconds))
            .execution_options(synchronize_session=False)
        ).rowcount == 1

    # -- verified answers ---------------------------------------------------------------
    def verified_for_escalation(self, escalation_id: int) -> VerifiedAnswer | None:
        return self.session.scalar(select(VerifiedAnswer).where(VerifiedAnswer.escalation_id == escalation_id))

    def add_verified(self, **fields: Any) -> VerifiedAnswer:
        row = VerifiedAnswer(**fields)
        self.session.add(row)
        self.session.flush()
        return row

    def all_verified(self) -> list[VerifiedAnswer]:
        return list(self.session.scalars(select(VerifiedAnswer).order_by(VerifiedAnswer.id)))

    # -- outbox -------------------------------------------------------------------------
    def enqueue_post(
        self,
        *,
        kind: str,
        channel_id: str | None,
        thread_ts: str | None,
        payload: dict[str, Any],
        dedupe_key: str,
        now: datetime,
        escalation_id: int | None = None,
        sort_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Queue a post in this transaction; None if ``dedupe_key`` is queued already.

        The insert runs in a savepoint, so a duplicate key does not spoil the surrounding
        transaction (the state change that caused the post still commits). ``sort_key``
        orders the posts of one thread (default: ``now``); ``not_before`` delays it.
        """
        row = OutboxPost(
            kind=kind,
            channel_id=channel_id,
            thread_ts=thread_ts,
            escalation_id=escalation_id,
            payload=payload,
            dedupe_key=dedupe_key,
            status=OUTBOX_PENDING,
            attempts=0,
            next_attempt_at=not_before or now,
            created_at=now,
            sort_key=sort_key or ts_key(now),
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            log.info("outbox: duplicate dedupe key for kind=%s, not queued again", kind)
            return None
        return row.id

    def outbox_key_exists(self, dedupe_key: str) -> bool:
        return self.session.scalar(select(func.count()).where(OutboxPost.dedupe_key == dedupe_key)) > 0

    def lease_due_post(self, *, now: datetime, lease_seconds: float, token: str,
                       skip_channels: frozenset[str] = frozenset(),
                       relay_kinds: tuple[str, ...] = ()) -> tuple[OutboxPost, Escalation | None] | None:
        """Lease the next post to send: pending, due at ``now``, destination known, not
        leased by anyone (database clock), and the first pending post of its thread.

        One post at a time: its lease (``token``, ``lease_seconds`` on the database's
        clock) is renewed while it is sent, and every state change checks the token. A
        thread's later posts wait while an earlier one is pending (leased, waiting for
        its retry or its time), so every thread gets its messages in order; on PostgreSQL
        rows another drainer has locked are skipped. ``skip_channels``: channels whose
        pace is used up (their posts wait; others go first). ``relay_kinds``: posts that
        relay a message of the escalation's core thread; they also wait while an earlier
        message of that thread is still unprocessed in the inbox (after a crash).
        """
        destination = func.coalesce(OutboxPost.channel_id, Escalation.core_channel_id)
        conditions = [
            OutboxPost.status == OUTBOX_PENDING,
            OutboxPost.next_attempt_at <= now,
            or_(OutboxPost.lease_until.is_(None), OutboxPost.lease_until <= db_now()),
            or_(OutboxPost.channel_id.is_not(None), Escalation.core_ts.is_not(None)),
            ~_earlier_pending_in_same_thread(),
        ]
        if relay_kinds:
            conditions.append(~_earlier_reply_unprocessed(relay_kinds))
        if skip_channels:
            conditions.append(destination.not_in(sorted(skip_channels)))
        stmt = (
            select(OutboxPost, Escalation)
            .outerjoin(Escalation, OutboxPost.escalation_id == Escalation.id)
            .where(*conditions)
            .order_by(OutboxPost.sort_key, OutboxPost.id)
            .limit(1)
            .with_for_update(of=OutboxPost, skip_locked=True)
        )
        found = self.session.execute(stmt).first()
        if found is None:
            return None
        post, escalation = found
        post.attempts += 1
        post.lease_token, post.lease_until = token, db_after(lease_seconds)
        self.session.flush()
        return post, escalation

    def leased_post(self, post_id: int, token: str) -> OutboxPost | None:
        """The post if it is pending and ``token`` still holds its lease (row locked), else None."""
        stmt = (select(OutboxPost)
                .where(OutboxPost.id == post_id, OutboxPost.status == OUTBOX_PENDING, OutboxPost.lease_token == token)
                .with_for_update())
        return self.session.scalar(stmt)

    def failed_posts(self) -> int:
        """How many posts were given up for good (metrics)."""
        return self.session.scalar(select(func.count()).where(OutboxPost.status == OUTBOX_FAILED)) or 0

    def outbox_post(self, post_id: int) -> OutboxPost:
        row = self.session.get(OutboxPost, post_id)
        if row is None:
            raise KeyError(f"outbox post {post_id}")
        return row

    # -- retention ----------------------------------------------------------------------
    def prune(self, *, questions_before: datetime, bookkeeping_before: datetime) -> dict[str, int]:
        """Delete old questions (with their closed escalations) and old bookkeeping rows.

        Questions whose escalation is still active are kept. Verified answers stay: they
        are knowledge, not conversation (their escalation link becomes NULL).
        """
        active = select(Escalation.question_id).where(Escalation.status != "closed")
        old = select(Question.id).where(Question.created_at < questions_before, Question.id.not_in(active))
        old_ids = list(self.session.scalars(old))
        counts = {"questions": 0}
        for start in range(0, len(old_ids), 500):
            batch = old_ids[start:start + 500]
            self.session.execute(
                Question.__table__.update().where(Question.followup_of_id.in_(batch)).values(followup_of_id=None)
            )
            self.session.execute(delete(Escalation).where(Escalation.question_id.in_(batch)))
            self.session.execute(delete(ReplyMessage).where(ReplyMessage.question_id.in_(batch)))
            counts["questions"] += self.session.execute(delete(Question).where(Question.id.in_(batch))).rowcount
        counts["events"] = self.session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.created_at < bookkeeping_before)).rowcount
        counts["posts"] = self.session.execute(
            delete(OutboxPost).where(OutboxPost.status != OUTBOX_PENDING, OutboxPost.created_at < bookkeeping_before)
        ).rowcount
        return counts


def ts_key(moment: datetime) -> str:
    """A Slack-ts-like sort key ("%010d.%06d" epoch seconds) for ``moment``."""
    micros = round(moment.timestamp() * 1_000_000)
    return f"{micros // 1_000_000:010d}.{micros % 1_000_000:06d}"


def _earlier_reply_unprocessed(relay_kinds: tuple[str, ...]):
    """EXISTS an unsettled inbox row for a message written earlier (by ts) in the core
    thread of ``OutboxPost``'s escalation: a relayed core reply waits for the replies
    before it that a crash left unprocessed, so the asker gets them in order."""
    return exists().where(
        OutboxPost.kind.in_(relay_kinds),
        ProcessedEvent.status.in_(("received", "processing")),
        ProcessedEvent.thread_key == Escalation.core_channel_id + ":" + Escalation.core_ts,
        ProcessedEvent.sort_key < OutboxPost.sort_key,
    )


def _earlier_pending_in_same_thread():
    """EXISTS an earlier (by sort key, then id) pending post to the same destination as
    ``OutboxPost`` (whatever its state: leased, waiting for a retry or its time)."""
    earlier = aliased(OutboxPost)
    before = or_(earlier.sort_key < OutboxPost.sort_key,
                 and_(earlier.sort_key == OutboxPost.sort_key, earlier.id < OutboxPost.id))
    same_channel = and_(
        OutboxPost.channel_id.is_not(None),
        earlier.channel_id == OutboxPost.channel_id,
        func.coalesce(earlier.thread_ts, "") == func.coalesce(OutboxPost.thread_ts, ""),
    )
    same_core_thread = and_(
        OutboxPost.channel_id.is_(None), earlier.channel_id.is_(None), earlier.escalation_id == OutboxPost.escalation_id,
    )
    return exists().where(
        before, earlier.id != OutboxPost.id, earlier.status == OUTBOX_PENDING, or_(same_channel, same_core_thread),
    )
