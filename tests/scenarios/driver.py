"""The platform-neutral driver the core scenarios talk to.

A scenario says what people do (ask, reply in the core thread, press a button) and what
they should see; a driver does it on one platform through that platform's existing test
harness (real app over loopback HTTP, the strict fake of the platform's API) and reads
back what Loket showed. Whatever genuinely differs between the platforms (Slack's
ephemeral messages against Teams' notice cards, placeholders that are edited into the
answer, thread roots in ``conversation.id``) stays inside the driver.

People are named by role; each driver maps a role to a user of its platform.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

try:
    from waiting import eventually
except ImportError:  # tests/ imported as a package
    from tests.waiting import eventually

ASKER = "asker"  # a participant who asks Loket
OTHER = "other"  # another participant (not in the core team)
CORE = "core"  # a member of the core team
ROLES = (ASKER, OTHER, CORE)


@dataclass(frozen=True)
class Shown:
    """One message of Loket's as a person sees it, on either platform."""

    text: str  # every text of the message, joined (Loket's labels and quoted user text)
    quote: str | None = None  # an answer's quoted passage, as plain text
    sources: tuple[str, ...] = ()  # an answer's source lines
    buttons: tuple[str, ...] = ()  # the labels of the buttons on it


class Platform(Protocol):
    """What a core scenario can do and see, whatever the chat platform."""

    name: str

    @property
    def service(self) -> Any:
        """The running Loket's core service (changes on :meth:`restart`)."""

    @property
    def store(self) -> Any:
        """A store on Loket's database."""

    def user_id(self, user: str) -> str:
        """The platform's id of the person in role ``user``."""

    def ask_personal(self, user: str, text: str) -> None:
        """``user`` asks in their personal chat with Loket; returns when Loket is done with it."""

    def ask_in_channel(self, user: str, text: str) -> None:
        """``user`` @mentions Loket in a (non-core) channel; returns when Loket is done with it."""

    def answers_seen(self, user: str) -> list[Shown]:
        """Loket's messages (as they stand now) where ``user`` asked, oldest first."""

    def core_posts(self) -> list[Shown]:
        """The escalation posts (thread roots) in the core channel, as they stand now."""

    def core_channel_now(self) -> list[Shown]:
        """Every message of Loket's in the core channel that still exists, as it stands now."""

    def core_reply(self, user: str, text: str) -> None:
        """``user`` writes ``text`` in the thread of the latest escalation; returns when handled."""

    def press(self, button: str, user: str) -> None:
        """``user`` presses the button labelled ``button`` on Loket's latest message that has it."""

    def notes_for(self, user: str) -> list[str]:
        """What Loket said to ``user`` about their presses and replies (refusals, thanks)."""

    def redeliver_last(self) -> None:
        """The platform delivers the last incoming message/activity again (same id)."""

    def restart(self) -> None:
        """Stop Loket and start a new runtime on the same database (nothing kept in memory)."""

    def asker_received(self, text: str) -> bool:
        """True when ``text`` was ever sent to the asker (where they asked)."""

    def deliver(self) -> None:
        """Let Loket send everything it queued (the outbox) and return when nothing is pending."""


def nothing_pending(store: Any) -> bool:
    """No outbox post waits and no escalation waits to be posted: Loket has sent all it queued."""
    from bot.store.models import OutboxPost
    from bot.store.repo import OUTBOX_PENDING

    with store.read() as tx:
        return tx.session.query(OutboxPost).filter(OutboxPost.status == OUTBOX_PENDING).count() == 0


def latest_escalation(store: Any) -> int | None:
    """The number of the latest escalation (None: none yet)."""
    from sqlalchemy import func

    from bot.store.models import Escalation

    with store.read() as tx:
        return tx.session.query(func.max(Escalation.id)).scalar()
