"""Events API listeners: @mentions, DMs, thread messages, App Home, core-channel membership.

Every listener acknowledges at once (Bolt acks events itself) and does the work in a lazy
function. The plain ``on_*`` functions below hold the logic and take ``Deps`` plus the
request body, so they can be tested without Bolt.

Events that may be questions (mentions, DMs, thread replies) are stored in the inbox
before the acknowledgement (kind ``event``, see :mod:`bot.slack.inbox`); the lazy
functions process them through ``deps.process`` and the background loop processes them
again with :func:`redeliver` if a crash left them unfinished.

Message routing (``message.*`` events):

* in the core channel, a reply in an escalation's thread: relay it (core members only);
* in a DM with Loket: a question (or a follow-up, when written in a thread);
* in another channel, a reply in a thread where this user asked Loket before: a
  follow-up (to the core team if that conversation was escalated);
* anything else (chatter, edits, joins, bots, messages that @mention Loket, which the
  ``app_mention`` listener answers): ignored.
"""
from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.core.escalations import InvalidTransition
from bot.core.service import REORDER_DELAY, VIA_DM, VIA_MENTION, Asker
from bot.slack import blocks
from bot.slack.conversation import answer_question, question_text
from bot.slack.deps import Deps
from bot.slack.guards import NOT_RELAYED
from bot.core.delivery.inbox import Kind, register_kind
from bot.slack.relay_edits import is_internal, on_core_correction, tell_files_not_relayed

log = logging.getLogger(__name__)

# Message subtypes that are new user messages; all others (edits, deletes, joins, bot
# messages, channel topic changes …) are ignored.
USER_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
CORRECTIONS = frozenset({"message_changed", "message_deleted"})


def is_user_message(event: dict[str, Any]) -> bool:
    """A new message typed by a person (not an edit, join, or any bot's message), with the
    fields Loket needs (a malformed payload is ignored, not crashed on)."""
    return (
        event.get("subtype") in USER_SUBTYPES
        and not event.get("bot_id")
        and all(isinstance(event.get(k), str) and event.get(k) for k in ("user", "channel", "ts"))
        and isinstance(event.get("text"), str)
        and bool(event["text"].strip())
        and isinstance(event.get("thread_ts") or "", str)
    )


def mentions(event: dict[str, Any], user_id: str | None) -> bool:
    return bool(user_id) and f"<@{user_id}" in (event.get("text") or "")


# -- logic ---------------------------------------------------------------------------------
def on_app_mention(deps: Deps, body: dict[str, Any], bot_user_id: str | None) -> None:
    """@Loket in a channel: answer in the thread of the mention."""
    event = body["event"]
    if not is_user_message(event):
        return
    channel, thread_ts = event["channel"], event.get("thread_ts")
    if channel == deps.core_channel and thread_ts and deps.service.escalation_for_core_thread(channel, thread_ts):
        return  # a core reply that happens to mention Loket: the message listener relays it
    if not deps.claim_event(body):
        return
    asker = Asker(user_id=event["user"], channel_id=channel, thread_ts=thread_ts, message_ts=event["ts"], via=VIA_MENTION)
    answer_question(deps, asker, question_text(event.get("text"), bot_user_id))


def on_message(deps: Deps, body: dict[str, Any], bot_user_id: str | None) -> None:
    """Route a ``message.*`` event (see module docstring)."""
    event = body["event"]
    if event.get("channel") == deps.core_channel and deps.core_channel:
        if event.get("subtype") in CORRECTIONS:
            on_core_correction(deps, event)  # a relayed reply edited or deleted
            return
        if _file_only(event):
            if deps.service.escalation_for_core_thread(event["channel"], event["thread_ts"]) and deps.claim_event(body):
                tell_files_not_relayed(deps, event, text_relayed=False)
            return
    if not is_user_message(event):
        return
    channel, thread_ts = event["channel"], event.get("thread_ts")
    is_reply = bool(thread_ts) and thread_ts != event.get("ts")
    if channel == deps.core_channel:
        if is_reply:
            on_core_thread_reply(deps, body)
        return
    if event.get("channel_type") == "im":
        if deps.claim_event(body):
            asker = Asker(user_id=event["user"], channel_id=channel, thread_ts=thread_ts, message_ts=event["ts"], via=VIA_DM)
            answer_question(deps, asker, question_text(event.get("text"), bot_user_id))
        return
    if is_reply and not mentions(event, bot_user_id) and _asked_here_before(deps, event):
        if deps.claim_event(body):
            asker = Asker(user_id=event["user"], channel_id=channel, thread_ts=thread_ts, message_ts=event["ts"], via=VIA_MENTION)
            answer_question(deps, asker, question_text(event.get("text"), bot_user_id))


def _asked_here_before(deps: Deps, event: dict[str, Any]) -> bool:
    """True if this thread is a Loket conversation started by the same user."""
    return deps.service.conversation_asker(event["channel"], event["thread_ts"]) == event.get("user")


def on_core_thread_reply(deps: Deps, body: dict[str, Any]) -> None:
    """A message in an escalation's core thread: relay it to the asker if a core member wrote it."""
    event = body["event"]
    esc = deps.delivery.escalation_for_core_thread(event["channel"], event["thread_ts"])  # also an unrecorded post
    if esc is None:
        return
    text = event.get("text") or ""
    if is_internal(text):
        log.info("escalation #%d: internal note by %s, not relayed", esc.number, event["user"])
        return
    if not deps.claim_event(body):
        return
    try:
        view = deps.service.record_core_reply(esc.number, user_id=event["user"], text=text, message_ts=event["ts"])
    except InvalidTransition as e:
        deps.delivery.ephemeral(event["channel"], event["user"], str(e), thread_ts=event["thread_ts"])
        return
    if view is None:
        log.info("escalation #%d: reply by %s (not core team) not relayed", esc.number, event["user"])
        deps.delivery.ephemeral(event["channel"], event["user"], NOT_RELAYED, thread_ts=event["thread_ts"])
        return
    deps.delivery.deliver_outbox()
    deps.delivery.deliver_outbox_after(REORDER_DELAY.total_seconds() + 0.1)  # the relay waits to keep order
    deps.delivery.refresh_escalation_post(view)
    tell_files_not_relayed(deps, event, text_relayed=True)


def _file_only(event: dict[str, Any]) -> bool:
    """A thread reply with files and no text (it has nothing to relay)."""
    return (event.get("subtype") == "file_share" and bool(event.get("files")) and bool(event.get("thread_ts"))
            and not (event.get("text") or "").strip() and not event.get("bot_id"))


def on_app_home_opened(deps: Deps, event: dict[str, Any], client) -> None:
    """Show the App Home tab (how to ask, what Loket does)."""
    if event.get("tab", "home") != "home":
        return
    try:
        client.views_publish(user_id=event["user"], view=blocks.home_view())
    except Exception as e:  # noqa: BLE001
        log.info("views.publish for %s failed: %s", event.get("user"), type(e).__name__)


def on_membership_change(deps: Deps, event: dict[str, Any]) -> None:
    """Someone joined or left the core channel: forget the cached member list."""
    if event.get("channel") == deps.core_channel:
        deps.core_team.invalidate()


# -- the inbox ----------------------------------------------------------------------------
def may_be_question(body: dict[str, Any]) -> bool:
    """Events worth storing before the acknowledgement: a person's @mention, DM or thread
    reply (a possible question, follow-up or core reply). Top-level channel chatter is not."""
    event = body.get("event") or {}
    if body.get("type") != "event_callback" or not is_user_message(event):
        return False
    if event.get("type") == "app_mention":
        return True
    return event.get("type") == "message" and (event.get("channel_type") == "im" or bool(event.get("thread_ts")))


def redeliver(deps: Deps, payload: dict[str, Any]) -> None:
    """Process a stored event again (the inbox's handler for kind ``event``)."""
    body, bot_user_id = payload["body"], payload.get("bot_user_id")
    if body["event"].get("type") == "app_mention":
        on_app_mention(deps, body, bot_user_id)
    else:
        on_message(deps, body, bot_user_id)


register_kind(Kind("event", may_be_question, redeliver))


# -- registration --------------------------------------------------------------------------
def _ack() -> None:
    """Events are acknowledged by Bolt itself; the work happens in the lazy function."""


def register(app: App, deps: Deps) -> None:
    """Attach the event listeners to ``app``."""

    def handle_app_mention(body: dict, context: BoltContext) -> None:
        deps.process(body, lambda: on_app_mention(deps, body, context.bot_user_id))

    def handle_message(body: dict, context: BoltContext) -> None:
        deps.process(body, lambda: on_message(deps, body, context.bot_user_id))

    def handle_app_home_opened(event: dict, client) -> None:
        on_app_home_opened(deps, event, client)

    def handle_membership_change(event: dict) -> None:
        on_membership_change(deps, event)

    app.event("app_mention")(ack=_ack, lazy=[handle_app_mention])
    app.event("message")(ack=_ack, lazy=[handle_message])
    app.event("app_home_opened")(ack=_ack, lazy=[handle_app_home_opened])
    app.event("member_joined_channel")(ack=_ack, lazy=[handle_membership_change])
    app.event("member_left_channel")(ack=_ack, lazy=[handle_membership_change])
