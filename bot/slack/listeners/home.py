"""The App Home tab, per person: Loket's help, then what matters to *them*.

A PRT participant sees their own latest questions and their open escalations; a core-team
member sees every open escalation (oldest first), the open signals and the twelve
provincial plans, with "Nieuw signaal" and a "Bijwerken" button per plan.

This listener is registered before the adapter's own ``app_home_opened`` listener and
publishes Loket's home (``bot.slack.blocks.home_view``) with these sections added.
"""
from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.core.home import core_home, participant_home
from bot.core.monitoring.signals import SignalDraft
from bot.slack import action_ids, blocks
from bot.slack import blocks_monitoring as bm
from bot.slack.blocks_summary import core_sections, home_view, participant_sections
from bot.slack.delivery import slack_error
from bot.slack.guards import core_only
from bot.slack.forms import Forms
from bot.slack.monitoring import Monitoring

log = logging.getLogger(__name__)


def build_home(mon: Monitoring, user_id: str) -> dict[str, Any]:
    """The home view for ``user_id`` (core team or participant)."""
    now = mon.clock()
    if mon.is_core(user_id):
        extra = core_sections(core_home(mon.store, mon.signals, mon.plans), now)
    else:
        extra = participant_sections(participant_home(mon.store, user_id), now)
    return home_view(blocks.home_view(), extra)


def publish_home(mon: Monitoring, user_id: str) -> None:
    """(Re)publish ``user_id``'s App Home; best effort."""
    try:
        mon.deps.delivery.client.views_publish(user_id=user_id, view=build_home(mon, user_id))
    except Exception as e:  # noqa: BLE001
        log.info("views.publish for %s failed: %s", user_id, slack_error(e))


def on_home_opened(mon: Monitoring, event: dict[str, Any]) -> None:
    if event.get("tab", "home") == "home" and event.get("user"):
        publish_home(mon, event["user"])


def on_new_signal(mon: Monitoring, body: dict[str, Any]) -> None:
    """"Nieuw signaal" in the App Home: the empty signal form."""
    mon.open_view(body.get("trigger_id"), bm.signal_modal(SignalDraft()))


@core_only("plan.change")
def on_edit_plan(deps, body: dict[str, Any], mon: Monitoring) -> None:
    """"Bijwerken" next to a province: its plan form (core team)."""
    plan = mon.plans.get(body["actions"][0]["value"])
    mon.open_view(body.get("trigger_id"), bm.plan_modal(plan))


def register(app: App, mon: Monitoring) -> None:
    """Attach the App Home listener and its buttons."""

    def ack(ack: Ack) -> None:
        ack()

    def handle_home(event: dict) -> None:
        on_home_opened(mon, event)

    def handle_new_signal(body: dict) -> None:
        on_new_signal(mon, body)

    def handle_edit_plan(body: dict) -> None:
        on_edit_plan(mon.deps, body, mon)

    app.event("app_home_opened")(ack=ack, lazy=[handle_home])
    forms = mon.deps.forms or Forms(mon.deps.delivery.client)

    def ack_loading(ack: Ack, body: dict) -> None:
        forms.loading(body.get("trigger_id"))  # before any database or Slack work (bot.slack.forms)
        ack()

    app.action(action_ids.HOME_NEW_SIGNAL)(ack=ack_loading, lazy=[forms.after(handle_new_signal)])
    app.action(action_ids.HOME_EDIT_PLAN)(ack=ack_loading, lazy=[forms.after(handle_edit_plan)])
