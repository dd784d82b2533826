"""Parse an incoming Bot Framework activity (as JSON, camelCase) into what Loket needs.

Pure functions over the activity dict: the same code parses a fresh activity and one read
back from the inbox after a restart.
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Any

from bot.core.answering.mentions import as_handle

PERSONAL = "personal"
CHANNEL = "channel"
GROUP_CHAT = "groupChat"

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Incoming:
    """One message activity, as the adapter acts on it."""

    activity_id: str
    kind: str  # personal | channel | groupChat
    conversation_id: str  # as sent (a channel thread: "…;messageid=ROOT")
    service_url: str
    user_id: str  # "29:…"
    user_aad_id: str | None
    user_name: str | None
    bot_id: str
    text: str  # without the mention of Loket, tags removed
    mentions_bot: bool
    team_id: str | None
    channel_id: str | None  # the channel's own conversation id (channelData.channel.id)
    value: dict[str, Any] | None  # Action.Submit data of a card button
    has_files: bool = False  # a real file attached (see :func:`files_attached`)
    event: str | None = None  # EDITED / DELETED: a message was changed (``activity_id`` is that message's id)
    revision: str = ""  # tells two edits of one message apart (see :attr:`delivery_id`)

    @property
    def delivery_id(self) -> str:
        """What makes this delivery unique in its conversation: the activity id, and for an
        edit or deletion (which carry the id of the message they change) also what changed."""
        return f"{self.event}:{self.activity_id}:{self.revision}" if self.event else self.activity_id


def _mentions(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in activity.get("entities") or [] if isinstance(e, dict) and e.get("type") == "mention"]


def mentions_recipient(activity: dict[str, Any]) -> bool:
    """A mention of Loket is one whose ``mentioned.id`` is the activity's ``recipient.id``."""
    bot_id = (activity.get("recipient") or {}).get("id")
    return bool(bot_id) and any((m.get("mentioned") or {}).get("id") == bot_id for m in _mentions(activity))


def clean_text(activity: dict[str, Any]) -> str:
    """The message text without the mention of Loket and without markup.

    Teams sends ``<at>Loket</at> vraag`` (and, in channels, a ``text/html`` attachment
    with the same message: that is the message itself, not a file, and is ignored here).
    Another person's mention becomes one ``@Jan_de_Vries`` token (see
    :mod:`bot.core.answering.mentions`).
    """
    text = str(activity.get("text") or "")
    bot_id = (activity.get("recipient") or {}).get("id")
    for m in _mentions(activity):
        if not m.get("text"):
            continue
        if (m.get("mentioned") or {}).get("id") == bot_id:
            text = text.replace(str(m["text"]), " ")
        else:  # another person: one @handle token, which the core reads as no part of the question
            text = text.replace(str(m["text"]), f" {as_handle(html.unescape(_TAG.sub(' ', str(m['text']))))} ")
    text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def files_attached(activity: dict[str, Any]) -> bool:
    """True when the message carries a real file (not the text/html copy of the message, not a card)."""
    for a in activity.get("attachments") or []:
        ctype = str((a or {}).get("contentType") or "")
        if ctype == "text/html" or ctype.startswith("application/vnd.microsoft.card."):
            continue
        return True
    return False


EDITED = "edited"
DELETED = "deleted"
# Teams tells of edits and (soft) deletions with these activity types and channelData.eventType
_CORRECTIONS = {("messageUpdate", "editMessage"): EDITED, ("messageDelete", "softDeleteMessage"): DELETED}


def correction_of(activity: dict[str, Any]) -> str | None:
    """EDITED or DELETED for Teams' edit / soft-delete notifications, else None."""
    event_type = (activity.get("channelData") or {}).get("eventType")
    return _CORRECTIONS.get((str(activity.get("type")), str(event_type)))


def parse(activity: dict[str, Any]) -> Incoming | None:
    """The message activity (or an edit or deletion of one) as :class:`Incoming`; None for
    anything else (typing, conversation updates, …)."""
    event = correction_of(activity)
    if activity.get("type") != "message" and event is None:
        return None
    conversation = activity.get("conversation") or {}
    sender = activity.get("from") or {}
    channel_data = activity.get("channelData") or {}
    kind = conversation.get("conversationType") or PERSONAL
    value = activity.get("value") if isinstance(activity.get("value"), dict) else None
    if not (activity.get("id") and conversation.get("id") and sender.get("id") and activity.get("serviceUrl")):
        return None
    return Incoming(
        activity_id=str(activity["id"]),
        kind=kind if kind in (PERSONAL, CHANNEL, GROUP_CHAT) else PERSONAL,
        conversation_id=str(conversation["id"]),
        service_url=str(activity["serviceUrl"]),
        user_id=str(sender["id"]),
        user_aad_id=sender.get("aadObjectId"),
        user_name=sender.get("name"),
        bot_id=str((activity.get("recipient") or {}).get("id") or ""),
        text=clean_text(activity),
        mentions_bot=mentions_recipient(activity),
        team_id=(channel_data.get("team") or {}).get("id"),
        channel_id=(channel_data.get("channel") or {}).get("id"),
        value=value,
        has_files=files_attached(activity),
        event=event,
        revision=_revision(activity) if event else "",
    )


def _revision(activity: dict[str, Any]) -> str:
    """A short digest of an edit (its time and text): a redelivered edit has the same one."""
    seen = f"{activity.get('timestamp') or ''}|{activity.get('text') or ''}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]
