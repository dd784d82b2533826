"""Every Block Kit action id Loket uses, in one place.

Listeners match on these and block builders emit them; keeping them together means a
renamed button cannot silently lose its handler.
"""
from __future__ import annotations

# Under an answer, in the asker's thread (value: question id)
HELPFUL = "loket_helpful"  # "Dit helpt"
ESCALATE = "loket_escalate"  # "Stel aan kernteam"

# On an escalation post in the core channel (value: escalation number)
CLAIM = "loket_claim"  # "Oppakken"
CLOSE = "loket_close"  # "Sluiten"

# In the core thread after a relayed reply (value: escalation number)
SAVE_VERIFIED = "loket_save_verified"  # "Opnemen in kennisbank"

ALL = (HELPFUL, ESCALATE, CLAIM, CLOSE, SAVE_VERIFIED)

# Slash command
COMMAND = "/loket"
