"""Corrections of a core reply after it was relayed: edit it, delete it, take it back.

A core member's reply is relayed through the outbox (kind ``core_reply``, dedupe key
``esc{N}:reply:{ts}`` with the reply's own message ts). That row is the record of the
relay: where it went (``channel_id``) and, once sent, the relayed message's ts
(``sent_ts``). An edit changes the row's text (the adapter then updates the relayed
message); a deletion or "Terugnemen" withdraws it: an unsent relay is never sent, a sent
one is removed by the adapter. The escalation's ``answer_text`` is rebuilt from the
replies that still stand, so the knowledge base never keeps a withdrawn answer, and an
escalation without any standing reply is no longer "answered".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.core.privacy import audit
from bot.core.escalations import ANSWERED, CLAIMED
from bot.core.delivery.outbox import POST_CORE_REPLY
from bot.store.models import OutboxPost
from bot.store.repo import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENT, Store, Tx

WITHDRAWN = "withdrawn"  # last_error of a relay that was taken back before it went out

# A core member can write an internal note in the escalation thread that is not relayed
# (the same rule in every chat platform).
INTERNAL_PREFIXES = ("//", "(intern)")


def is_internal(text: str | None) -> bool:
    """The relay rule: ``//`` or ``(intern)`` at the start makes a note internal."""
    return (text or "").lstrip().lower().startswith(INTERNAL_PREFIXES)


@dataclass(frozen=True)
class RelayedReply:
    """One relayed core reply: where it went and whether it still stands."""

    number: int
    message_ts: str  # the core member's own message in the core thread
    user_id: str
    text: str
    channel_id: str | None  # the asker's conversation
    thread_ts: str | None
    sent_ts: str | None  # the relayed message (None: not sent yet)
    withdrawn: bool
    post_id: int


def reply_key(number: int, message_ts: str) -> str:
    """The outbox dedupe key of the relay of the core message ``message_ts``."""
    return f"esc{number}:reply:{message_ts}"


def _row(tx: Tx, number: int, message_ts: str) -> OutboxPost | None:
    return tx.session.scalar(select(OutboxPost).where(OutboxPost.dedupe_key == reply_key(number, message_ts)))


def _view(row: OutboxPost, number: int, message_ts: str) -> RelayedReply:
    payload = row.payload or {}
    return RelayedReply(number=number, message_ts=message_ts, user_id=str(payload.get("user_id") or ""),
                        text=str(payload.get("text") or ""), channel_id=row.channel_id, thread_ts=row.thread_ts,
                        sent_ts=row.sent_ts if row.status == OUTBOX_SENT else None,
                        withdrawn=bool(payload.get(WITHDRAWN)), post_id=row.id)


def find(store: Store, number: int, message_ts: str) -> RelayedReply | None:
    """The relay of core message ``message_ts`` of escalation ``number``, if it was relayed."""
    with store.tx() as tx:
        row = _row(tx, number, message_ts)
        return _view(row, number, message_ts) if row is not None else None


def edit(store: Store, number: int, message_ts: str, *, text: str, user_id: str, now: datetime) -> RelayedReply | None:
    """The core member edited a relayed reply: store the new text (None: it was never relayed)."""
    with store.tx() as tx:
        row = _row(tx, number, message_ts)
        if row is None or (row.payload or {}).get(WITHDRAWN):
            return None
        row.payload = {**(row.payload or {}), "text": text}
        _rebuild_answer(tx, number)
        audit.append(tx.session, actor=user_id, action="escalation.answer_edit", object_type="escalation",
                     object_id=str(number), detail=f"chars={len(text)}", now=now)
        return _view(row, number, message_ts)


def withdraw(store: Store, number: int, message_ts: str, *, user_id: str, now: datetime) -> RelayedReply | None:
    """Take a relay back (deleted, or "Terugnemen"); None when there is nothing to take back."""
    with store.tx() as tx:
        row = _row(tx, number, message_ts)
        if row is None or (row.payload or {}).get(WITHDRAWN):
            return None
        row.payload = {**(row.payload or {}), WITHDRAWN: True}
        if row.status == OUTBOX_PENDING:  # not out yet: it never will be
            row.status, row.last_error = OUTBOX_FAILED, WITHDRAWN
        _rebuild_answer(tx, number)
        audit.append(tx.session, actor=user_id, action="escalation.answer_withdraw", object_type="escalation",
                     object_id=str(number), now=now)
        return _view(row, number, message_ts)


WITHDRAW = "withdraw"  # what a correction does: take the relay back
EDIT = "edit"  # ... or change its text


def correction(store: Store, number: int, message_ts: str, *, text: str | None, deleted: bool) -> str | None:
    """What a core member's edit or deletion of message ``message_ts`` does to its relay
    (the same rule on every platform): deleted, or edited into an internal note:
    :data:`WITHDRAW`; a relayed reply with a new text: :data:`EDIT`; anything else (never
    relayed, e.g. a note edited into a reply; the same text again): None."""
    if deleted or is_internal(text):
        return WITHDRAW
    before = find(store, number, message_ts)
    if before is None or before.withdrawn or before.text == (text or ""):
        return None
    return EDIT


def _rebuild_answer(tx: Tx, number: int) -> None:
    """``answer_text`` from the replies that still stand, in their order in the thread."""
    rows = tx.session.scalars(select(OutboxPost).where(OutboxPost.escalation_id == number,
                                                       OutboxPost.kind == POST_CORE_REPLY)
                              .order_by(OutboxPost.sort_key, OutboxPost.id)).all()
    texts = [str(r.payload.get("text") or "") for r in rows if not (r.payload or {}).get(WITHDRAWN)]
    esc = tx.escalation(number, for_update=True)
    esc.answer_text = "\n\n".join(t for t in texts if t.strip()) or None
    if esc.answer_text is None and esc.status == ANSWERED:
        esc.status = CLAIMED  # nothing stands any more: claimed, no longer answered
    saved = tx.verified_for_escalation(number)  # kept in the knowledge base before the correction
    if saved is not None:
        if esc.answer_text:
            saved.answer = esc.answer_text
        else:
            tx.session.delete(saved)  # the running desk drops it at its next sync


def relay_notice(store: Store, post_id: int, *, key_prefix: str = "slack-relayed") -> tuple[str, str] | None:
    """(channel, ts) of the "Doorgestuurd naar …" notice of relay ``post_id``, once it was posted.

    The adapter queued it with the dedupe key ``{key_prefix}:{post_id}``."""
    with store.tx() as tx:
        row = tx.session.scalar(select(OutboxPost).where(OutboxPost.dedupe_key == f"{key_prefix}:{post_id}"))
        if row is None or row.status != OUTBOX_SENT or not row.sent_ts or not row.channel_id:
            return None
        return row.channel_id, row.sent_ts
