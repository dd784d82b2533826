"""The ``/loket`` sub-command words: they live in :mod:`bot.core.subcommands` (Teams uses them too)."""
from __future__ import annotations

from bot.core.subcommands import (  # noqa: F401 - re-exported for the Slack listeners
    NETWORK_SUBCOMMANDS, PLAN_WORDS, SUBCOMMANDS, SUMMARY_WORDS, THIS_WEEK, WEEK_RE, handles, network_word, split,
)
