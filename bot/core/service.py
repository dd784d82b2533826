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

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Protocol, Sequence

from bot.core.answer import Answer, Passage, VerifiedItem

# Asker.via values
VIA_DM = "dm"
VIA_MENTION = "mention"
VIA_COMMAND = "command"
VIA_CLI = "cli"

# Outbox post kinds (OutboxPost.kind) and their payload keys.
POST_CORE_REPLY = "core_reply"  # core reply -> asker thread. payload: number, user_id, text
POST_FOLLOWUP = "followup"  # asker follow-up -> core thread. payload: number, user_id, text, question_id
POST_CLAIMED = "claimed"  # notice -> asker thread. payload: number, user_id
POST_CLOSED = "closed"  # notice -> asker thread (closed by someone else). payload: number, user_id


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the default clock)."""
    return datetime.now(timezone.utc)


class DeskLike(Protocol):
    """What the service needs from ``bot.core.desk.Desk``."""

    def ask(self, text: str) -> Answer: ...
    def add_verified_answer(self, item: VerifiedItem) -> None: ...
    def set_verified_answers(self, items: Sequence[VerifiedItem]) -> None: ...


@dataclass(frozen=True)
class Asker:
    """Who asked, and where the conversation lives.

    ``thread_ts`` is the thread the message was posted in (None for a top-level message),
    ``message_ts`` the message itself. Loket replies in ``conversation_ts``.
    """

    user_id: str
    channel_id: str
    thread_ts: str | None = None
    message_ts: str | None = None
    via: str = VIA_DM  # "dm" | "mention" | "command" | "cli"

    @property
    def conversation_ts(self) -> str | None:
        """The root of the thread this message belongs to (where Loket replies)."""
        return self.thread_ts or self.message_ts


@dataclass(frozen=True)
class EscalationView:
    """An escalation as the adapter renders it (#number, status, who, where)."""

    number: int
    status: str  # see bot.core.escalations: open | claimed | answered | closed
    kind: str  # "vraag" | "ondersteuning"
    question_id: int
    question: str
    asker_user_id: str
    asker_channel_id: str
    asker_thread_ts: str | None
    created_at: datetime
    context: str | None = None  # the earlier question when this one was a follow-up
    core_channel_id: str | None = None
    core_ts: str | None = None
    permalink: str | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    answer_text: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    escalated_by: str | None = None
    passages: tuple[Passage, ...] = ()

    @property
    def posted(self) -> bool:
        """True once the escalation is in the core channel."""
        return self.core_ts is not None


@dataclass(frozen=True)
class Outcome:
    """The result of ``handle_question``.

    * answered or not: ``answer`` (``answer.answered``); reply with it in the asker's thread.
    * ``escalation``: opened by *this* call (unposted): post it to the core channel.
    * ``followup_of``: the message was a follow-up in the thread of an escalation that is not
      closed; the desk was not asked (``answer`` is None) and the message is already queued
      in the outbox for the core thread (kind ``followup``).
    """

    question_id: int
    answer: Answer | None
    escalation: EscalationView | None = None
    followup_of: EscalationView | None = None
    context: str | None = None  # the earlier question used as context, if any


@dataclass(frozen=True)
class OutboxPost:
    """A queued outgoing message. ``channel_id``/``thread_ts`` say where it goes."""

    id: int
    kind: str
    channel_id: str
    thread_ts: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
    escalation_number: int | None = None


class NotAllowed(Exception):
    """A user who is not in the core team tried a core-team action."""


class LoketService:
    """Questions in, answers and escalations out; all state in the store."""

    def __init__(self, *, desk: DeskLike, store, is_core: Callable[[str], bool], clock: Callable[[], datetime] = utcnow):
        self.desk = desk
        self.store = store
        self.is_core = is_core
        self.clock = clock

    # -- events -------------------------------------------------------------------------
    def claim_event(self, event_id: str) -> bool:
        """Record a Slack event id; False if it was seen before (a retry: ignore it).

        Enforced by a unique constraint in the database, so it holds across restarts and
        across processes.
        """
        raise NotImplementedError

    # -- questions ----------------------------------------------------------------------
    def handle_question(self, asker: Asker, text: str) -> Outcome:
        """Store the question, answer it or escalate it; see :class:`Outcome`."""
        raise NotImplementedError

    def escalate(self, question_id: int, *, by_user: str) -> EscalationView:
        """The "Stel aan kernteam" button: open (or return the existing) escalation."""
        raise NotImplementedError

    def feedback(self, question_id: int, *, user_id: str, helpful: bool) -> None:
        """Record 👍/👎 on Loket's answer (the last click counts)."""
        raise NotImplementedError

    # -- escalation posts ---------------------------------------------------------------
    def mark_posted(self, escalation_number: int, *, channel_id: str, ts: str, permalink: str | None = None) -> None:
        """Remember where the escalation was posted in the core channel."""
        raise NotImplementedError

    def pending_escalation_posts(self) -> list[EscalationView]:
        """Escalations not yet posted to the core channel (and not closed), oldest first."""
        raise NotImplementedError

    def escalation(self, number: int) -> EscalationView:
        """One escalation by number (KeyError if unknown)."""
        raise NotImplementedError

    def escalation_for_core_thread(self, channel_id: str, thread_ts: str) -> EscalationView | None:
        """The escalation whose core-channel post is ``thread_ts`` (for core replies)."""
        raise NotImplementedError

    def escalation_for_asker_thread(self, channel_id: str, thread_ts: str) -> EscalationView | None:
        """The latest escalation that lives in this asker thread."""
        raise NotImplementedError

    # -- core team actions --------------------------------------------------------------
    def claim(self, number: int, *, user_id: str) -> EscalationView:
        """A core member takes the question. NotAllowed for others; idempotent for the
        same user; InvalidTransition if closed/answered or claimed by someone else."""
        raise NotImplementedError

    def record_core_reply(self, number: int, *, user_id: str, text: str, message_ts: str | None = None) -> EscalationView | None:
        """A core member replied in the core thread: store it and queue it for the asker.

        Returns None (and changes nothing) when ``user_id`` is not in the core team: chatter
        of others in the core thread is not relayed. ``message_ts`` (the reply's ts) makes
        the relay idempotent. Several replies are joined into ``answer_text``.
        """
        raise NotImplementedError

    def close(self, number: int, *, user_id: str) -> EscalationView:
        """Close the escalation (core member or the asker). Idempotent."""
        raise NotImplementedError

    def save_verified(self, number: int, *, user_id: str) -> VerifiedItem:
        """Keep the core team's answer as a verified answer and make it searchable at once."""
        raise NotImplementedError

    def load_verified_into(self, desk: DeskLike) -> int:
        """At start-up: give the desk all stored verified answers; returns how many."""
        raise NotImplementedError

    # -- outbox -------------------------------------------------------------------------
    def enqueue_post(self, *, kind: str, channel_id: str, thread_ts: str | None, payload: dict[str, Any], dedupe_key: str) -> int | None:
        """Queue a post of the adapter's own; None if ``dedupe_key`` was queued before."""
        raise NotImplementedError

    def due_posts(self, *, limit: int = 50) -> list[OutboxPost]:
        """Posts to send now (pending, retry time passed, destination known), oldest first."""
        raise NotImplementedError

    def mark_sent(self, post_id: int, *, ts: str | None) -> None:
        """The post went out (``ts`` = the Slack message ts, if any)."""
        raise NotImplementedError

    def mark_failed(self, post_id: int, *, error: str, retry_at: datetime | None = None, give_up: bool = False) -> None:
        """The post failed: retry at ``retry_at`` (default: backoff) or give up for good."""
        raise NotImplementedError
