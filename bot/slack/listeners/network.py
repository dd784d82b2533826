"""Network listeners: ``/deskundige``, ``/loket deskundige|bericht|les|ondersteuning``, the
forms behind them, "Doorverwijzen" and "Vraag ondersteuning".

* ``/deskundige <onderwerp>`` (or ``/loket deskundige …``): the best-matching available
  experts, only to the asker;
* ``/loket bericht [tekst]`` (core team): a form; the announcement is stored, posted in
  ``LOKET_UPDATES_CHANNEL`` and searchable;
* ``/loket les`` (core team): a lesson learned from a province, stored and searchable;
* ``/loket ondersteuning [wat]`` and "Vraag ondersteuning" under an answer: a request for
  practical support, which goes to the core team as an escalation of kind "ondersteuning";
* "Doorverwijzen" next to an expert suggested in an escalation's core thread (core team):
  the referral is recorded and asker and expert are introduced.

Registered before the monitoring and question listeners (Bolt runs the first listener that
matches), so these ``/loket`` words never become questions.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from slack_bolt import Ack, App

from bot.core.monitoring import taxonomy as tx_
from bot.core.escalations import InvalidTransition
from bot.core.network.intent import expert_topic
from bot.core.network.items import InvalidItem
from bot.core.network.referrals import UnknownExpert
from bot.core.network.support import parse_needed_by
from bot.core.service import VIA_COMMAND, Asker, NotAllowed
from bot.core.views import REPLY_NOTE
from bot.settings import Settings
from bot.slack import action_ids
from bot.slack import blocks_network as bn
from bot.slack.blocks import ephemeral, error_message, searching
from bot.slack.deps import Deps
from bot.slack.forms import Forms
from bot.slack.guards import NOT_YOURS, REFUSAL, Actor, core_only, may_act_for, refuse
from bot.slack.network import UNAVAILABLE, NetworkSlack
from bot.core.subcommands import network_word

log = logging.getLogger(__name__)

FORM_FAILED = "Het formulier kon niet worden geopend. Probeer het nog eens."
FORM_WORDS = frozenset({"bericht", "les", "ondersteuning"})  # /loket words that open a form


# -- commands ------------------------------------------------------------------------------------
def on_experts(net: NetworkSlack, command: dict[str, Any], topic: str) -> None:
    """The experts for ``topic``, privately."""
    topic = expert_topic(topic) or topic  # "/deskundige wie weet iets van flexwonen" works too
    matches = net.network.finder.match(topic, k=3) if topic.strip() else []
    net.reply(command, bn.expert_list(topic, matches))  # replaces "Even zoeken…"


def on_announce(net: NetworkSlack, command: dict[str, Any], text: str) -> None:
    if _refused(net, command, "knowledge.announce"):
        return
    if not net.open_view(command.get("trigger_id"), bn.announce_modal(text, channel_id=command.get("channel_id"))):
        net.reply(command, ephemeral(FORM_FAILED))


def on_lesson(net: NetworkSlack, command: dict[str, Any], _text: str) -> None:
    if _refused(net, command, "knowledge.lesson"):
        return
    if not net.open_view(command.get("trigger_id"), bn.lesson_modal(channel_id=command.get("channel_id"))):
        net.reply(command, ephemeral(FORM_FAILED))


def on_support(net: NetworkSlack, command: dict[str, Any], text: str) -> None:
    view = bn.support_modal(what=text, channel_id=command.get("channel_id"))
    if not net.open_view(command.get("trigger_id"), view):
        net.reply(command, ephemeral(FORM_FAILED))


def _refused(net: NetworkSlack, command: dict[str, Any], action: str) -> bool:
    if net.is_core(command.get("user_id")):
        return False
    refuse(net.deps, Actor(command.get("user_id"), None), action)  # audited; told below, where they typed it
    net.reply(command, ephemeral(REFUSAL))
    return True


HANDLERS: dict[str, Callable[[NetworkSlack, dict[str, Any], str], None]] = {
    "deskundige": on_experts, "deskundigen": on_experts, "bericht": on_announce, "les": on_lesson,
    "ondersteuning": on_support,
}


def acknowledgement(command: dict[str, Any]) -> dict[str, Any] | None:
    """What the acknowledgement itself says (only ``/deskundige`` without a topic: the usage)."""
    word, topic = network_word(command.get("text") or "") or ("", "")
    if command.get("command") == action_ids.EXPERT_COMMAND:
        word, topic = "deskundige", command.get("text") or ""
    if word in ("deskundige", "deskundigen"):
        return dict(bn.expert_list(topic, [])) if not topic.strip() else dict(searching())
    return None


def on_command(net: NetworkSlack, command: dict[str, Any]) -> None:
    if command.get("command") == action_ids.EXPERT_COMMAND:
        word, argument = "deskundige", " ".join((command.get("text") or "").split())
    else:
        word, argument = network_word(command.get("text") or "") or ("", "")
    if word in ("deskundige", "deskundigen") and not argument:
        return  # the acknowledgement showed the usage
    if net.network is None:
        net.reply(command, ephemeral(UNAVAILABLE))
        return
    try:
        HANDLERS[word](net, command, argument)
    except Exception:
        log.exception("/loket %s by %s failed", word, command.get("user_id"))
        net.reply(command, error_message())


# -- forms -----------------------------------------------------------------------------------------
ITEM_FIELDS = ("title", "text", "province", "theme")
SUPPORT_FIELDS = ("what", "province", "needed_by")


def check_item_form(view: dict[str, Any]) -> dict[str, str] | None:
    """Field errors of an announcement or lesson form (None: fine)."""
    values = bn.form_values(view, ITEM_FIELDS)
    errors = {}
    if not (values["title"] or "").strip():
        errors["title"] = "Geef een titel."
    if not (values["text"] or "").strip():
        errors["text"] = "Schrijf de tekst."
    elif len(values["text"]) > bn.FORM_TEXT_MAX:
        errors["text"] = f"Maximaal {bn.FORM_TEXT_MAX} tekens."
    return errors or None


def check_support_form(view: dict[str, Any], today) -> dict[str, str] | None:
    values = bn.form_values(view, SUPPORT_FIELDS)
    errors = {}
    if not (values["what"] or "").strip():
        errors["what"] = "Beschrijf waarmee je ondersteuning wilt."
    try:
        tx_.parse_region(values["province"] or "")
    except tx_.UnknownValue as e:
        errors["province"] = str(e)
    try:
        parse_needed_by(values["needed_by"], today)
    except InvalidItem as e:
        errors["needed_by"] = str(e)
    return errors or None


def on_item_submitted(net: NetworkSlack, body: dict[str, Any]) -> None:
    """Store the announcement or lesson, post it in the updates channel, tell the author."""
    view, user = body["view"], body["user"]["id"]
    if check_item_form(view) or net.network is None:
        return
    values, channel = bn.form_values(view, ITEM_FIELDS), bn.form_metadata(view).get("channel_id")
    items = net.network.items
    try:
        if view.get("callback_id") == action_ids.LESSON_MODAL:
            item = items.add_lesson(user, title=values["title"], text=values["text"], province=values["province"] or "",
                                    theme=values["theme"] or "")
        else:
            item = items.add_announcement(user, title=values["title"], text=values["text"])
    except (NotAllowed, InvalidItem) as e:
        net.tell(channel, user, str(e))
        return
    posted = net.publish(item)
    net.tell(channel, user, bn.item_saved_notice(item, posted))


def on_support_submitted(net: NetworkSlack, body: dict[str, Any]) -> None:
    """Open the support request: its conversation, the escalation, the post to the core team."""
    view, user = body["view"], body["user"]["id"]
    if check_support_form(view, net.deps.service.clock().date()) or net.network is None:
        return
    values, meta = bn.form_values(view, SUPPORT_FIELDS), bn.form_metadata(view)
    asker = _support_asker(net, user, meta, values)
    if asker is None:
        log.error("support request by %s: could not post anywhere", user)
        return
    try:
        esc = net.network.support.open(asker, what=values["what"], province=values["province"],
                                       needed_by=values["needed_by"])
    except InvalidItem as e:
        net.tell(meta.get("channel_id"), user, str(e))
        return
    delivery = net.deps.delivery
    ts = delivery.post(asker.channel_id, asker.conversation_ts, bn.support_opened_notice(esc.number))
    net.deps.service.record_reply(esc.question_id, channel_id=asker.channel_id, message_ts=ts,
                                  thread_ts=asker.conversation_ts, kind=REPLY_NOTE)  # for erasure
    delivery.post_escalation(esc, wait=False)


def _support_asker(net: NetworkSlack, user: str, meta: dict[str, Any], values: dict[str, Any]) -> Asker | None:
    """Where the request lives: the thread of the answer it came from, or a new message in the channel."""
    if meta.get("thread_ts") and meta.get("channel_id"):
        return Asker(user_id=user, channel_id=meta["channel_id"], thread_ts=meta["thread_ts"], via=VIA_COMMAND)
    province = tx_.parse_region(values["province"])
    due = parse_needed_by(values["needed_by"], net.deps.service.clock().date())
    root = net.deps.delivery.post_root(meta.get("channel_id") or user, user,
                                       bn.support_root(user, values["what"], province, due))
    if root is None:
        return None
    return Asker(user_id=user, channel_id=root[0], message_ts=root[1], via=VIA_COMMAND)


# -- buttons ---------------------------------------------------------------------------------------
def _refer_number(body: dict[str, Any]) -> int:
    return bn.parse_refer_value(body["actions"][0].get("value") or "")[0]


@core_only("escalation.refer", object_id=_refer_number)
def on_refer(deps: Deps, body: dict[str, Any], net: NetworkSlack) -> None:
    """"Doorverwijzen": record the referral and introduce asker and expert."""
    number, expert_id = bn.parse_refer_value(body["actions"][0].get("value") or "")
    ref = net.network.referrals.refer(number, expert_id, user_id=body["user"]["id"])
    if not ref.new:
        actor = Actor.of(body)
        net.tell(actor.channel_id, body["user"]["id"], f"#{number} is al doorverwezen naar {ref.expert.name}.",
                 actor.thread_ts)
        return
    net.introduce(ref)


def on_support_button(deps: Deps, body: dict[str, Any], net: NetworkSlack) -> None:
    """"Vraag ondersteuning" under an answer: the form, for the conversation of that answer."""
    question_id = int(body["actions"][0].get("value") or 0)
    with deps.service.store.tx() as tx:
        question = tx.question(question_id)
        channel, thread, asker = question.channel_id, question.conversation_ts, question.user_id
    if not may_act_for(deps, body["user"]["id"], asker):
        actor = Actor.of(body)
        net.tell(actor.channel_id, body["user"]["id"], NOT_YOURS, actor.thread_ts)
        return
    view = bn.support_modal(channel_id=channel, thread_ts=thread, question_id=question_id)
    if not net.open_view(body.get("trigger_id"), view):
        actor = Actor.of(body)
        net.tell(actor.channel_id, body["user"]["id"], FORM_FAILED, actor.thread_ts)


def run_action(net: NetworkSlack, handler, body: dict[str, Any]) -> None:
    """Run a button handler; refusals and mistakes become a private note."""
    actor = Actor.of(body)
    user = body["user"]["id"]
    if net.network is None:
        net.tell(actor.channel_id, user, UNAVAILABLE, actor.thread_ts)
        return
    try:
        handler(net.deps, body, net)
    except (NotAllowed, InvalidTransition, UnknownExpert) as e:
        net.tell(actor.channel_id, user, str(e), actor.thread_ts)
    except (KeyError, ValueError):
        net.tell(actor.channel_id, user, "Dat gesprek ken ik niet (meer).", actor.thread_ts)
    except Exception:
        log.exception("network action by %s failed", user)
        net.tell(actor.channel_id, user, error_message()["text"], actor.thread_ts)


# -- registration ----------------------------------------------------------------------------------
def _ack(ack: Ack) -> None:
    ack()


def _ack_form(ack: Ack, errors: dict[str, str] | None) -> None:
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def register(app: App, deps: Deps, settings: Settings) -> NetworkSlack:
    """Attach the network listeners (before the monitoring and question listeners)."""
    net = NetworkSlack(deps=deps, settings=settings)

    def is_network_word(body: dict) -> bool:
        return network_word(body.get("text")) is not None

    forms = deps.forms or Forms(deps.delivery.client)

    def ack_command(ack: Ack, command: dict) -> None:
        if (network_word(command.get("text")) or ("",))[0] in FORM_WORDS and command.get("command") == action_ids.COMMAND:
            forms.loading(command.get("trigger_id"))  # before any database or Slack work (bot.slack.forms)
        message = acknowledgement(command)
        if message:
            ack(**message)
        else:
            ack()

    def ack_form_button(ack: Ack, body: dict) -> None:
        forms.loading(body.get("trigger_id"))
        ack()

    def handle_command(body: dict, command: dict) -> None:
        on_command(net, command)
        forms.settle(body.get("trigger_id"))

    def ack_item_form(ack: Ack, view: dict) -> None:
        _ack_form(ack, check_item_form(view))

    def ack_support_form(ack: Ack, view: dict) -> None:
        _ack_form(ack, check_support_form(view, deps.service.clock().date()))

    def handle_item_form(body: dict) -> None:
        on_item_submitted(net, body)

    def handle_support_form(body: dict) -> None:
        on_support_submitted(net, body)

    app.command(action_ids.EXPERT_COMMAND)(ack=ack_command, lazy=[handle_command])
    app.command(action_ids.COMMAND, matchers=[is_network_word])(ack=ack_command, lazy=[handle_command])
    app.view(action_ids.ANNOUNCE_MODAL)(ack=ack_item_form, lazy=[handle_item_form])
    app.view(action_ids.LESSON_MODAL)(ack=ack_item_form, lazy=[handle_item_form])
    app.view(action_ids.SUPPORT_MODAL)(ack=ack_support_form, lazy=[handle_support_form])
    app.action(action_ids.REFER)(ack=_ack, lazy=[_runner(net, on_refer)])
    app.action(action_ids.SUPPORT_REQUEST)(ack=ack_form_button, lazy=[forms.after(_runner(net, on_support_button))])
    return net


def _runner(net: NetworkSlack, handler):
    def run(body: dict) -> None:
        run_action(net, handler, body)

    return run
