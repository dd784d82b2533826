"""Mentions of people in a question: who is addressed, not what is asked.

"@U123 weet jij wat het kernteam doet?" asks what the kernteam does. Left in, the handle
reads as a name the corpus never mentions, and the desk escalates a question it can
answer. Adapters hand mentions of other people to the core as one ``@handle`` token
(Slack: ``@U123`` or ``@label``; Teams: ``@Jan_de_Vries``); an ``@`` inside a word (an
e-mail address) is no mention.
"""
from __future__ import annotations

import re

_MENTION = re.compile(r"(?<![\w.@])@[^\W_][\w.\-]*")


def without_mentions(text: str) -> str:
    """``text`` without ``@handle`` mentions, spaces collapsed."""
    return " ".join(_MENTION.sub(" ", text or "").split())


def as_handle(name: str) -> str:
    """A display name as one mention token: "Jan de Vries" -> "@Jan_de_Vries"."""
    return "@" + "_".join(name.split())
