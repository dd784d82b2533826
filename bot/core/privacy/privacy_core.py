"""Privacy hooks for the core tables: questions, escalations, verified answers, outbox,
inbox (processed events) and the audit log's actors. See :mod:`bot.core.privacy`.

Pseudonymising keeps the statistics (when, how, answered or not, province, theme) and
drops the person: question text, user ids, Slack message ids and DM channel ids.
Verified answers are knowledge: the desk matches new questions on the *wording* of the
question, so retention keeps it, without direct identifiers (mentions, Slack links, e-mail
addresses, phone and long numbers: :mod:`bot.core.privacy.privacy_text`), and cuts the link to
the escalation (and through it to the asker's Slack thread). Until then a person who asks
to be forgotten takes the verified answers made from *their* questions with them.

Loket's own Slack and Teams posts about a forgotten person's questions are undone through
the outbox (queued in the same transaction, sent by the running server's delivery loop, so
``loket privacy forget`` works without a Slack client; ``bot.teams.erasure`` for Teams): the posts in their conversation
(Loket's own replies there, recorded in ``reply_messages``: the answer, the "doorgezet naar het
kernteam" and follow-up notes; and the outbox posts: relays, notices) and in the core thread
(forwarded follow-ups, confirmations) are deleted; the escalation
post in the core channel is *replaced* by a neutral notice rather than deleted, because
it is the root of the core team's thread (their replies and history hang on it).
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.core.privacy import audit
from bot.core.delivery.outbox import POST_DELETE, POST_REDACT, reply_post_key
from bot.core.privacy import PSEUDONYM, Counts, PrivacyHook, register_hook
from bot.core.privacy.privacy_text import scrub_identifiers
from bot.core.views import VIA_COMMAND
from bot.store.repo import Tx
from bot.store.models import Escalation, OutboxPost, ProcessedEvent, Question, ReplyMessage, VerifiedAnswer, as_utc

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
    erasures = _queue_post_erasures(session, user_id, mine, now)
    erasures["reply_messages_to_delete"] = _queue_reply_erasures(session, user_id, now)
    replies = [reply_post_key(q) for q in session.scalars(select(Question.id).where(Question.user_id == user_id))]
    statements = {
        "verified_answers_removed": delete(VerifiedAnswer).where(VerifiedAnswer.escalation_id.in_(mine)),
        "verified_answers_pseudonymised": update(VerifiedAnswer).where(VerifiedAnswer.answered_by == user_id)
        .values(answered_by=PSEUDONYM),
        # posts about their questions (those sent are undone in Slack: queued above), and
        # sent posts naming them
        "outbox": delete(OutboxPost).where(or_(
            OutboxPost.escalation_id.in_(mine), OutboxPost.dedupe_key.in_(replies),  # a reply still queued
            (OutboxPost.status != "pending") & or_(OutboxPost.escalation_id.is_(None), ~OutboxPost.escalation_id.in_(mine))
            & names_user(OutboxPost.payload))),
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
    counts.update(erasures)
    counts["outbox_pending_mentions"] = _scrub_pending_posts(session, user_id)
    counts["core_roles"] = _forget_core_roles(session, user_id)
    counts["audit_actor"] = audit.erase_actor(session, user_id)
    return counts


def _queue_post_erasures(session: Session, user_id: str, escalation_ids: list[int], now: datetime) -> Counts:
    """Queue the undoing of Loket's Slack posts about these escalations (see the module
    docstring): one outbox post per message, deduplicated by channel and ts."""
    tx, counts = Tx(session), {"slack_posts_to_delete": 0, "slack_posts_to_redact": 0}
    threads = _threads(session, escalation_ids)  # Teams addresses a post in a channel thread through its root
    for channel, ts, kind in _loket_post_targets(session, user_id, escalation_ids):
        thread = threads.get((channel, ts)) if kind == POST_DELETE else ts
        if _queue_erasure(tx, kind, channel, ts, thread, now):
            counts["slack_posts_to_delete" if kind == POST_DELETE else "slack_posts_to_redact"] += 1
    return counts


def _queue_reply_erasures(session: Session, user_id: str, now: datetime) -> int:
    """Queue the deletion of Loket's own replies in the person's conversations (recorded
    when they were posted: :class:`ReplyMessage`) and drop the records; returns how many
    were queued (a message queued already, e.g. as a ``/loket`` root, counts once)."""
    tx, queued = Tx(session), 0
    mine = select(Question.id).where(Question.user_id == user_id)
    replies = select(ReplyMessage).where(ReplyMessage.question_id.in_(mine)).order_by(ReplyMessage.id)
    for reply in session.scalars(replies):
        queued += _queue_erasure(tx, POST_DELETE, reply.channel_id, reply.message_ts, reply.thread_ts, now)
    _exec(session, delete(ReplyMessage).where(ReplyMessage.question_id.in_(mine)))
    return queued


def _queue_erasure(tx: Tx, kind: str, channel: str, ts: str, thread: str | None, now: datetime) -> bool:
    """One erasure post (``payload.thread_ts``: the thread root, which Teams needs to address
    a message in a channel thread); False if it was queued before."""
    key = f"{kind}:{channel}:{ts}"
    if len(key) > 200:  # a long Teams activity id: the dedupe key column holds 200
        key = f"{kind}:{channel}:h{hashlib.sha256(ts.encode()).hexdigest()[:40]}"
    return tx.enqueue_post(kind=kind, channel_id=channel, thread_ts=None, payload={"ts": ts, "thread_ts": thread},
                           dedupe_key=key, now=now) is not None


def _loket_post_targets(session: Session, user_id: str, escalation_ids: list[int]) -> list[tuple[str, str, str]]:
    """(channel, ts, what to do) for each of Loket's posts about the person's questions:
    the posts about their escalations, and the root a ``/loket`` command posted (it quotes
    the question; its ts is the question's ``message_ts``)."""
    targets = [(channel, ts, POST_DELETE) for channel, ts, _ in _sent_posts(session, escalation_ids)]
    targets += [(q.channel_id, q.message_ts, POST_DELETE) for q in session.scalars(select(Question).where(
        Question.user_id == user_id, Question.via == VIA_COMMAND, Question.message_ts.is_not(None)))]
    targets += [(e.core_channel_id, e.core_ts, POST_REDACT) for e in session.scalars(
        select(Escalation).where(Escalation.id.in_(escalation_ids), Escalation.core_ts.is_not(None),
                                 Escalation.core_channel_id.is_not(None)))]
    return targets


def _scrub_pending_posts(session: Session, user_id: str) -> int:
    """Pending posts to others that name the person (a notice "claimed by <@U…>", a relay
    by a forgotten core member): their id in the payload becomes the pseudonym."""
    changed = 0
    pending = select(OutboxPost).where(OutboxPost.status == "pending",
                                       cast(OutboxPost.payload, String).contains(user_id, autoescape=True))
    for post in session.scalars(pending):
        post.payload = json.loads(json.dumps(post.payload).replace(user_id, PSEUDONYM))
        changed += 1
    return changed


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
    asked_ids = list(session.scalars(select(Escalation.id).where(Escalation.asker_user_id == user_id)))
    asked = session.scalars(select(Escalation).where(Escalation.id.in_(asked_ids)).order_by(Escalation.id))
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
        "answers_written": [{"number": e.id, "answer": e.answer_text} for e in
                            session.scalars(select(Escalation).where(Escalation.answered_by == user_id)
                                            .order_by(Escalation.id))],
        "pending_posts": [{"id": p.id, "kind": p.kind, "channel_id": p.channel_id, "payload": p.payload} for p in
                          session.scalars(select(OutboxPost).where(OutboxPost.status == "pending", or_(
                              OutboxPost.escalation_id.in_(asked_ids),
                              cast(OutboxPost.payload, String).contains(user_id, autoescape=True))))],
        "loket_posts": _loket_posts(session, asked_ids) + [
            {"channel_id": channel, "ts": ts, "what": "/loket-vraag"} for channel, ts, _ in
            _loket_post_targets(session, user_id, [])] + _reply_messages(session, user_id),
        "audit_log": [e.to_json() for e in audit.entries_of(session, user_id)],
    }


def _loket_posts(session: Session, escalation_ids: list[int]) -> list[dict[str, Any]]:
    """Where Loket posted about the person's questions in Slack (channel and ts: what
    ``chat.delete`` needs): the escalation posts in the core channel and the posts sent
    in their threads."""
    posts = [{"channel_id": e.core_channel_id, "ts": e.core_ts, "what": f"escalatie #{e.id}"} for e in
             session.scalars(select(Escalation).where(Escalation.id.in_(escalation_ids), Escalation.core_ts.is_not(None)))]
    posts += [{"channel_id": channel, "ts": ts, "what": kind} for channel, ts, kind in _sent_posts(session, escalation_ids)]
    return posts


def _reply_messages(session: Session, user_id: str) -> list[dict[str, Any]]:
    """Loket's own replies in the person's conversations (ids only: what erasure deletes)."""
    rows = session.scalars(select(ReplyMessage).join(Question, ReplyMessage.question_id == Question.id)
                           .where(Question.user_id == user_id).order_by(ReplyMessage.id))
    return [{"channel_id": r.channel_id, "ts": r.message_ts, "what": f"antwoord ({r.kind})",
             "question_id": r.question_id} for r in rows]


def _sent_posts(session: Session, escalation_ids: list[int]) -> list[tuple[str, str, str]]:
    """(channel, ts, kind) of outbox posts about these escalations that reached Slack; a
    post to the core thread (channel NULL) went to the escalation's core channel."""
    return [(channel, ts, kind) for channel, ts, kind, _ in _sent_rows(session, escalation_ids)]


def _threads(session: Session, escalation_ids: list[int]) -> dict[tuple[str, str], str | None]:
    """The thread root of each sent post about these escalations, by (channel, ts)."""
    return {(channel, ts): thread for channel, ts, _, thread in _sent_rows(session, escalation_ids)}


def _sent_rows(session: Session, escalation_ids: list[int]) -> list[tuple[str, str, str, str | None]]:
    """(channel, ts, kind, thread root) of the sent posts about these escalations."""
    channel = func.coalesce(OutboxPost.channel_id, Escalation.core_channel_id)
    thread = case((OutboxPost.channel_id.is_(None), Escalation.core_ts), else_=OutboxPost.thread_ts)
    rows = session.execute(select(channel, OutboxPost.sent_ts, OutboxPost.kind, thread)
                           .join(Escalation, OutboxPost.escalation_id == Escalation.id)
                           .where(OutboxPost.escalation_id.in_(escalation_ids), OutboxPost.status == "sent",
                                  OutboxPost.sent_ts.is_not(None), channel.is_not(None))
                           .order_by(OutboxPost.id))
    return [tuple(row) for row in rows]


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
        "verified_answers": _expire_verified(session, cutoff),
        "reply_messages": _exec(session, delete(ReplyMessage).where(ReplyMessage.question_id.in_(
            select(Question.id).where(old_questions.whereclause)))),
        "questions": _exec(session, old_questions),
        "escalations": _exec(session, old_escalations),
        "outbox": _exec(session, (delete(OutboxPost).where(or_(
            OutboxPost.created_at < cutoff,
            (OutboxPost.status != "pending") & (OutboxPost.created_at < settled))))),
        "inbox": _exec(session, (delete(ProcessedEvent).where(or_(
            ProcessedEvent.created_at < cutoff,
            ProcessedEvent.status.in_(("done", "failed")) & (ProcessedEvent.created_at < settled))))),
    }


def _expire_verified(session: Session, cutoff: datetime) -> int:
    """Verified answers of closed escalations older than ``cutoff``: wording kept without
    direct identifiers, link to the escalation (the asker) removed. A running desk takes
    the new wording at its next sync (the old question's vector goes with it)."""
    old = select(VerifiedAnswer).join(Escalation, VerifiedAnswer.escalation_id == Escalation.id).where(
        Escalation.created_at < cutoff, Escalation.status == "closed")
    changed = 0
    for row in session.scalars(old):
        row.question, row.answer = scrub_identifiers(row.question) or "", scrub_identifiers(row.answer) or ""
        row.escalation_id = None
        changed += 1
    return changed


register_hook(PrivacyHook("core", forget=forget, export=export, expire=expire, order=100))
