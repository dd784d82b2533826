"""The ids of every Adaptive Card action Loket renders (``data.loket`` of an Action.Submit)."""
from __future__ import annotations

HELPFUL = "helpful"  # "Dit helpt"
ASK_CORE = "ask_core"  # "Stel aan kernteam"
ASK_SUPPORT = "ask_support"  # "Vraag ondersteuning"
CLAIM = "claim"  # "Oppakken" (core channel)
CLOSE = "close"  # "Sluiten" (core channel)
SAVE_VERIFIED = "save_verified"  # "Opnemen in kennisbank" (core thread, under a relay notice)
TAKE_BACK = "take_back"  # "Terugnemen" (core thread, under a relay notice)
REFER = "refer"  # "Doorverwijzen" (core thread, next to a suggested expert)
SUPPORT_SUBMIT = "support_submit"  # "Versturen" on the support request form
ITEM_SUBMIT = "item_submit"  # "Opslaan" on the form of ``bericht`` / ``les`` (bot.teams.network_commands)

CORE_ACTIONS = frozenset({SAVE_VERIFIED, TAKE_BACK, REFER})  # bot.teams.escalation_actions
ALL = frozenset({HELPFUL, ASK_CORE, ASK_SUPPORT, CLAIM, CLOSE, SUPPORT_SUBMIT, ITEM_SUBMIT}) | CORE_ACTIONS
