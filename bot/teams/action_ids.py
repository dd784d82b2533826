"""The ids of every Adaptive Card action Loket renders (``data.loket`` of an Action.Submit)."""
from __future__ import annotations

HELPFUL = "helpful"  # "Dit helpt"
ASK_CORE = "ask_core"  # "Stel aan kernteam"
ASK_SUPPORT = "ask_support"  # "Vraag ondersteuning"
CLAIM = "claim"  # "Oppakken" (core channel)
CLOSE = "close"  # "Sluiten" (core channel)

ALL = frozenset({HELPFUL, ASK_CORE, ASK_SUPPORT, CLAIM, CLOSE})
