"""The ``/loket`` slash command: help, or a question answered in a thread.

``/loket`` and ``/loket help`` show the help (as the acknowledgement itself, only to the
user). ``/loket <vraag>`` is acknowledged at once with "Even zoeken…"; the lazy function
then posts the question visibly in the channel and answers in its thread, so the
conversation (follow-ups, escalation) works as for an @mention. Where Loket cannot post
(not a member of the channel, a DM between people) the conversation moves to the DM with
Loket.
"""
from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.core.service import VIA_COMMAND, Asker
from bot.core import subcommands
from bot.slack import action_ids, blocks
from bot.slack.block_kit import Message
from bot.slack.conversation import answer_question, question_text
from bot.slack.deps import Deps
from bot.core.delivery.inbox import Kind, current_work, register_kind
from bot.slack.responses import remove_acknowledgement, respond

log = logging.getLogger(__name__)

HELP_WORDS = frozenset({"", "help", "hulp", "?", "-h", "--help"})
QUESTION_WORDS = frozenset({"vraag", "ask"})  # optional explicit prefix: /loket vraag <tekst>


def parse(text: str) -> tuple[str, str]:
    """Split the command text into ``(kind, argument)``.

    ``("help", "")``, ``("question", text)`` or ``("unknown", word)``. A single word that
    looks like an option or sub-command (no question mark, no spaces) is not taken as a
    question: ``/loket status`` gets a clear message instead of a useless search.
    """
    text = " ".join((text or "").split())
    first, _, rest = text.partition(" ")
    if first.lower() in HELP_WORDS and not rest:
        return "help", ""
    if first.lower() in QUESTION_WORDS and rest:
        return "question", rest
    if not rest and (first.startswith("-") or (first.isalpha() and first.isascii() and len(first) <= 12)):
        return "unknown", first
    return "question", text


def acknowledgement(text: str) -> Message:
    """The immediate (ephemeral) response to ``/loket …``."""
    kind, arg = parse(text)
    if kind == "help":
        return blocks.help_message()
    if kind == "unknown":
        return blocks.unknown_command(arg)
    return blocks.searching()


def on_command(deps: Deps, command: dict[str, Any]) -> None:
    """Answer ``/loket <vraag>`` in a thread (see module docstring)."""
    kind, text = parse(command.get("text") or "")
    if kind != "question":
        return
    user = command["user_id"]
    question = question_text(text, None)
    work = current_work()
    root = deps.delivery.post_root(command["channel_id"], user, blocks.command_root(user, question),
                                   key=f"{work.key}:root" if work else None, verify=bool(work and work.verify))
    if root is None:
        log.error("/loket by %s: could not post anywhere", user)
        respond(command, blocks.error_message())
        return
    channel, ts = root
    if channel != command["channel_id"]:  # Loket is not in that channel: say where the answer is
        respond(command, blocks.moved_to_dm_notice())
    else:  # the question is visible in the channel now: "Even zoeken…" has served
        remove_acknowledgement(command)
    asker = Asker(user_id=user, channel_id=channel, thread_ts=None, message_ts=ts, via=VIA_COMMAND)
    answer_question(deps, asker, question)


def is_question_command(body: dict[str, Any]) -> bool:
    """``/loket <vraag>`` is stored in the inbox before it is acknowledged (kind ``command``)."""
    return (body.get("command") == action_ids.COMMAND and parse(body.get("text") or "")[0] == "question"
            and not subcommands.handles(body.get("text")))  # /loket plan|overzicht|signalen: monitoring


def redeliver(deps: Deps, payload: dict[str, Any]) -> None:
    on_command(deps, payload["body"])


register_kind(Kind("command", is_question_command, redeliver))


def register(app: App, deps: Deps) -> None:
    """Attach the ``/loket`` command."""

    def ack_command(ack: Ack, command: dict) -> None:
        ack(**acknowledgement(command.get("text") or ""))

    def handle_command(body: dict, command: dict) -> None:
        deps.process(body, lambda: on_command(deps, command))

    app.command(action_ids.COMMAND)(ack=ack_command, lazy=[handle_command])
