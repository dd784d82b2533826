"""``/loket plan``, ``/loket overzicht`` and ``/loket signalen``: monitoring from the command.

Registered *before* the general ``/loket`` listener, with a matcher, so these words are
sub-commands here and everything else stays a question for Loket:

* ``/loket plan`` — the twelve provincial plans (anyone);
* ``/loket plan <provincie>`` — the form to update that plan (core team);
* ``/loket overzicht [2026-W48 | deze week]`` — a weekly summary, only to the asker
  (core team; default last week);
* ``/loket signalen`` — the open signals (core team).

Answers are private (ephemeral). The plan form is checked in its acknowledgement.
"""
from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.core.monitoring.plans import PlanError
from bot.core.service import NotAllowed
from bot.core.subcommands import PLAN_WORDS, handles, split, summary_week
from bot.core.monitoring.summary import build_summary
from bot.core.monitoring.taxonomy import UnknownValue, parse_plan_state, parse_province
from bot.slack import action_ids
from bot.slack import blocks_monitoring as bm
from bot.slack.blocks_summary import summary_message
from bot.slack.delivery import slack_error
from bot.slack.guards import REFUSAL
from bot.slack.listeners.home import publish_home
from bot.slack.monitoring import Monitoring
from bot.slack.forms import Forms
from bot.slack.responses import respond

log = logging.getLogger(__name__)



def _post_private(mon: Monitoring, command: dict[str, Any], message: dict[str, Any]) -> None:
    """Privately, in the place of the command (its response_url), else ephemeral, else a DM."""
    if respond(command, message):
        return
    client = mon.deps.delivery.client
    try:
        client.chat_postEphemeral(channel=command["channel_id"], user=command["user_id"], **message)
    except Exception as e:  # noqa: BLE001 - e.g. a DM between two people: Loket is not in it
        log.info("ephemeral for /loket failed (%s); sending a DM", slack_error(e))
        try:
            client.chat_postMessage(channel=command["user_id"], **message)
        except Exception as e2:  # noqa: BLE001
            log.warning("DM for /loket failed: %s", slack_error(e2))


def on_plan(mon: Monitoring, command: dict[str, Any], argument: str) -> None:
    """No province: the list; a province: its form (core team)."""
    if not argument:
        _post_private(mon, command, bm.plans_message(mon.plans.all()))
        return
    if not mon.is_core(command["user_id"]):
        _post_private(mon, command, bm.ephemeral(REFUSAL))
        return
    try:
        plan = mon.plans.get(argument)
    except UnknownValue as e:
        _post_private(mon, command, bm.ephemeral(str(e)))
        return
    if not mon.open_view(command.get("trigger_id"), bm.plan_modal(plan)):
        _post_private(mon, command, bm.ephemeral("Het formulier kon niet worden geopend. Probeer het nog eens."))


def on_summary(mon: Monitoring, command: dict[str, Any], argument: str) -> None:
    """A weekly summary for a core-team member, privately."""
    if not mon.is_core(command["user_id"]):
        _post_private(mon, command, bm.ephemeral(REFUSAL))
        return
    now, tz = mon.clock(), mon.settings.timezone
    try:
        week = _week(argument, now, tz)
    except ValueError as e:
        _post_private(mon, command, bm.ephemeral(str(e)))
        return
    summary = build_summary(mon.store, week, tz=tz, now=now, hours=mon.working_hours)
    _post_private(mon, command, summary_message(summary))


def _week(argument: str, now, tz: str) -> str:
    """Last week by default; "deze week" for the running week; else an ISO week."""
    return summary_week(argument, now, tz)


def on_signals(mon: Monitoring, command: dict[str, Any], _argument: str) -> None:
    if not mon.is_core(command["user_id"]):
        _post_private(mon, command, bm.ephemeral(REFUSAL))
        return
    _post_private(mon, command, bm.signal_list(mon.signals.list(open_only=True)))


HANDLERS = {"plan": on_plan, "plannen": on_plan, "overzicht": on_summary, "weekoverzicht": on_summary,
            "signalen": on_signals}


def on_command(mon: Monitoring, command: dict[str, Any]) -> None:
    word, argument = split(command.get("text"))
    try:
        HANDLERS[word](mon, command, argument)
    except Exception:
        log.exception("/loket %s by %s failed", word, command.get("user_id"))
        _post_private(mon, command, bm.ephemeral("Er ging iets mis; probeer het later nog eens."))


# -- the plan form -----------------------------------------------------------------------------
def check_plan_form(view: dict[str, Any]) -> dict[str, str] | None:
    values = bm.plan_modal_values(view)
    try:
        parse_province(values["province"])
        parse_plan_state(values["state"] or "")
    except UnknownValue as e:
        return {"state": str(e)}
    if len(values["next_milestone"]) > 300:
        return {"next_milestone": "De mijlpaal is te lang (maximaal 300 tekens)."}
    return None


def on_plan_submitted(mon: Monitoring, body: dict[str, Any]) -> None:
    """Store a plan form that passed :func:`check_plan_form` (Bolt runs the lazy part after a refusal too)."""
    if check_plan_form(body["view"]):
        return
    user = body["user"]["id"]
    values = bm.plan_modal_values(body["view"])
    province = values.pop("province")
    try:
        plan = mon.plans.set(province, user_id=user, **values)
    except (NotAllowed, PlanError, UnknownValue) as e:
        mon.tell(None, user, str(e))
        return
    mon.tell(None, user, f"Het plan van {plan.province} is bijgewerkt.")
    publish_home(mon, user)


# -- registration ------------------------------------------------------------------------------
def register(app: App, mon: Monitoring) -> None:
    """Attach the sub-commands (before the question listener) and the plan form."""

    def is_subcommand(body: dict) -> bool:
        return handles(body.get("text"))

    forms = mon.deps.forms or Forms(mon.deps.delivery.client)

    def ack_command(ack: Ack, command: dict) -> None:
        word, argument = split(command.get("text"))
        if word in PLAN_WORDS and argument:  # the plan form: open at once (bot.slack.forms)
            forms.loading(command.get("trigger_id"))
        ack()

    def handle_command(body: dict, command: dict) -> None:
        on_command(mon, command)
        forms.settle(body.get("trigger_id"))

    def ack_plan_form(ack: Ack, view: dict) -> None:
        errors = check_plan_form(view)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def handle_plan_form(body: dict) -> None:
        on_plan_submitted(mon, body)

    app.command(action_ids.COMMAND, matchers=[is_subcommand])(ack=ack_command, lazy=[handle_command])
    app.view(action_ids.PLAN_MODAL)(ack=ack_plan_form, lazy=[handle_plan_form])
