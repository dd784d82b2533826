"""Monitoring listeners (signals, plans, weekly summary, App Home), registered as one.

``create_app`` calls :func:`register` *before* the adapter's own listeners: Bolt runs the
first listener that matches, so ``/loket plan|overzicht|signalen`` and the App Home are
handled here and every other ``/loket`` text stays a question.
"""
from __future__ import annotations

from slack_bolt import App

from bot.settings import Settings
from bot.slack.deps import Deps
from bot.slack.listeners import home, monitoring_commands, signals
from bot.slack.monitoring import Monitoring


def register(app: App, deps: Deps, settings: Settings) -> Monitoring:
    """Attach the monitoring listeners; returns the shared :class:`Monitoring`."""
    mon = Monitoring(deps=deps, settings=settings)
    home.register(app, mon)
    monitoring_commands.register(app, mon)
    signals.register(app, mon)
    return mon
