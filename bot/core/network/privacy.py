"""Privacy hooks for the network tables (see :mod:`bot.core.privacy`).

Forgetting a person:

* referrals: their id as asker or as referrer becomes the pseudonym;
* announcements and lessons they saved keep their text (it is the core team's knowledge,
  not a conversation) but no longer name them as author; mentions of them (``<@U…>``)
  in any title or text are scrubbed;
* support requests hold no person (the question row, handled by the core hook, does).

Retention leaves these alone: lessons and announcements are the knowledge base, and a
referral is the core team's record of who was put in touch with whom (the asker's id goes
with a request to forget).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.core.privacy import PSEUDONYM, Counts, PrivacyHook, register_hook
from bot.store.models import KnowledgeItem, Referral, as_utc


def _count(result) -> int:
    return max(result.rowcount or 0, 0)


def _scrub(text: str | None, user_id: str) -> str | None:
    if not text:
        return text
    return text.replace(f"<@{user_id}>", f"@{PSEUDONYM}").replace(user_id, PSEUDONYM)


def forget(session: Session, user_id: str, now: datetime) -> Counts:
    """Erase ``user_id`` from referrals and knowledge items (see module docstring)."""
    opts = {"synchronize_session": False}
    counts: Counts = {
        "referrals_asker": _count(session.execute(
            update(Referral).where(Referral.asker_user_id == user_id).values(asker_user_id=PSEUDONYM), execution_options=opts)),
        "referrals_referrer": _count(session.execute(
            update(Referral).where(Referral.referred_by == user_id).values(referred_by=PSEUDONYM), execution_options=opts)),
        "knowledge_items_author": _count(session.execute(
            update(KnowledgeItem).where(KnowledgeItem.created_by == user_id).values(created_by=PSEUDONYM),
            execution_options=opts)),
        "referrals_expert": _count(session.execute(
            update(Referral).where(Referral.expert_slack_user_id == user_id)
            .values(expert_slack_user_id=PSEUDONYM, expert_name=PSEUDONYM, expert_email=None), execution_options=opts)),
        "knowledge_items_mentions": 0,
    }
    mentioned = select(KnowledgeItem).where(or_(KnowledgeItem.title.contains(user_id), KnowledgeItem.text.contains(user_id)))
    for item in session.scalars(mentioned):
        item.title, item.text = _scrub(item.title, user_id), _scrub(item.text, user_id)
        counts["knowledge_items_mentions"] += 1
    return counts


def export(session: Session, user_id: str) -> dict[str, Any]:
    """Referrals about or by the person, and the announcements and lessons they saved."""
    referrals = session.scalars(select(Referral).where(or_(
        Referral.asker_user_id == user_id, Referral.referred_by == user_id, Referral.expert_slack_user_id == user_id,
    )).order_by(Referral.id))
    items = session.scalars(select(KnowledgeItem).where(KnowledgeItem.created_by == user_id).order_by(KnowledgeItem.id))
    return {
        "referrals": [{"escalation": r.escalation_id, "expert": r.expert_name,
                       "role": ("vrager" if r.asker_user_id == user_id else
                                "doorverwijzer" if r.referred_by == user_id else "deskundige"),
                       "created_at": as_utc(r.created_at).isoformat()} for r in referrals],
        "knowledge_items": [{"id": i.id, "kind": i.kind, "title": i.title,
                             "created_at": as_utc(i.created_at).isoformat()} for i in items],
    }


# before the core hook (order 100), like the other parts
def expire(session: Session, cutoff: datetime, now: datetime) -> Counts:
    """Retention: referrals older than ``cutoff`` lose the asker and the introduction's
    message (the group DM); who was referred to which expert stays (statistics)."""
    return {"referrals": _count(session.execute(
        update(Referral).where(Referral.created_at < cutoff, Referral.asker_user_id != PSEUDONYM)
        .values(asker_user_id=PSEUDONYM, channel_id=None, message_ts=None),
        execution_options={"synchronize_session": False}))}


register_hook(PrivacyHook("network", forget=forget, export=export, expire=expire, order=60))
