"""The platform-independent Loket service: questions, escalations, verified answers.

The Slack adapter (and the CLI) call this; it never imports Slack. Every state change is
committed to the store before anything is posted, so a crash or restart loses nothing:

* ``handle_question`` stores the question, asks the desk and, when the desk has no good
  answer, opens an escalation (committed, *unposted*). The adapter posts it to the core
  channel and calls ``mark_posted``; escalations it could not post come back from
  ``pending_escalation_posts`` for a retry.
* Messages that must reach the other side of an escalation (a core reply to the asker, an
  asker's follow-up to the core thread, "claimed"/"closed" notices) are written to the
  **outbox** in the same transaction as the state change. The adapter does not post these
  itself: it drains ``due_posts`` (right after the call and periodically), renders each
  post by its ``kind`` and reports ``mark_sent`` / ``mark_failed``. See ``POST_*`` below
  for the kinds and their payloads.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, NamedTuple, Protocol, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core.privacy import audit
from bot.core.answering.answer import Answer, Passage, VerifiedItem
from bot.core.answering.followups import leans_on_earlier, needs_earlier, restate
from bot.core.answering.more import asks_for_more
from bot.core.escalations import ANSWERED, CLAIMED, CLOSED, KIND_QUESTION, OPEN, InvalidTransition, check_transition
from bot.core.delivery.outbox import POST_CLAIMED, POST_CLOSED, POST_CORE_REPLY, POST_FOLLOWUP, Outbox
from bot.core.views import (
    VIA_CLI, VIA_COMMAND, VIA_DM, VIA_MENTION, Asker, EscalationView, OutboxPost, Outcome,
    escalation_view, passages_from_json, passages_to_json,
)
from bot.store.leases import LEASE, new_token
from bot.store.models import Escalation, Question, VerifiedAnswer
from bot.store.repo import Store, Tx

__all__ = [
    "Asker", "EscalationView", "Outcome", "OutboxPost", "LoketService", "NotAllowed", "AlreadyClaimed",
    "InvalidTransition", "POST_CORE_REPLY", "POST_FOLLOWUP", "POST_CLAIMED", "POST_CLOSED",
    "VIA_DM", "VIA_MENTION", "VIA_COMMAND", "VIA_CLI", "utcnow",
]

log = logging.getLogger(__name__)

# Core replies wait this long in the outbox, so replies whose events arrive out of order
# still reach the asker in the order they were written.
REORDER_DELAY = timedelta(seconds=1.5)
MAX_TS_SKEW_SECONDS = 600
# A DM has no threads to tell a conversation by: "meer?" reads on in the asker's last answer
# of this past while, and is asked on its own after it.
MORE_WINDOW = timedelta(minutes=30)


class Shown(NamedTuple):
    """An answer Loket gave earlier in a conversation, its passages, and the question that
    began the conversation (the context a request for more is escalated with)."""

    root_id: int
    question: str
    answer: str
    passages: tuple[Passage, ...]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the default clock)."""
    return datetime.now(timezone.utc)


class DeskLike(Protocol):
    """What the service needs from ``bot.core.answering.desk.Desk``."""

    def ask(self, question: str) -> Answer: ...
    def speaks_to(self, followup: str, answer: Answer, *, leaning: bool = False) -> bool: ...
    def decline(self, answer: Answer) -> Answer: ...
    def add_verified_answer(self, item: VerifiedItem) -> None: ...
    def set_verified_answers(self, items: Sequence[VerifiedItem]) -> None: ...


@dataclass(frozen=True)
class EscalationLease:
    """The right to post an escalation: what to post, which attempt, the fencing token."""

    escalation: EscalationView
    attempt: int
    token: str


class NotAllowed(Exception):
    """A user who is not in the core team tried a core-team action."""


class AlreadyClaimed(InvalidTransition):
    """Another core member has the escalation already (``claimed_by``)."""

    def __init__(self, number: int, claimed_by: str):
        self.claimed_by = claimed_by
        super().__init__(number, "claim", CLAIMED, f"Escalatie #{number} is al opgepakt door iemand anders.")


class LoketService:
    """Questions in, answers and escalations out; all state in the store.

    Thread-safe as far as the store is: every method runs its own transaction(s), and the
    desk is only asked outside a transaction (it can take a while).
    """

    def __init__(self, *, desk: DeskLike, store: Store, is_core: Callable[[str], bool], clock: Callable[[], datetime] = utcnow):
        self.desk = desk
        self.store = store
        self.is_core = is_core
        self.clock = clock
        self.lease = LEASE  # escalation-post leases (the outbox has its own: ``outbox.lease``)
        self.outbox = Outbox(store, self._now)

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc)

    # -- events -------------------------------------------------------------------------
    def claim_event(self, event_id: str) -> bool:
        """Record a Slack event id; False if it was seen before (a retry: ignore it).

        Enforced by a unique constraint in the database, so it holds across restarts and
        across processes.
        """
        return self.store.claim_event(event_id, now=self._now())

    # -- questions ----------------------------------------------------------------------
    def handle_question(self, asker: Asker, text: str, *, allow_escalation: bool = True,
                        source_key: str | None = None, fresh: bool = False, dm_followups: bool = False) -> Outcome:
        """Store the question, answer it or escalate it; see :class:`Outcome`.

        A message in the thread of an escalation that is not closed is a follow-up for the
        core team (queued, the desk is not asked). A message in the thread of an earlier
        question is asked on its own first and, if the desk has no answer, together with
        that earlier question. ``allow_escalation=False`` (e.g. the CLI) never escalates.

        ``source_key`` (the Slack event id) makes the call idempotent: when the same event
        is processed again (after a crash) its stored question is reused, so it is stored,
        escalated and forwarded once.

        ``dm_followups=True`` (Slack): in a DM with Loket a top-level message is a follow-up
        of the asker's latest escalation from that DM while it is not closed (a DM has no
        threads to tell them apart); ``fresh=True`` (the asker said "Nieuwe vraag") asks it
        on its own instead.
        """
        now = self._now()
        with self.store.tx() as tx:
            active = None if fresh else self._active_escalation(tx, asker, dm_followups=dm_followups)
            root = tx.conversation_root(asker.channel_id, asker.thread_ts) if asker.thread_ts else None
            earlier = active.question_id if active is not None else (root.id if root else None)
            question = self._store_question(tx, asker, text, earlier, now, source_key)
            if root is not None and root.id == question.id:
                root = None  # a redelivered root question is not its own context
            if active is not None:
                return self._forward_followup(tx, active, question)
            shown = self._shown_before(tx, question, asker, text, root is not None)
            if root is None and shown is not None:  # in a DM, "meer?" as a new message continues a question
                question.followup_of_id = shown.root_id
            question_id, context = question.id, root.text if root else (shown.question if shown else None)
        log.info("question %s: via=%s chars=%d followup=%s", question_id, asker.via, len(text), context is not None)
        answer, used_context = self._ask(text, context, shown)
        with self.store.tx() as tx:
            question = tx.question(question_id)
            _record_answer(question, answer)
            escalation = None
            if not answer.answered and allow_escalation:
                escalation = self._open_escalation(tx, question, by_user=None, context=context)
        log.info("question %s: answered=%s kind=%s confidence=%.3f escalation=%s", question_id, answer.answered,
                 answer.kind, answer.confidence, escalation.number if escalation else None)
        return Outcome(question_id=question_id, answer=answer, escalation=escalation,
                       context=context if used_context else None)

    @staticmethod
    def _store_question(tx: Tx, asker: Asker, text: str, earlier: int | None, now: datetime,
                        source_key: str | None) -> Question:
        """Insert the question, or find the one stored for ``source_key`` before."""
        existing = tx.question_by_source(source_key) if source_key else None
        if existing is not None:
            log.info("question %s: event processed again, reusing the stored question", existing.id)
            return existing
        fields = dict(user_id=asker.user_id, channel_id=asker.channel_id, thread_ts=asker.thread_ts,
                      message_ts=asker.message_ts, conversation_ts=asker.conversation_ts, via=asker.via, text=text,
                      followup_of_id=earlier, created_at=now, source_key=source_key)
        if source_key is None:
            return tx.add_question(**fields)
        try:
            with tx.session.begin_nested():
                return tx.add_question(**fields)
        except IntegrityError:  # another worker stored the same event a moment ago
            return tx.question_by_source(source_key)

    def _active_escalation(self, tx: Tx, asker: Asker, *, dm_followups: bool = False) -> Escalation | None:
        """The not-closed escalation whose asker thread this message was posted in (with
        ``dm_followups``, in a DM without a thread: the asker's latest escalation from that DM)."""
        if not asker.thread_ts:
            if asker.via != VIA_DM or not dm_followups:
                return None
            return tx.session.scalar(
                select(Escalation).where(Escalation.asker_channel_id == asker.channel_id,
                                         Escalation.asker_user_id == asker.user_id, Escalation.status != CLOSED)
                .order_by(Escalation.id.desc()).limit(1))
        row = tx.escalation_for_asker_thread(asker.channel_id, asker.thread_ts)
        return row if row is not None and row.status != CLOSED else None

    def _forward_followup(self, tx: Tx, active: Escalation, question: Question) -> Outcome:
        """Queue a follow-up for the core thread of ``active`` (same transaction)."""
        tx.enqueue_post(
            kind=POST_FOLLOWUP, channel_id=None, thread_ts=None, escalation_id=active.id,
            payload={"number": active.id, "user_id": question.user_id, "text": question.text, "question_id": question.id},
            dedupe_key=f"esc{active.id}:followup:{question.id}", now=question.created_at,
        )
        log.info("question %s: follow-up of escalation #%s, queued for the core thread", question.id, active.id)
        return Outcome(question_id=question.id, answer=None, followup_of=self._view(tx, active))

    @staticmethod
    def _shown_before(tx: Tx, question: Question, asker: Asker, text: str, in_thread: bool) -> Shown | None:
        """For a request for more (:func:`asks_for_more`; None for anything else, without a
        query): the last answer Loket gave in this conversation. In a DM such a request may come
        as a new message instead of a thread reply: there it reads on in the asker's last answer
        of the past :data:`MORE_WINDOW`."""
        if not asks_for_more(text):
            return None
        if in_thread:
            earlier = tx.latest_answered(question.channel_id, before_id=question.id,
                                         conversation_ts=question.conversation_ts)
        elif asker.via == VIA_DM:
            earlier = tx.latest_answered(question.channel_id, before_id=question.id, user_id=asker.user_id,
                                         since=question.created_at - MORE_WINDOW)
        else:
            return None
        if earlier is None or not earlier.answer_text:
            return None
        first = tx.question(earlier.followup_of_id) if earlier.followup_of_id else earlier
        return Shown(first.id, first.text, earlier.answer_text, passages_from_json(earlier.passages))

    def _ask(self, text: str, context: str | None, shown: Shown | None = None) -> tuple[Answer, bool]:
        """Ask the desk; a follow-up without an answer of its own is asked with its context
        (and answered so only when the answer speaks to the follow-up's own words). One that
        points back ("en wie zit erin?", :func:`leans_on_earlier`) is asked with its context
        first: on its own it would be answered from whatever passage matches "zit". One that
        asks for more of the last answer ("kun je daar meer over vertellen?") gets the rest
        of its source, or is escalated when there is no more (:func:`asks_for_more`)."""
        if shown is not None:  # a request for more: not answered (escalated) when there is no more
            return self.desk.more(text, shown.answer, shown.passages), True
        leaning = context is not None and leans_on_earlier(text)
        if leaning:
            found = self.desk.ask(restate(context, text))
            if found.answered and self.desk.speaks_to(text, found, leaning=True):
                return found, True
            if needs_earlier(text):  # alone it has no subject: not answered (escalated with its context)
                return replace(self.desk.decline(found), question=text), False
        answer = self.desk.ask(text)
        if answer.answered or not context or leaning:
            return answer, False
        found = self.desk.ask(f"{context} {text}")
        if found.answered and self.desk.speaks_to(text, found):
            return found, True
        return answer, False

    def escalate(self, question_id: int, *, by_user: str) -> EscalationView:
        """The "Stel aan kernteam" button: open (or return the existing) escalation.

        Clicks of the same button (twice, or at two replicas) queue for the write lock
        behind the first one's commit, so they wait as long as a patient transaction may:
        each gets the one escalation, not "database is locked"."""
        with self.store.tx(patient=True) as tx:
            question = tx.question(question_id)
            root = tx.question(question.followup_of_id) if question.followup_of_id else None
            return self._open_escalation(tx, question, by_user=by_user, context=root.text if root else None)

    def _open_escalation(self, tx: Tx, question: Question, *, by_user: str | None, context: str | None) -> EscalationView:
        """Insert the escalation of ``question`` unless it has one (unique question_id)."""
        existing = tx.escalation_for_question(question.id)
        if existing is not None:
            return escalation_view(existing, question, context=context)
        try:
            row = tx.add_escalation(
                question_id=question.id, kind=KIND_QUESTION, status=OPEN, asker_user_id=question.user_id,
                asker_channel_id=question.channel_id, asker_thread_ts=question.conversation_ts,
                escalated_by=by_user, passages=question.passages, reply_count=0, created_at=self._now(),
            )
        except IntegrityError:  # a concurrent call won the race
            row = tx.escalation_for_question(question.id)
        log.info("escalation #%s opened for question %s", row.id, question.id)
        return escalation_view(row, question, context=context)

    def asker_of(self, question_id: int) -> str:
        """Who asked question ``question_id`` (KeyError when unknown): the adapters check
        buttons against this, never against the button's own data, which the client sends."""
        with self.store.read() as tx:
            return tx.question(question_id).user_id

    def feedback(self, question_id: int, *, user_id: str, helpful: bool) -> None:
        """Record 👍/👎 on Loket's answer (the last click counts). KeyError if unknown."""
        with self.store.tx(patient=True) as tx:  # a button: waits out other writers (see escalate)
            question = tx.question(question_id)
            question.helpful, question.feedback_by, question.feedback_at = helpful, user_id, self._now()
        log.info("question %s: feedback helpful=%s", question_id, helpful)

    def record_reply(self, question_id: int, *, channel_id: str, message_ts: str | None, thread_ts: str | None = None,
                     kind: str) -> bool:
        """Remember the id of a message the adapter posted itself about a question in the
        asker's conversation (the answer, a note), so that erasure can delete it later.
        Best effort after the post: a crash in between loses the id (the message stays)."""
        if not message_ts:
            return False
        try:
            with self.store.tx() as tx:
                return tx.record_reply_message(question_id, channel_id=channel_id, message_ts=message_ts,
                                               thread_ts=thread_ts, kind=kind, now=self._now())
        except Exception as e:  # noqa: BLE001 - the reply is out; failing here would repeat it
            log.warning("question %s: reply message id not recorded (%s)", question_id, type(e).__name__)
            return False

    # -- escalation posts and look-ups --------------------------------------------------
    def lease_escalation_post(self, number: int, *, lease: timedelta | None = None) -> EscalationLease | None:
        """Take the right to post escalation ``number`` for ``lease`` (database clock);
        None if posted, closed or being posted by someone else. The lease's ``attempt``
        above 1 means an earlier attempt may have reached the core channel; its ``token``
        fences :meth:`extend_escalation_post`, :meth:`release_escalation_post` and
        :meth:`mark_posted`."""
        token, lease = new_token(), lease or self.lease
        with self.store.tx() as tx:
            row = tx.lease_escalation_post(number, lease_seconds=lease.total_seconds(), token=token)
            if row is None:
                return None
            return EscalationLease(self._view(tx, row), row.post_attempts, token)

    def extend_escalation_post(self, number: int, token: str) -> bool:
        """Renew the posting lease (heartbeat); False when it was taken over (or posted)."""
        with self.store.tx() as tx:
            return tx.extend_escalation_post(number, lease_seconds=self.lease.total_seconds(), token=token)

    def release_escalation_post(self, number: int, token: str) -> bool:
        """The post failed: let the next round (of any replica) try again; False if the
        lease had been taken over already (nothing changed)."""
        with self.store.tx() as tx:
            row = tx.escalation(number, for_update=True)
            if row.post_lease_token != token:
                return False
            row.post_lease_until, row.post_lease_token = None, None
            return True

    def mark_posted(self, escalation_number: int, *, channel_id: str, ts: str, token: str,
                    permalink: str | None = None) -> bool:
        """Remember where the escalation was posted in the core channel; False (nothing
        recorded) when ``token`` no longer holds the posting lease: the new holder looks
        for this post by its marker and records it. The first recorded post wins."""
        with self.store.tx() as tx:
            row = tx.escalation(escalation_number, for_update=True)
            if row.post_lease_token != token:
                log.warning("escalation #%s: posting lease was taken over; post not recorded here", row.id)
                return False
            self._record_post(row, channel_id=channel_id, ts=ts, permalink=permalink)
            return True

    def adopt_escalation_post(self, escalation_number: int, *, channel_id: str, ts: str) -> EscalationView:
        """A core-channel message carrying escalation ``escalation_number``'s marker was
        found (a reply arrived in its thread before the post was recorded): record it,
        unless another post was recorded first. Returns the escalation."""
        with self.store.tx() as tx:
            row = tx.escalation(escalation_number, for_update=True)
            if row.core_ts is None:
                self._record_post(row, channel_id=channel_id, ts=ts, permalink=None)
                log.info("escalation #%s: post found by its marker and recorded", row.id)
            return self._view(tx, row)

    @staticmethod
    def _record_post(row: Escalation, *, channel_id: str, ts: str, permalink: str | None) -> None:
        if row.core_ts is not None and (row.core_channel_id, row.core_ts) != (channel_id, ts):
            log.warning("escalation #%s was already posted; keeping the first post", row.id)
        else:
            row.core_channel_id, row.core_ts = channel_id, ts
        row.permalink = permalink or row.permalink
        row.post_lease_until, row.post_lease_token = None, None

    def pending_escalation_posts(self) -> list[EscalationView]:
        """Escalations not yet posted to the core channel (and not closed), oldest first."""
        with self.store.read() as tx:
            return [self._view(tx, row) for row in tx.unposted_escalations()]

    def escalation(self, number: int) -> EscalationView:
        """One escalation by number (KeyError if unknown)."""
        with self.store.read() as tx:
            return self._view(tx, tx.escalation(number))

    def escalation_for_core_thread(self, channel_id: str, thread_ts: str) -> EscalationView | None:
        """The escalation whose core-channel post is ``thread_ts`` (for core replies)."""
        with self.store.read() as tx:
            row = tx.escalation_for_core_thread(channel_id, thread_ts)
            return self._view(tx, row) if row else None

    def escalation_for_asker_thread(self, channel_id: str, thread_ts: str) -> EscalationView | None:
        """The latest escalation that lives in this asker thread (any status)."""
        with self.store.read() as tx:
            row = tx.escalation_for_asker_thread(channel_id, thread_ts)
            return self._view(tx, row) if row else None

    def conversation_asker(self, channel_id: str, thread_ts: str) -> str | None:
        """Who started the Loket conversation in this thread (None: not a Loket thread)."""
        with self.store.read() as tx:
            root = tx.conversation_root(channel_id, thread_ts)
            return root.user_id if root is not None else None

    def _view(self, tx: Tx, row: Escalation) -> EscalationView:
        question = tx.question(row.question_id)
        root = tx.question(question.followup_of_id) if question.followup_of_id else None
        return escalation_view(row, question, context=root.text if root else None)

    # -- core team actions --------------------------------------------------------------
    def _require_core(self, user_id: str, action: str, *, audit_action: str | None = None,
                      number: int | None = None) -> None:
        if not self.is_core(user_id):
            if audit_action:
                self._audit(user_id, audit_action, number, audit.RESULT_DENIED)
            raise NotAllowed(f"Alleen het kernteam kan dit ({action}).")

    @contextmanager
    def _refusals_audited(self, user_id: str, action: str, number: int) -> Iterator[None]:
        """Audit an action the escalation's state refuses (the transaction is rolled back)."""
        try:
            yield
        except InvalidTransition:
            self._audit(user_id, action, number, audit.RESULT_REFUSED)
            raise

    def _audit(self, user_id: str, action: str, number: int | None, result: str, *, tx: Tx | None = None,
               detail: str | None = None) -> None:
        """Append to the audit log (in ``tx`` when given, else in a transaction of its own)."""
        kw = dict(actor=user_id, action=action, object_type="escalation", object_id=number, result=result,
                  detail=detail, now=self._now())
        if tx is not None:
            audit.append(tx.session, **kw)
            return
        with self.store.tx() as own:
            audit.append(own.session, **kw)

    def claim(self, number: int, *, user_id: str) -> EscalationView:
        """A core member takes the question.

        NotAllowed for others; idempotent for the same user; AlreadyClaimed if someone else
        has it; InvalidTransition if it is answered or closed.
        """
        self._require_core(user_id, "oppakken", audit_action="escalation.claim", number=number)
        with self._refusals_audited(user_id, "escalation.claim", number), self.store.tx(patient=True) as tx:
            row = tx.escalation(number, for_update=True)
            if row.status == CLAIMED and row.claimed_by == user_id:
                return self._view(tx, row)
            if row.status == CLAIMED:
                raise AlreadyClaimed(number, row.claimed_by)
            check_transition(number, "claim", row.status)
            row.status, row.claimed_by, row.claimed_at = CLAIMED, user_id, self._now()
            self._notify_asker(tx, row, POST_CLAIMED, {"user_id": user_id}, key="claimed")
            self._audit(user_id, "escalation.claim", number, audit.RESULT_OK, tx=tx)
            log.info("escalation #%s claimed", number)
            return self._view(tx, row)

    def record_core_reply(self, number: int, *, user_id: str, text: str, message_ts: str | None = None) -> EscalationView | None:
        """A core member replied in the core thread: store it and queue it for the asker.

        Returns None (and changes nothing) when ``user_id`` is not in the core team: chatter
        of others in the core thread is not relayed. An open escalation is claimed by the
        replier on the way. Several replies are joined into ``answer_text``. ``message_ts``
        (the reply's own ts) makes the relay idempotent. InvalidTransition when closed.
        """
        if not self.is_core(user_id):
            self._audit(user_id, "escalation.answer", number, audit.RESULT_DENIED)
            return None
        with self._refusals_audited(user_id, "escalation.answer", number), self.store.tx() as tx:
            row = tx.escalation(number, for_update=True)
            check_transition(number, "reply", row.status)
            if not text.strip():
                return self._view(tx, row)
            if message_ts and tx.outbox_key_exists(f"esc{row.id}:reply:{message_ts}"):
                return self._view(tx, row)  # this reply was recorded before (event processed again)
            now = self._now()
            if row.claimed_by is None:
                row.claimed_by, row.claimed_at = user_id, now
            row.reply_count += 1
            row.answer_text = f"{row.answer_text}\n\n{text}" if row.answer_text else text
            row.status, row.answered_by, row.answered_at = ANSWERED, user_id, now
            key = f"reply:{message_ts or row.reply_count}"
            self._notify_asker(tx, row, POST_CORE_REPLY, {"user_id": user_id, "text": text, "message_ts": message_ts},
                               key=key,
                               sort_key=_slack_ts(message_ts, now), delay=REORDER_DELAY)
            self._audit(user_id, "escalation.answer", number, audit.RESULT_OK, tx=tx, detail=f"chars={len(text)}")
            log.info("escalation #%s: core reply %d (%d chars)", number, row.reply_count, len(text))
            return self._view(tx, row)

    def close(self, number: int, *, user_id: str) -> EscalationView:
        """Close the escalation (a core member or the asker). Idempotent."""
        with self.store.tx(patient=True) as tx:  # a button: waits out other writers (see escalate)
            row = tx.escalation(number, for_update=True)
            asker = user_id == row.asker_user_id
        if not asker:
            self._require_core(user_id, "sluiten", audit_action="escalation.close", number=number)
        with self.store.tx(patient=True) as tx:
            row = tx.escalation(number, for_update=True)
            if row.status == CLOSED:
                return self._view(tx, row)
            row.status, row.closed_by, row.closed_at = CLOSED, user_id, self._now()
            self._audit(user_id, "escalation.close", number, audit.RESULT_OK, tx=tx,
                        detail="by asker" if asker else None)
            if not asker:
                self._notify_asker(tx, row, POST_CLOSED, {"user_id": user_id}, key="closed")
            log.info("escalation #%s closed", number)
            return self._view(tx, row)

    def _notify_asker(self, tx: Tx, row: Escalation, kind: str, payload: dict[str, Any], *, key: str,
                      sort_key: str | None = None, delay: timedelta | None = None) -> None:
        """Queue a post for the asker's thread in the current transaction.

        Core replies are ordered by their own Slack ts and held back for ``delay``: an
        earlier reply whose event arrived a moment later still goes out first.
        """
        now = self._now()
        tx.enqueue_post(
            kind=kind, channel_id=row.asker_channel_id, thread_ts=row.asker_thread_ts, escalation_id=row.id,
            payload={"number": row.id, **payload}, dedupe_key=f"esc{row.id}:{key}", now=now,
            sort_key=sort_key if sort_key else None, not_before=now + delay if delay and sort_key else None,
        )

    # -- verified answers ---------------------------------------------------------------
    def save_verified(self, number: int, *, user_id: str) -> VerifiedItem:
        """Keep the core team's answer as a verified answer and make it searchable at once.

        Only for escalations with an answer (answered, or closed after an answer); saving
        again updates the stored item (same key).
        """
        self._require_core(user_id, "bewaren als geverifieerd antwoord", audit_action="verified.save", number=number)
        with self._refusals_audited(user_id, "verified.save", number), self.store.tx() as tx:
            row = tx.escalation(number, for_update=True)
            if not row.answer_text:
                raise InvalidTransition(number, "save_verified", row.status,
                                        f"Escalatie #{number} heeft nog geen antwoord van het kernteam.")
            view = self._view(tx, row)
            question = f"{view.context} {view.question}" if view.context else view.question
            saved = tx.verified_for_escalation(row.id)
            if saved is None:
                saved = tx.add_verified(question=question, answer=row.answer_text, answered_by=row.answered_by,
                                        escalation_id=row.id, created_at=self._now())
            else:
                saved.question, saved.answer, saved.answered_by = question, row.answer_text, row.answered_by
            item = _verified_item(saved)
            self._audit(user_id, "verified.save", number, audit.RESULT_OK, tx=tx, detail=item.key)
        self.desk.add_verified_answer(item)
        log.info("escalation #%s saved as verified answer %s", number, item.key)
        return item

    def verified_answers(self) -> list[VerifiedItem]:
        """All stored verified answers, oldest first."""
        with self.store.read() as tx:
            return [_verified_item(row) for row in tx.all_verified()]

    def load_verified_into(self, desk: DeskLike) -> int:
        """At start-up: give the desk all stored verified answers; returns how many."""
        items = self.verified_answers()
        desk.set_verified_answers(items)
        return len(items)

    # -- retention ----------------------------------------------------------------------
    def prune(self, *, retention_days: int, bookkeeping_days: int = 14) -> dict[str, int]:
        """Forget conversations older than ``retention_days`` (settings.retention_days) and
        event ids / settled outbox posts older than ``bookkeeping_days``. Returns counts."""
        now = self._now()
        with self.store.tx() as tx:
            counts = tx.prune(questions_before=now - timedelta(days=retention_days),
                              bookkeeping_before=now - timedelta(days=bookkeeping_days))
        log.info("pruned %s", counts)
        return counts

    # -- outbox (see bot.core.delivery.outbox for the kinds and payloads) ------------------------
    def enqueue_post(self, *, kind: str, channel_id: str, thread_ts: str | None, payload: dict[str, Any], dedupe_key: str,
                     escalation_id: int | None = None) -> int | None:
        """Queue a post of the adapter's own; None if ``dedupe_key`` was queued before.
        ``escalation_id``: the escalation it is about (a privacy request finds it by that)."""
        return self.outbox.enqueue(kind=kind, channel_id=channel_id, thread_ts=thread_ts, payload=payload,
                                   dedupe_key=dedupe_key, escalation_id=escalation_id)

    def due_post(self, *, skip_channels: frozenset[str] = frozenset()) -> OutboxPost | None:
        """Lease the next post to send (destination known, first of its thread), or None."""
        return self.outbox.due(skip_channels=skip_channels)

    def due_posts(self, *, limit: int = 50) -> list[OutboxPost]:
        """Lease up to ``limit`` posts one by one (tests, the CLI); each has its own lease."""
        return self.outbox.due_many(limit=limit)

    def extend_post(self, post_id: int, token: str) -> bool:
        """Renew a post's lease (heartbeat); False when another drainer has it now."""
        return self.outbox.extend(post_id, token)

    def mark_sent(self, post_id: int, *, token: str, ts: str | None) -> bool:
        """The post went out (``ts`` = the platform's message ts, if any); False if the
        lease had been taken over (then the new holder finds the post by its marker)."""
        return self.outbox.mark_sent(post_id, token=token, ts=ts)

    def release_post(self, post_id: int, *, token: str) -> bool:
        """A leased post was not tried: due again now, attempt not counted."""
        return self.outbox.release(post_id, token=token)

    def mark_failed(self, post_id: int, *, token: str, error: str, retry_at: datetime | None = None,
                    give_up: bool = False) -> str:
        """The post failed: retry at ``retry_at`` (default: backoff) or give up for good;
        returns what happened (``bot.core.delivery.outbox``: RETRY, GAVE_UP, or LOST)."""
        return self.outbox.mark_failed(post_id, token=token, error=error, retry_at=retry_at, give_up=give_up)


def _slack_ts(value: str | None, now: datetime) -> str | None:
    """A Slack ts normalised for sorting ("%010d.%06d"); None if it is not one, or too far
    from ``now`` to compare with the server's clock (then the post sorts by queue time)."""
    seconds, _, micros = (value or "").partition(".")
    if not (seconds.isdigit() and micros.isdigit()) or abs(int(seconds) - now.timestamp()) > MAX_TS_SKEW_SECONDS:
        return None
    return f"{int(seconds):010d}.{micros[:6].ljust(6, '0')}"


def _record_answer(question: Question, answer: Answer) -> None:
    """Copy what the desk said onto the question row."""
    question.answered = answer.answered
    question.confidence = float(answer.confidence)
    question.answer_kind = answer.kind
    question.answer_text = answer.answer
    question.passages = passages_to_json(answer.passages)


def _verified_item(row: VerifiedAnswer) -> VerifiedItem:
    created = row.created_at
    return VerifiedItem(
        key=f"verified-{row.id}", question=row.question, answer=row.answer, answered_by=row.answered_by,
        answered_at=created.date().isoformat() if created else None,
    )
