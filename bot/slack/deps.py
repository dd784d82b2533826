"""The adapter's collaborators, handed to every listener as one small object.

Listeners take ``Deps`` instead of a dozen parameters; tests build it from real parts.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.service import LoketService
from bot.slack.core_team import CoreTeam
from bot.slack.delivery import Delivery


@dataclass(frozen=True)
class Deps:
    """Everything a listener may use: the core service, Slack delivery, core-team lookup."""

    service: LoketService
    delivery: Delivery
    core_team: CoreTeam
    core_channel: str | None

    def claim_event(self, body: dict) -> bool:
        """True the first time an Events API delivery is seen (Slack retries carry the same id).

        Deliveries without an event id (should not happen) are processed.
        """
        event_id = body.get("event_id")
        return True if not event_id else self.service.claim_event(str(event_id))
