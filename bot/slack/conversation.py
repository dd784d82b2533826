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
"""
from __future__ import annotations

import logging
import re

from bot.core.service import VIA_DM, Asker, Outcome
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.deps import Deps
from bot.slack.escaping import slack_to_plain

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


def render_outcome(outcome: Outcome) -> Message:
    """What the asker sees for an outcome (pure: no Slack calls)."""
    if outcome.followup_of is not None:
        return blocks.followup_forwarded_notice(outcome.followup_of.number)
    if outcome.escalation is not None:
        return blocks.escalated_notice(outcome.escalation.number)
    answer = outcome.answer
    if answer is None:
        return blocks.error_message()
    if answer.answered or blocks.is_smalltalk(answer):
        return blocks.answer_message(answer, outcome.question_id)
    return blocks.not_answered_message(answer, outcome.question_id)


def answer_question(deps: Deps, asker: Asker, text: str) -> None:
    """Answer ``text`` from ``asker`` in Slack (see module docstring)."""
    thread = reply_thread(asker)
    placeholder = deps.delivery.post(asker.channel_id, thread, blocks.searching())
    try:
        outcome = deps.service.handle_question(asker, text)
    except Exception:
        log.exception("question from %s in %s failed (chars=%d)", asker.user_id, asker.channel_id, len(text))
        deps.delivery.replace(asker.channel_id, thread, placeholder, blocks.error_message())
        return
    message = render_outcome(outcome)
    if deps.delivery.replace(asker.channel_id, thread, placeholder, message) is None:
        deps.delivery.queue_reply(asker.channel_id, thread, message, key=f"slack-reply:{outcome.question_id}")
    if outcome.escalation is not None:
        deps.delivery.post_escalation(outcome.escalation)
    if outcome.followup_of is not None:
        deps.delivery.deliver_outbox()
