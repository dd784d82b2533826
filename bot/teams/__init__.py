"""Loket in Microsoft Teams, on the Microsoft 365 Agents SDK (``microsoft-agents-*``, Python >= 3.12).

Thin like ``bot.slack``: parse the activity (:mod:`.activities`), call the core
(``bot.core.service``), render an Adaptive Card (:mod:`.cards`). Importing this package has
no side effects; :func:`bot.teams.app.create_app` builds everything.
"""
