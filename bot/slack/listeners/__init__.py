"""Bolt listeners, one module per kind of request (events, actions, commands)."""
from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners import actions, commands, events


def register_listeners(app: App, deps: Deps) -> None:
    """Attach every Loket listener to ``app``."""
    events.register(app, deps)
    actions.register(app, deps)
    commands.register(app, deps)
