"""Dialogs in Teams (invoke activities, answered in the HTTP response itself): the signal
form, from a command and from a message action, and the plan form.

* ``task/fetch`` (the *Signaal loggen* / *Bijwerken* button of a card): the form as a dialog;
* ``task/submit`` (the form's button): store it; the dialog closes with a short message,
  or shows the form again with the problem when the core refuses it;
* ``composeExtension/fetchTask`` (the message action *Log als signaal*, command id
  :data:`SIGNAL_COMMAND_ID` in the manifest): the signal form pre-filled from the message
  (its text, a link to it, who wrote it), or from the escalation when it is used in an
  escalation's thread in the core channel;
* ``composeExtension/submitAction``: store the signal like ``task/submit``;
* *Status wijzigen* and *Escaleer naar LRT* on a signal's card in the core channel (core
  team): a dialog with the status (and a note for the history), or a confirmation; an
  escalation posts the signal's card in ``LOKET_TEAMS_LRT_CHANNEL`` when it is set.

The response bodies are the Bot Framework's task module responses
(``{"task": {"type": "continue", "value": {"title", "card"}}}`` or
``{"task": {"type": "message", "value": "…"}}``), sent as an ``invokeResponse`` activity,
which the SDK's adapter returns as the HTTP response of the invoke. A new signal is shown
in the core channel, an escalated one in the LRT channel, through the outbox (queued with
it, sent after the response).
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from bot.core.monitoring.plans import PlanError
from bot.core.service import NotAllowed
from bot.core.monitoring.signal_drafts import draft_from_message
from bot.core.monitoring.signals import SignalDraft, SignalError
from bot.core.monitoring import taxonomy as tx_
from bot.core.monitoring.taxonomy import UnknownValue
from bot.teams import cards_monitoring as cm
from bot.teams.activities import clean_text
from bot.teams.jobs import refresh_core_team, remember_channels
from bot.teams.conversations import conversation_key, short_ts, split_thread
from bot.teams.notices import lrt_notice, signal_notice

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

SIGNAL_COMMAND_ID = cm.SIGNAL_COMMAND_ID
FETCH_TASK, SUBMIT_ACTION = "composeExtension/fetchTask", "composeExtension/submitAction"
TASK_FETCH, TASK_SUBMIT = "task/fetch", "task/submit"
INVOKES = frozenset({FETCH_TASK, SUBMIT_ACTION, TASK_FETCH, TASK_SUBMIT})
SIGNAL_CHANGES = frozenset({cm.SIGNAL_STATUS_FORM, cm.SIGNAL_STATUS_SUBMIT, cm.SIGNAL_LRT_FORM, cm.SIGNAL_LRT_SUBMIT})
ACTIONS = frozenset({cm.SIGNAL_FORM, cm.SIGNAL_SUBMIT, cm.PLAN_FORM, cm.PLAN_SUBMIT}) | SIGNAL_CHANGES
FORM_HEIGHT, FORM_WIDTH = "large", "medium"
NOT_YOURS = "Alleen de vrager of het kernteam kan een signaal loggen vanuit deze escalatie."


def continue_with(title: str, attachment: dict[str, Any]) -> dict[str, Any]:
    """Show ``attachment`` in the dialog."""
    return {"task": {"type": "continue", "value": {"title": title, "height": FORM_HEIGHT, "width": FORM_WIDTH,
                                                   "card": attachment}}}


def message(text: str) -> dict[str, Any]:
    """Close the dialog with a short message."""
    return {"task": {"type": "message", "value": text}}


def handles(activity: dict[str, Any]) -> bool:
    """True for the invokes of these dialogs (others, e.g. another feature's dialogs, are not claimed)."""
    if activity.get("type") != "invoke" or activity.get("name") not in INVOKES:
        return False
    value = activity.get("value") if isinstance(activity.get("value"), dict) else {}
    if activity.get("name") in (FETCH_TASK, SUBMIT_ACTION) and value.get("commandId") == SIGNAL_COMMAND_ID:
        return True
    data = value.get("data") if isinstance(value.get("data"), dict) else {}
    return data.get("loket") in ACTIONS


async def on_invoke(rt: "TeamsRuntime", context: TurnContext, activity: dict[str, Any]) -> None:
    """Answer a dialog invoke (always 200 with a body: a failure is a Dutch message in the dialog)."""
    sender = activity.get("from") or {}
    rt.core_team.learn(str(sender.get("id") or ""), sender.get("aadObjectId"))
    try:
        body = await _route(rt, activity)
    except Exception as e:  # noqa: BLE001 - the person hears it; the log gets the type only
        log.error("teams: %s failed (%s)", activity.get("name"), type(e).__name__)
        body = message("Er ging iets mis; probeer het later nog eens.")
    await context.send_activity(Activity(type="invokeResponse", value=InvokeResponse(status=200, body=body)))


async def _route(rt: "TeamsRuntime", activity: dict[str, Any]) -> dict[str, Any]:
    name, value = activity.get("name"), activity.get("value") or {}
    user = str((activity.get("from") or {}).get("id") or "")
    if name == FETCH_TASK:
        return await _message_action_form(rt, activity, value)
    data = value.get("data") if isinstance(value.get("data"), dict) else {}
    action = data.get("loket")
    if name == TASK_FETCH and action == cm.SIGNAL_FORM:
        return await _signal_form(rt, data, user)
    if name == TASK_FETCH and action == cm.PLAN_FORM:
        return await _plan_form(rt, str(data.get("province") or ""), user)
    if name in (TASK_SUBMIT, SUBMIT_ACTION) and action == cm.SIGNAL_SUBMIT:
        return await _store_signal(rt, data, user)
    if name == TASK_SUBMIT and action == cm.PLAN_SUBMIT:
        return await _store_plan(rt, data, user)
    if action in SIGNAL_CHANGES:
        user_name = (activity.get("from") or {}).get("name") or None
        return await _change_signal(rt, name, action, data, user, user_name=user_name)
    return message("Dit formulier ken ik niet (meer). Typ 'help' voor wat Loket kan.")


# -- the signal form ------------------------------------------------------------------------------
async def _signal_form(rt: "TeamsRuntime", data: dict[str, Any], user: str) -> dict[str, Any]:
    number = data.get("escalation")
    draft = SignalDraft()
    if number:
        try:
            esc = await asyncio.to_thread(rt.service.escalation, int(number))
        except (KeyError, ValueError):
            return message(f"Escalatie #{number} ken ik niet.")
        await refresh_core_team(rt)
        if esc.asker_user_id != user and not rt.core_team.is_member(user):
            return message(NOT_YOURS)
        draft = await asyncio.to_thread(rt.monitoring.signals.draft_from_escalation, esc.number)
    return continue_with("Signaal loggen", cm.signal_form(draft))


async def _message_action_form(rt: "TeamsRuntime", activity: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """*Log als signaal* on a message: the form pre-filled from (and linked to) that message."""
    payload = value.get("messagePayload") or {}
    base, root = split_thread(str((activity.get("conversation") or {}).get("id") or ""))
    key = conversation_key(base) if base else None
    message_id = str(payload.get("id") or "") or None
    esc = None
    if key and key == rt.core_key and (root or message_id):
        esc = await asyncio.to_thread(rt.service.escalation_for_core_thread, key, root or message_id)
    if esc is not None:
        draft = await asyncio.to_thread(rt.monitoring.signals.draft_from_escalation, esc.number)
    else:
        body = payload.get("body") or {}
        text = clean_text({"text": body.get("content") or ""})
        author = ((payload.get("from") or {}).get("user") or {}).get("id")
        link = payload.get("linkToMessage")
        draft = draft_from_message(text, channel_id=key, ts=short_ts(message_id), user_id=author,
                                   permalink=link if isinstance(link, str) else None)
    return continue_with("Signaal loggen", cm.signal_form(draft))


async def _store_signal(rt: "TeamsRuntime", data: dict[str, Any], user: str) -> dict[str, Any]:
    draft = cm.signal_form_values(data)
    mon = rt.monitoring
    await asyncio.to_thread(remember_channels, rt, rt.clock())  # the core channel, to show the signal in
    try:
        signal = await asyncio.to_thread(mon.signals.create, draft, user_id=user, notice=signal_notice(rt.core_key))
    except (SignalError, UnknownValue) as e:
        return continue_with("Signaal loggen", cm.signal_form(draft, error=str(e)))
    except KeyError:
        return message("Het signaal is niet opgeslagen: de gekoppelde escalatie bestaat niet (meer).")
    rt.spawn(rt.deliver_outbox())  # the card in the core channel, after this response
    return message(cm.signal_created_text(signal))


# -- changing a signal (the buttons on its card in the core channel) -------------------------------
NO_LRT_CHANNEL = ("Signaal S{id} staat op 'geëscaleerd naar LRT'. Teams heeft geen LRT-kanaal ingesteld, "
                  "dus er is niets gepost.")
SHARED_WITH_LRT = "Signaal S{id} is geëscaleerd en gedeeld met de LRT."


async def _change_signal(rt: "TeamsRuntime", name: str, action: str, data: dict[str, Any], user: str, *,
                         user_name: str | None = None) -> dict[str, Any]:
    """Status and LRT escalation of a signal: the core team only (the register checks it too).

    Escalating queues the signal's card for ``LOKET_TEAMS_LRT_CHANNEL`` (when set) in the
    same transaction, as Slack does; it goes out through the outbox after this response.
    """
    signals = rt.monitoring.signals
    await refresh_core_team(rt)  # also stores a reference for the LRT channel (remember_channels)
    if not rt.core_team.is_member(user):
        return message("Alleen het kernteam kan een signaal wijzigen.")
    notice = lrt_notice(rt.settings.teams_lrt_channel, escalated_by_name=user_name)
    try:
        signal_id = int(data.get("signal") or 0)
        if name == TASK_FETCH:
            view = await asyncio.to_thread(signals.get, signal_id)
            form = cm.signal_status_form(view) if action == cm.SIGNAL_STATUS_FORM else cm.signal_lrt_form(view)
            return continue_with(f"Signaal S{view.id}", form)
        if action == cm.SIGNAL_STATUS_SUBMIT:
            view = await asyncio.to_thread(signals.update, signal_id, user_id=user, status=str(data.get("status") or ""),
                                           note=str(data.get("note") or "") or None, notice=notice)
            return message(f"Signaal S{view.id} staat nu op '{tx_.label(tx_.SIGNAL_STATUSES, view.status)}'.")
        view = await asyncio.to_thread(signals.escalate, signal_id, user_id=user, notice=notice)
        if not view.lrt_channel_id:
            return message(NO_LRT_CHANNEL.format(id=view.id))
        rt.spawn(rt.deliver_outbox())  # the card in the LRT channel, after this response
        return message(SHARED_WITH_LRT.format(id=view.id))
    except (NotAllowed, SignalError, UnknownValue) as e:
        return message(str(e))
    except (KeyError, ValueError):
        return message("Dat signaal ken ik niet (meer).")


# -- the plan form --------------------------------------------------------------------------------
async def _plan_form(rt: "TeamsRuntime", province: str, user: str) -> dict[str, Any]:
    await refresh_core_team(rt)
    if not rt.core_team.is_member(user):
        return message("Alleen het kernteam kan een provinciaal plan bijwerken.")
    try:
        plan = await asyncio.to_thread(rt.monitoring.plans.get, province)
    except UnknownValue as e:
        return message(str(e))
    return continue_with(f"Plan {plan.province}", cm.plan_form(plan))


async def _store_plan(rt: "TeamsRuntime", data: dict[str, Any], user: str) -> dict[str, Any]:
    province = str(data.get("province") or "")
    plans = rt.monitoring.plans
    await refresh_core_team(rt)
    fields = {"state": data.get("state") or None, "next_milestone": str(data.get("next_milestone") or ""),
              "milestone_date": str(data.get("milestone_date") or ""), "note": str(data.get("note") or "")}
    try:
        plan = await asyncio.to_thread(plans.set, province, user_id=user, **fields)
    except NotAllowed as e:
        return message(str(e))
    except (PlanError, UnknownValue) as e:
        try:
            current = await asyncio.to_thread(plans.get, province)
        except UnknownValue:
            return message(str(e))
        return continue_with(f"Plan {current.province}", cm.plan_form(current, error=str(e)))
    return message(f"Het plan van {plan.province} is bijgewerkt.")
