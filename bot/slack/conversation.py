"""Answering a question in Slack: placeholder, service call, answer or escalation.

One function for every way to ask (DM, @mention, thread follow-up, ``/loket``) so the
behaviour is the same everywhere:

1. post "Even zoeken…" where the answer will go, so the asker sees Loket is working;
2. let the service store and answer (or escalate) the question;
3. replace the placeholder with the answer (or the "sent to the core team as #N" notice);
4. post a new escalation to the core channel, or deliver a follow-up to its core thread.

The asker always gets a reply, also when the core post fails (it is retried later); a
reply Slack refuses even after the client's retries goes to the outbox and is retried
with backoff.

Run as inbox work (see :mod:`bot.slack.inbox`), the flow is idempotent: the question is
stored under the request's key, the placeholder and a replacement post carry that key
(at-most-once, see :mod:`bot.slack.posting`), so processing the same request again after
a crash finds what the first attempt did instead of doing it twice. When the database is
unreachable the asker is told and the request is tried again later.
"""
from __future__ import annotations

import logging
import re
import time

from bot.core.service import VIA_DM, Asker, Outcome
from bot.slack import blocks, metrics
from bot.slack.block_kit import Message
from bot.slack.deps import Deps
from bot.slack.escaping import slack_to_plain
from bot.slack.inbox import OUTAGE_TEXT
from bot.core.delivery.inbox import RetryLater, current_work
from bot.core.delivery.outbox import reply_post_key
from bot.store.errors import is_transient

log = logging.getLogger(__name__)


def question_text(slack_text: str | None, bot_user_id: str | None) -> str:
    """The plain question: Slack markup resolved, the @Loket mention itself removed."""
    text = slack_text or ""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return " ".join(slack_to_plain(text).split())


def reply_thread(asker: Asker) -> str | None:
    """Where Loket answers: the question's thread; in a DM, the DM itself."""
    if asker.via == VIA_DM and not asker.thread_ts:
        return None
    return asker.conversation_ts


def render_outcome(outcome: Outcome, *, in_dm: bool = False) -> Message:
    """What the asker sees for an outcome (pure: no Slack calls); ``in_dm``: at the top level
    of the DM with Loket (no thread)."""
    if outcome.followup_of is not None:
        return blocks.followup_forwarded_notice(outcome.followup_of.number, question_id=outcome.question_id,
                                                in_dm=in_dm)
    if outcome.escalation is not None:
        return blocks.escalated_notice(outcome.escalation.number, in_dm=in_dm)
    answer = outcome.answer
    if answer is None:
        return blocks.error_message()
    if answer.answered or blocks.is_smalltalk(answer):
        return blocks.answer_message(answer, outcome.question_id)
    return blocks.not_answered_message(answer, outcome.question_id)


def outcome_label(outcome: Outcome) -> str:
    """The outcome as a metrics label."""
    if outcome.followup_of is not None:
        return metrics.OUTCOME_FOLLOWUP
    if outcome.escalation is not None:
        return metrics.OUTCOME_ESCALATED
    if outcome.answer is not None and blocks.is_smalltalk(outcome.answer):
        return metrics.OUTCOME_SMALLTALK
    if outcome.answer is not None and outcome.answer.answered:
        return metrics.OUTCOME_ANSWERED
    return metrics.OUTCOME_NOT_ANSWERED


def answer_question(deps: Deps, asker: Asker, text: str, *, fresh: bool = False) -> None:
    """Answer ``text`` from ``asker`` in Slack (see module docstring); ``fresh``: never as a
    follow-up of an open escalation ("Nieuwe vraag")."""
    started = time.monotonic()
    work = current_work()
    key, verify = (work.key, work.verify) if work else (None, False)
    since = work.received_at if work else None
    thread = reply_thread(asker)
    placeholder = deps.delivery.post(asker.channel_id, thread, blocks.searching(),
                                     key=f"{key}:placeholder" if key else None, verify=verify, since=since)
    try:
        outcome = deps.service.handle_question(asker, text, source_key=key, fresh=fresh, dm_followups=True)
    except Exception as e:
        if key and is_transient(e):
            log.warning("question from %s in %s: database unavailable (%s); retried later",
                        asker.user_id, asker.channel_id, type(e).__name__)
            deps.delivery.replace(asker.channel_id, thread, placeholder, blocks.ephemeral(OUTAGE_TEXT))
            _count(deps, asker, metrics.OUTCOME_ERROR, started)
            raise RetryLater() from e
        log.exception("question from %s in %s failed (chars=%d)", asker.user_id, asker.channel_id, len(text))
        deps.delivery.replace(asker.channel_id, thread, placeholder, blocks.error_message())
        _count(deps, asker, metrics.OUTCOME_ERROR, started)
        return
    message = render_outcome(outcome, in_dm=asker.via == VIA_DM and thread is None)
    reply_key = f"{key}:reply" if key else None
    reply_ts = deps.delivery.replace(asker.channel_id, thread, placeholder, message, key=reply_key, verify=verify)
    if reply_ts is None:
        deps.delivery.queue_reply(asker.channel_id, thread, message, key=reply_post_key(outcome.question_id),
                                  question_id=outcome.question_id, reply_kind=outcome.reply_kind)
    else:  # for erasure (a crash before this line loses the id; the message then stays)
        deps.service.record_reply(outcome.question_id, channel_id=asker.channel_id, message_ts=reply_ts,
                                  thread_ts=thread, kind=outcome.reply_kind)
    _count(deps, asker, outcome_label(outcome), started)
    if outcome.escalation is not None:
        deps.delivery.post_escalation(outcome.escalation, wait=False)
    if outcome.followup_of is not None:
        deps.delivery.deliver_outbox()


def _count(deps: Deps, asker: Asker, outcome: str, started: float) -> None:
    if deps.metrics is not None:
        deps.metrics.question(asker.via, outcome, time.monotonic() - started)
