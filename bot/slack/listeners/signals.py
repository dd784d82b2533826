"""Signals in Slack: ``/signaal``, the "Log als signaal" shortcut, the form, and the buttons.

* ``/signaal`` opens the signal form; ``/signaal #12`` opens it pre-filled from escalation
  #12 (and links the two).
* The message shortcut "Log als signaal" opens the same form pre-filled from the message
  (and linked to it); used on an escalation's post in the core channel it links that
  escalation.
* The form is checked in its acknowledgement (errors appear on the field); the signal is
  stored afterwards, shown in the core channel, and the author gets a private note.
* On the signal's message in the core channel, core-team members change the status and
  the owner, or escalate it to the LRT; everyone else gets a polite refusal.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App

from bot.core.service import NotAllowed
from bot.core.monitoring.signal_drafts import draft_from_message
from bot.core.monitoring.signals import SignalDraft, SignalError
from bot.core.monitoring.taxonomy import UnknownValue
from bot.slack import action_ids
from bot.slack import blocks_monitoring as bm
from bot.slack.escaping import slack_to_plain
from bot.slack.guards import NOT_YOUR_ESCALATION, core_only, may_act_for
from bot.slack.forms import Forms
from bot.slack.monitoring import Monitoring

log = logging.getLogger(__name__)

ESCALATION_REF = re.compile(r"^#?(\d+)$")


# -- opening the form ------------------------------------------------------------------------
def on_signal_command(mon: Monitoring, command: dict[str, Any]) -> None:
    """``/signaal [#N]``: open the (pre-filled) form."""
    user, channel = command["user_id"], command.get("channel_id")
    draft = SignalDraft()
    ref = ESCALATION_REF.match((command.get("text") or "").strip())
    if ref:
        number = int(ref.group(1))
        asker = _asker_of(mon, number)
        if not may_act_for(mon.deps, user, asker):  # the question and core answer are not for everyone
            log.info("/signaal #%d refused for %s (not core team, not the asker)", number, user)
            mon.tell(channel, user, NOT_YOUR_ESCALATION)
            return
        if asker is None:
            mon.tell(channel, user, f"Escalatie #{number} ken ik niet.")
            return
        draft = mon.signals.draft_from_escalation(number)
    if not mon.open_view(command.get("trigger_id"), bm.signal_modal(draft, channel_id=channel)):
        mon.tell(channel, user, "Het formulier kon niet worden geopend. Probeer het nog eens.")


def _asker_of(mon: Monitoring, number: int) -> str | None:
    try:
        return mon.deps.service.escalation(number).asker_user_id
    except KeyError:
        return None


def on_message_shortcut(mon: Monitoring, body: dict[str, Any]) -> None:
    """"Log als signaal" on a message: the form, pre-filled from (and linked to) that message."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    ts = message.get("ts")
    esc = None
    if channel and channel == mon.core_channel:
        esc = mon.deps.service.escalation_for_core_thread(channel, message.get("thread_ts") or ts)
    if esc is not None:
        draft = replace(mon.signals.draft_from_escalation(esc.number), source_channel_id=channel, source_ts=ts,
                        source_user_id=message.get("user"), source_permalink=mon.permalink(channel, ts))
    else:
        draft = draft_from_message(slack_to_plain(message.get("text") or ""), channel_id=channel, ts=ts,
                                   user_id=message.get("user"), permalink=mon.permalink(channel, ts))
    if not mon.open_view(body.get("trigger_id"), bm.signal_modal(draft, channel_id=channel)):
        mon.tell(channel, body["user"]["id"], "Het formulier kon niet worden geopend. Probeer het nog eens.")


# -- the form --------------------------------------------------------------------------------
def check_form(view: dict[str, Any]) -> dict[str, str] | None:
    """Field errors of a submitted signal form (None: fine)."""
    try:
        bm.signal_modal_values(view).validated()
    except (SignalError, UnknownValue) as e:
        return bm.form_errors(e)
    return None


def on_signal_submitted(mon: Monitoring, body: dict[str, Any]) -> None:
    """Store the signal, show it in the core channel, thank the author.

    Bolt runs this lazy part also after the acknowledgement refused the form: skip those.
    """
    view, user = body["view"], body["user"]["id"]
    if check_form(view):
        return
    channel = bm.form_channel(view)
    try:
        signal = mon.signals.create(bm.signal_modal_values(view), user_id=user, notice=mon.signal_notice)
    except KeyError:
        mon.tell(channel, user, "Het signaal is niet opgeslagen: de gekoppelde escalatie bestaat niet (meer).")
        return
    mon.send_queued()
    mon.tell(channel, user, bm.signal_created_notice(signal))


# -- the buttons on a signal message -----------------------------------------------------------
def _signal_id(body: dict[str, Any]) -> int:
    action = body["actions"][0]
    if action.get("value"):
        return int(action["value"])
    return int(str(action.get("block_id", "")).removeprefix("signal-"))


def _refresh(mon: Monitoring, body: dict[str, Any], signal) -> None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
    if channel and ts:
        try:
            mon.deps.delivery.client.chat_update(channel=channel, ts=ts, **bm.signal_message(signal))
        except Exception as e:  # noqa: BLE001 - cosmetic: the register has the truth
            log.info("signal %s message not updated: %s", signal.id, type(e).__name__)


@core_only("signal.change", object_id=_signal_id)
def on_status(deps, body: dict[str, Any], mon: Monitoring) -> None:
    status = body["actions"][0]["selected_option"]["value"]
    signal = mon.signals.update(_signal_id(body), user_id=body["user"]["id"], status=status, notice=mon.lrt_notice)
    _refresh(mon, body, signal)


@core_only("signal.change", object_id=_signal_id)
def on_owner(deps, body: dict[str, Any], mon: Monitoring) -> None:
    owner = body["actions"][0].get("selected_user")
    signal = mon.signals.update(_signal_id(body), user_id=body["user"]["id"], owner=owner)
    _refresh(mon, body, signal)


@core_only("signal.escalate", object_id=_signal_id)
def on_escalate(deps, body: dict[str, Any], mon: Monitoring) -> None:
    """Escalate to the LRT: recorded, announced in ``LOKET_LRT_CHANNEL`` when it is set."""
    user = body["user"]["id"]
    signal = mon.signals.escalate(_signal_id(body), user_id=user, notice=mon.lrt_notice)
    _refresh(mon, body, signal)
    mon.send_queued()
    channel = (body.get("channel") or {}).get("id")
    if signal.lrt_channel_id:
        mon.tell(channel, user, f"Signaal S{signal.id} is geëscaleerd en gedeeld met de LRT.")
    else:
        mon.tell(channel, user, f"Signaal S{signal.id} staat op 'geëscaleerd naar LRT'. Er is geen LRT-kanaal "
                                "ingesteld (LOKET_LRT_CHANNEL), dus er is niets gepost.")


def run_signal_action(mon: Monitoring, handler, body: dict[str, Any]) -> None:
    """Run a button handler; refusals and mistakes become a private note."""
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    try:
        handler(mon.deps, body, mon)
    except (NotAllowed, SignalError, UnknownValue) as e:
        mon.tell(channel, user, str(e))
    except (KeyError, ValueError):
        mon.tell(channel, user, "Dat signaal ken ik niet (meer).")
    except Exception:
        log.exception("signal action by %s failed", user)
        mon.tell(channel, user, "Er ging iets mis; probeer het later nog eens.")


# -- registration ----------------------------------------------------------------------------
def _ack(ack: Ack) -> None:
    ack()


def register(app: App, mon: Monitoring) -> None:
    """Attach ``/signaal``, the shortcut, the form and the signal buttons."""

    def ack_form(ack: Ack, view: dict) -> None:
        errors = check_form(view)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def handle_command(command: dict) -> None:
        on_signal_command(mon, command)

    def handle_shortcut(body: dict) -> None:
        on_message_shortcut(mon, body)

    def handle_form(body: dict) -> None:
        on_signal_submitted(mon, body)

    forms = mon.deps.forms or Forms(mon.deps.delivery.client)

    def ack_loading(ack: Ack, body: dict) -> None:
        forms.loading(body.get("trigger_id"))  # before any database or Slack work (bot.slack.forms)
        ack()

    app.command(action_ids.SIGNAL_COMMAND)(ack=ack_loading, lazy=[forms.after(lambda body: handle_command(body))])
    app.shortcut(action_ids.SIGNAL_SHORTCUT)(ack=ack_loading, lazy=[forms.after(handle_shortcut)])
    app.view(action_ids.SIGNAL_MODAL)(ack=ack_form, lazy=[handle_form])
    for action_id, handler in ((action_ids.SIGNAL_STATUS, on_status), (action_ids.SIGNAL_OWNER, on_owner),
                               (action_ids.SIGNAL_LRT, on_escalate)):
        app.action(action_id)(ack=_ack, lazy=[_runner(mon, handler)])


def _runner(mon: Monitoring, handler):
    def run(body: dict) -> None:
        run_signal_action(mon, handler, body)

    return run
