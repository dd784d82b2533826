"""Escalations: their states and transitions (here), relays, the SLA and its reminders.

Submodules: ``relays`` (core replies to the asker), ``sla`` (deadlines in working hours),
``reminders`` (SLA reminders through the outbox).

The states and the transitions between them are kept free of storage and Slack.

An escalation moves ``open -> claimed -> answered -> closed``. A core reply on an open
escalation claims it implicitly (``open -> answered``); closing is allowed from every
non-closed state. Nothing leaves ``closed``: a closed escalation is history, and a new
message in the asker's thread starts a new conversation instead of reopening it.
"""
from __future__ import annotations

OPEN = "open"
CLAIMED = "claimed"
ANSWERED = "answered"
CLOSED = "closed"
STATUSES = (OPEN, CLAIMED, ANSWERED, CLOSED)

# Escalation kinds
KIND_QUESTION = "vraag"  # a knowledge question Loket could not answer (default)
KIND_SUPPORT = "ondersteuning"  # a request for support (planned)
KINDS = (KIND_QUESTION, KIND_SUPPORT)

# action -> statuses it may start from
_ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "claim": (OPEN, CLAIMED),
    "reply": (OPEN, CLAIMED, ANSWERED),
    "close": (OPEN, CLAIMED, ANSWERED, CLOSED),
}

_DUTCH_STATUS = {
    OPEN: "open",
    CLAIMED: "opgepakt",
    ANSWERED: "beantwoord",
    CLOSED: "gesloten",
}


class InvalidTransition(Exception):
    """An action that the escalation's current status does not allow.

    ``str(exc)`` is a Dutch sentence the Slack layer can show to the user as is.
    """

    def __init__(self, number: int, action: str, status: str, message: str | None = None):
        self.number = number
        self.action = action
        self.status = status
        super().__init__(message or f"Escalatie #{number} is {dutch_status(status)}; dat kan nu niet meer.")


def dutch_status(status: str) -> str:
    """The Dutch word for a status, for messages to users."""
    return _DUTCH_STATUS.get(status, status)


def is_active(status: str) -> bool:
    """True while the escalation is not closed: new asker messages are follow-ups."""
    return status != CLOSED


def check_transition(number: int, action: str, status: str) -> None:
    """Raise :class:`InvalidTransition` if ``action`` is not allowed from ``status``."""
    if status not in _ALLOWED_FROM[action]:
        raise InvalidTransition(number, action, status)
