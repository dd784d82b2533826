"""The adapter's collaborators, handed to every listener as one small object.

Listeners take ``Deps`` instead of a dozen parameters; tests build it from real parts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from bot.core.service import LoketService
from bot.slack.core_team import CoreTeam
from bot.slack.delivery import Delivery
from bot.slack.forms import Forms
from bot.slack.inbox import SlackInbox, inbox_key
from bot.core.delivery.inbox import current_work
from bot.slack.metrics import Metrics

if TYPE_CHECKING:
    from bot.core.network.hub import Network


@dataclass(frozen=True)
class Deps:
    """Everything a listener may use: the core service, Slack delivery, core-team lookup."""

    service: LoketService
    delivery: Delivery
    core_team: CoreTeam
    core_channel: str | None
    inbox: SlackInbox | None = None
    metrics: Metrics | None = None
    network: "Network | None" = None  # experts, referrals, announcements, lessons, support (bot.slack.network)
    forms: Forms | None = None  # loading modals opened in the ack, replaced by the form (bot.slack.forms)

    def open_form(self, trigger_id: str | None, view: dict[str, Any]) -> bool:
        """Show a form: in its loading modal if the ack opened one, else with views.open."""
        return (self.forms or Forms(self.delivery.client)).show(trigger_id, view)

    def claim_event(self, body: dict) -> bool:
        """True the first time an Events API delivery is seen (Slack retries carry the same id).

        Inside :meth:`process` the inbox has claimed it already. Deliveries without an
        event id (should not happen) are processed.
        """
        work = current_work()
        if work is not None and work.key == inbox_key(body):
            return True
        event_id = body.get("event_id")
        return True if not event_id else self.service.claim_event(str(event_id))

    def process(self, body: dict[str, Any], fn: Callable[[], None]) -> None:
        """Run a lazy listener's work through the inbox (once, retried after a crash)."""
        if self.inbox is None:
            fn()
        else:
            self.inbox.process(body, fn)
