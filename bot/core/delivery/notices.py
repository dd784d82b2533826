"""Messages that monitoring queues in the outbox, rendered by the adapter beforehand.

The core decides *that* a message goes out (a signal escalated to the LRT, an SLA
reminder) and queues it in the same transaction as the change, with a dedupe key, so it
is sent once even when two replicas or a restart race. *What* it looks like is the
adapter's business: it hands the core a function that turns a view into a
:class:`Notice`; the payload is opaque here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from bot.store.repo import Tx

V = TypeVar("V")


@dataclass(frozen=True)
class Notice:
    """One outgoing message: outbox ``kind`` and ``payload`` as the adapter's delivery expects."""

    kind: str
    channel_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    thread_ts: str | None = None


Render = Callable[[V], "Notice | None"]


def queue(tx: Tx, notice: Notice | None, *, dedupe_key: str, now, escalation_id: int | None = None) -> bool:
    """Queue ``notice`` in ``tx``; False if there is none or the key was queued before."""
    if notice is None or not notice.channel_id:
        return False
    queued = tx.enqueue_post(kind=notice.kind, channel_id=notice.channel_id, thread_ts=notice.thread_ts,
                             payload=notice.payload, dedupe_key=dedupe_key, now=now, escalation_id=escalation_id)
    return queued is not None
