"""Recognise "who knows about X?" questions, so Loket answers them with experts.

Deliberately narrow: only phrasings that ask for a *person* ("wie weet er iets van …",
"welke deskundige …", "met wie kan ik sparren over …", "bij wie kan ik terecht met …").
"Wie zit er in het kernteam?" or "Wie is de rijksheer in Zeeland?" are knowledge
questions and stay with the desk. :func:`expert_topic` returns the topic part, which is
what the expert matcher reads.
"""
from __future__ import annotations

import re

_PERSON = r"(?:deskundigen?|experts?|specialist(?:en)?|kenners?|kenner|adviseurs?|iemand)"
_ABOUT = r"(?:van|over|met|op het gebied van|rond|rondom|voor|bij|in|op)"
_PATTERNS = [
    # wie weet er (iets|meer|veel) van/over X · wie heeft er ervaring/kennis/verstand van X · wie kent X
    rf"\bwie\s+(?:weet|heeft|kent|snapt)\b(?:\s+(?:er|hier|daar|nog|veel|iets|meer|wat|ervaring|kennis|verstand|expertise|zicht|de\s+weg))*\s+{_ABOUT}\s+(?P<topic>.+)",
    # welke/een deskundige (heeft kennis) van/voor X · ik zoek een expert op het gebied van X
    rf"\b(?:welke|zoek(?:en)?(?:\s+(?:nog\s+)?een)?|ken\s+je(?:\s+een)?|kent\s+u(?:\s+een)?|is\s+er(?:\s+een)?)\s+{_PERSON}\b(?:\s+(?:die|met|heeft|hebben|weet|weten|kan|kunnen|is|er|iets|meer|mij|me|ons|helpen|adviseren|kennis|ervaring|verstand|expertise))*\s+{_ABOUT}\s+(?P<topic>.+)",
    # met wie kan ik sparren/praten/contact opnemen over X
    rf"\bmet\s+wie\s+(?:kan|kun|moet|zou)\s+(?:ik|je|we|wij|u)\b.*?\b(?:over|van|rond|omtrent)\s+(?P<topic>.+)",
    # bij wie kan ik terecht met (vragen over) X
    rf"\bbij\s+wie\s+(?:kan|kun|moet)\s+(?:ik|je|we|wij|u)\s+(?:terecht|aankloppen)\s+(?:met|voor)\s+(?:vragen\s+(?:over|van|rond)\s+)?(?P<topic>.+)",
    # wie kan mij helpen met X · wie kan ons adviseren over X
    rf"\bwie\s+kan\s+(?:mij|me|ons|u)\s+(?:\w+\s+)?(?:helpen|adviseren|vertellen|ondersteunen)\s+(?:met|bij|over)\s+(?P<topic>.+)",
]
_COMPILED = [re.compile(p, re.IGNORECASE) for p in _PATTERNS]
_TRAILING = re.compile(r"[\s?!.]+$")
_LEADING = re.compile(r"^(?:het|de|een|vragen\s+over)\s+", re.IGNORECASE)


def expert_topic(question: str) -> str | None:
    """The topic of a question that asks who knows about it; None for other questions."""
    text = " ".join((question or "").split())
    if len(text) > 300:
        return None  # a long message is a question with context, not a look-up of a person
    for pattern in _COMPILED:
        match = pattern.search(text)
        if match:
            topic = _LEADING.sub("", _TRAILING.sub("", match.group("topic"))).strip()
            if len(topic) >= 3:
                return topic
    return None
