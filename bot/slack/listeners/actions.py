"""Button listeners: "Dit helpt", "Stel aan kernteam", "Oppakken", "Sluiten", "Opnemen in kennisbank".

Each button is acknowledged at once; the lazy function calls the service and updates
Slack. Refusals (not in the core team, already claimed, nothing to save) are shown only
to the person who clicked, as an ephemeral message. Core-team buttons are wrapped in
:func:`bot.slack.guards.core_only` (refusal + audit row); the service checks again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from slack_bolt import Ack, App

from bot.core.escalations import InvalidTransition
from bot.core.service import Asker, NotAllowed
from bot.slack import action_ids, blocks
from bot.slack.conversation import answer_question
from bot.slack.deps import Deps
from bot.slack.guards import NOT_YOURS, core_only, may_act_for
from bot.slack.relay_edits import take_back

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    """The parts of a ``block_actions`` payload the handlers need."""

    user_id: str
    value: str
    channel_id: str
    message_ts: str | None
    thread_ts: str | None

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> "Click":
        message = body.get("message") or {}
        container = body.get("container") or {}
        return cls(
            user_id=body["user"]["id"],
            value=str(body["actions"][0].get("value") or ""),
            channel_id=(body.get("channel") or {}).get("id") or container.get("channel_id"),
            message_ts=message.get("ts") or container.get("message_ts"),
            thread_ts=message.get("thread_ts") or container.get("thread_ts"),
        )

    @property
    def number(self) -> int:
        return int(self.value)

    def tell(self, deps: Deps, text: str) -> None:
        """An ephemeral note to the clicker, in the thread of the button."""
        deps.delivery.ephemeral(self.channel_id, self.user_id, text, thread_ts=self.thread_ts)


# -- logic ---------------------------------------------------------------------------------
def asker_only(handler: Callable[[Deps, Click], None]) -> Callable[[Deps, Click], None]:
    """Buttons under an answer act for the asker (or the core team); others are told privately."""
    def guarded(deps: Deps, click: Click) -> None:
        if not may_act_for(deps, click.user_id, deps.service.asker_of(click.number)):
            log.info("button of question %s refused for %s (not the asker)", click.number, click.user_id)
            click.tell(deps, NOT_YOURS)
            return
        handler(deps, click)

    return guarded


@asker_only
def on_helpful(deps: Deps, click: Click) -> None:
    deps.service.feedback(click.number, user_id=click.user_id, helpful=True)
    click.tell(deps, blocks.thanks_for_feedback(True))


@asker_only
def on_escalate(deps: Deps, click: Click) -> None:
    """The asker wants the core team: open (or find) the escalation and post it."""
    esc = deps.service.escalate(click.number, by_user=click.user_id)
    if esc.posted:
        click.tell(deps, blocks.already_escalated_notice(esc.number)["text"])
        return
    deps.delivery.notify_escalated(esc)
    deps.delivery.post_escalation(esc)


def _number(click: "Click") -> int:
    return click.number


def _is_asker(deps: Deps, click: "Click") -> bool:
    """The asker may close their own question."""
    try:
        return deps.service.escalation(click.number).asker_user_id == click.user_id
    except (KeyError, ValueError):
        return False


@core_only("escalation.claim", object_id=_number)
def on_claim(deps: Deps, click: Click) -> None:
    view = deps.service.claim(click.number, user_id=click.user_id)
    deps.delivery.refresh_escalation_post(view)
    deps.delivery.deliver_outbox()


@core_only("escalation.close", object_id=_number, also_allowed=_is_asker)
def on_close(deps: Deps, click: Click) -> None:
    view = deps.service.close(click.number, user_id=click.user_id)
    deps.delivery.refresh_escalation_post(view)
    deps.delivery.deliver_outbox()


@core_only("verified.save", object_id=_number)
def on_save_verified(deps: Deps, click: Click) -> None:
    """Keep the core team's answer as a verified answer; searchable at once."""
    deps.service.save_verified(click.number, user_id=click.user_id)
    message = blocks.saved_notice(click.number, click.user_id)
    try:
        deps.delivery.client.chat_update(channel=click.channel_id, ts=click.message_ts, **message)
    except Exception as e:  # noqa: BLE001 - saved anyway; say so privately
        log.info("saved-notice update failed: %s", type(e).__name__)
        click.tell(deps, message["text"])


@asker_only
def on_new_question(deps: Deps, click: Click) -> None:
    """"Nieuwe vraag" under a DM follow-up notice: ask that message on its own."""
    with deps.service.store.tx() as tx:
        q = tx.question(click.number)
        asker = Asker(user_id=q.user_id, channel_id=q.channel_id, thread_ts=q.thread_ts, message_ts=q.message_ts,
                      via=q.via)
        text = q.text
    if click.message_ts:
        try:  # the offer has served
            deps.delivery.client.chat_update(channel=click.channel_id, ts=click.message_ts,
                                             **blocks.ephemeral("Ik behandel dit als een nieuwe vraag."))
        except Exception as e:  # noqa: BLE001 - cosmetic
            log.info("follow-up notice not updated: %s", type(e).__name__)
    answer_question(deps, asker, text, fresh=True)


def _take_back_number(click: "Click") -> int:
    return int(click.value.partition(":")[0])


@core_only("escalation.answer_withdraw", object_id=_take_back_number)
def on_take_back(deps: Deps, click: Click) -> None:
    """"Terugnemen" under a relay notice: remove that reply at the asker's."""
    number, _, reply_ts = click.value.partition(":")
    notice = (click.channel_id, click.message_ts) if click.message_ts else None
    if not take_back(deps, int(number), reply_ts, user_id=click.user_id, notice=notice):
        click.tell(deps, "Dat antwoord is al teruggenomen.")


HANDLERS: dict[str, Callable[[Deps, Click], None]] = {
    action_ids.HELPFUL: on_helpful,
    action_ids.ESCALATE: on_escalate,
    action_ids.CLAIM: on_claim,
    action_ids.CLOSE: on_close,
    action_ids.SAVE_VERIFIED: on_save_verified,
    action_ids.TAKE_BACK: on_take_back,
    action_ids.NEW_QUESTION: on_new_question,
}


def run_action(deps: Deps, body: dict[str, Any]) -> None:
    """Dispatch one click to its handler; turn refusals into a private note."""
    action_id = body["actions"][0]["action_id"]
    click = Click.from_body(body)
    try:
        HANDLERS[action_id](deps, click)
    except (NotAllowed, InvalidTransition) as e:
        click.tell(deps, str(e))
    except (KeyError, ValueError):
        log.warning("action %s with unknown value from %s", action_id, click.user_id)
        click.tell(deps, "Dat gesprek ken ik niet (meer).")
    except Exception:
        log.exception("action %s by %s failed", action_id, click.user_id)
        click.tell(deps, blocks.error_message()["text"])


# -- registration --------------------------------------------------------------------------
def _ack(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    """Attach one listener per action id; all share ``run_action``."""

    def handle_action(body: dict) -> None:
        run_action(deps, body)

    for action_id in HANDLERS:
        app.action(action_id)(ack=_ack, lazy=[handle_action])
