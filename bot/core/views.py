"""What the service hands to its callers: plain frozen dataclasses, never ORM rows.

The adapters (Slack, CLI) render these without a database session. The conversion
functions at the bottom only read attributes of rows already loaded by the service.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.core.answering.answer import Answer, Passage, Source
from bot.store.models import Escalation, OutboxPost as OutboxRow, Question, as_utc

# Asker.via values
VIA_DM = "dm"
VIA_MENTION = "mention"
VIA_COMMAND = "command"
VIA_CLI = "cli"
VIAS = (VIA_DM, VIA_MENTION, VIA_COMMAND, VIA_CLI)

# What a recorded reply message (``reply_messages.kind``) was when Loket posted it.
REPLY_ANSWER = "answer"  # the answer (Slack: the "Even zoeken…" placeholder that became it)
REPLY_ESCALATED = "escalated"  # "doorgezet naar het kernteam (#N)"
REPLY_FOLLOWUP = "followup"  # "je aanvulling is doorgestuurd naar #N"
REPLY_NOTE = "note"  # another note about the question (feedback thanks, support opened)


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
    province: str | None = None  # of the question (support requests have one), shown on the core post

    @property
    def posted(self) -> bool:
        """True once the escalation is in the core channel."""
        return self.core_ts is not None


@dataclass(frozen=True)
class Outcome:
    """The result of ``LoketService.handle_question``.

    * ``answer``: reply with it in the asker's thread (``answer.answered`` False: Loket
      does not know; the escalation below is on its way to the core team).
    * ``escalation``: opened by *this* call and not yet posted: post it to the core
      channel and call ``mark_posted``.
    * ``followup_of``: the message was a follow-up in the thread of an escalation that is
      not closed. The desk was not asked (``answer`` is None); the message is already in
      the outbox for the core thread (kind ``followup``).
    * ``context``: the earlier question of the thread that was used to answer a follow-up.
    """

    question_id: int
    answer: Answer | None
    escalation: EscalationView | None = None
    followup_of: EscalationView | None = None
    context: str | None = None

    @property
    def reply_kind(self) -> str:
        """What the asker's reply about this outcome is (``reply_messages.kind``)."""
        if self.followup_of is not None:
            return REPLY_FOLLOWUP
        return REPLY_ESCALATED if self.escalation is not None else REPLY_ANSWER


@dataclass(frozen=True)
class OutboxPost:
    """A queued outgoing message; ``channel_id``/``thread_ts`` say where it goes.

    ``attempts`` counts this attempt too (1 on the first try).
    """

    id: int
    kind: str
    channel_id: str
    thread_ts: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 1
    escalation_number: int | None = None
    token: str = ""  # the lease's fencing token: every state change of the post names it


# -- conversions ------------------------------------------------------------------------
def passages_to_json(passages: list[Passage] | tuple[Passage, ...]) -> list[dict[str, Any]]:
    """Passages as JSON-able dicts (for the ``passages`` columns)."""
    return [{"text": p.text, "source": asdict(p.source)} for p in passages]


def passages_from_json(data: list[dict[str, Any]] | None) -> tuple[Passage, ...]:
    """The inverse of :func:`passages_to_json`; tolerates missing fields."""
    out = []
    for item in data or ():
        src = dict(item.get("source") or {})
        src.setdefault("title", "")
        src.setdefault("section", "")
        src.setdefault("path", "")
        src.setdefault("score", 0.0)
        known = {k: v for k, v in src.items() if k in Source.__dataclass_fields__}
        out.append(Passage(text=item.get("text", ""), source=Source(**known)))
    return tuple(out)


def escalation_view(row: Escalation, question: Question, *, context: str | None = None) -> EscalationView:
    """Build the view of an escalation from its row and its question's row."""
    return EscalationView(
        number=row.id,
        status=row.status,
        kind=row.kind,
        question_id=row.question_id,
        question=question.text,
        asker_user_id=row.asker_user_id,
        asker_channel_id=row.asker_channel_id,
        asker_thread_ts=row.asker_thread_ts,
        created_at=as_utc(row.created_at),
        context=context,
        core_channel_id=row.core_channel_id,
        core_ts=row.core_ts,
        permalink=row.permalink,
        claimed_by=row.claimed_by,
        claimed_at=as_utc(row.claimed_at),
        answered_by=row.answered_by,
        answered_at=as_utc(row.answered_at),
        answer_text=row.answer_text,
        closed_by=row.closed_by,
        closed_at=as_utc(row.closed_at),
        escalated_by=row.escalated_by,
        passages=passages_from_json(row.passages),
        province=question.province,
    )


def outbox_view(row: OutboxRow, escalation: Escalation | None) -> OutboxPost:
    """A leased outbox row; posts without a channel go to the escalation's core thread."""
    if row.channel_id is not None:
        channel_id, thread_ts = row.channel_id, row.thread_ts
    else:
        channel_id, thread_ts = escalation.core_channel_id, escalation.core_ts
    return OutboxPost(
        id=row.id,
        kind=row.kind,
        channel_id=channel_id,
        thread_ts=thread_ts,
        payload=dict(row.payload or {}),
        attempts=row.attempts,
        escalation_number=row.escalation_id,
        token=row.lease_token or "",
    )
