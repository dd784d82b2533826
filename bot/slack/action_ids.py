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
NEW_QUESTION = "loket_new_question"  # "Nieuwe vraag" under a DM follow-up notice (value: question id)
TAKE_BACK = "loket_take_back"  # "Terugnemen" under a relay notice (value: "<number>:<core message ts>")

ALL = (HELPFUL, ESCALATE, CLAIM, CLOSE, SAVE_VERIFIED, TAKE_BACK, NEW_QUESTION)

# Slash command
COMMAND = "/loket"

# -- monitoring (signals, provincial plans, weekly summary) --------------------------------
SIGNAL_COMMAND = "/signaal"  # opens the signal form
SIGNAL_SHORTCUT = "loket_log_signal"  # message shortcut "Log als signaal" (callback id)
SIGNAL_MODAL = "loket_signal_modal"  # the signal form (view callback id)
PLAN_MODAL = "loket_plan_modal"  # the provincial plan form (view callback id)
# On a signal message in the core channel (value: signal id)
SIGNAL_STATUS = "loket_signal_status"  # status menu
SIGNAL_OWNER = "loket_signal_owner"  # owner picker
SIGNAL_LRT = "loket_signal_lrt"  # "Escaleer naar LRT"
# In the App Home tab
HOME_NEW_SIGNAL = "loket_home_new_signal"  # "Nieuw signaal"
HOME_EDIT_PLAN = "loket_home_edit_plan"  # "Bijwerken" next to a province (value: province)
MONITORING_ACTIONS = (SIGNAL_STATUS, SIGNAL_OWNER, SIGNAL_LRT, HOME_NEW_SIGNAL, HOME_EDIT_PLAN)

# -- network function and proactive information (bot.slack.listeners.network) ---------------
EXPERT_COMMAND = "/deskundige"  # experts for a topic
REFER = "loket_refer"  # "Doorverwijzen" next to a suggested expert (value: "<number>:<expert id>")
SUPPORT_REQUEST = "loket_support_request"  # "Vraag ondersteuning" under an answer (value: question id)
SUPPORT_MODAL = "loket_support_modal"  # the support request form (view callback id)
ANNOUNCE_MODAL = "loket_announce_modal"  # the announcement form (view callback id)
LESSON_MODAL = "loket_lesson_modal"  # the lesson learned form (view callback id)
NETWORK_ACTIONS = (REFER, SUPPORT_REQUEST)
