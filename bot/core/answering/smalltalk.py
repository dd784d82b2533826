"""Greetings, thanks and help requests: a friendly Dutch reply instead of a search.

Searching the knowledge base for "hoi" would either answer nonsense or escalate a
greeting to the core team; neither helps the person.
"""
from __future__ import annotations

import re

from index.text import fold

_GREETING = re.compile(r"^(hoi|hallo|hey|hi|hello|dag|goede(morgen|middag|avond)|goeie(morgen|middag)|morgen|moi|yo)\b")
_THANKS = re.compile(r"^(dank( je| u)?( wel)?|bedankt|thanks|thank you|top|super|prima|ok(e|ay)?|helder|duidelijk)\b")
_HELP = re.compile(r"^(help|hulp|\?|wat kun je|wat kan je|wat doe je|wie ben je|hoe werkt (dit|het))\b")
_FILLER = re.compile(r"[^\w\s?]")

GREETING_REPLY = (
    "Hallo! Ik ben Loket, het kennis- en informatieloket van het ondersteuningsarrangement. "
    "Stel je vraag over de provinciale plannen, de Uitvoeringsagenda of de kaders, dan zoek ik het antwoord op. "
    "Kan ik het niet goed beantwoorden, dan zet ik je vraag door naar het kernteam."
)
THANKS_REPLY = "Graag gedaan! Heb je nog een vraag, stel hem gerust."
HELP_REPLY = (
    "Zo werk ik: stel een vraag in gewone taal, bijvoorbeeld 'Wat is een GVL?' of "
    "'Wat is de taak van het kernteam?'. Ik antwoord met een citaat uit de kennisbank en noem de bron. "
    "Weet ik het niet zeker, dan gaat je vraag naar het kernteam en krijg je hier hun antwoord."
)
EMPTY_REPLY = "Ik heb geen vraag gezien. Typ je vraag, bijvoorbeeld: 'Wat is de taak van het kernteam?'"
UNCLEAR_REPLY = (
    "Dat begrijp ik niet goed. Stel je vraag in een hele zin, bijvoorbeeld: "
    "'Wat is de taak van het kernteam?'. Typ 'help' voor uitleg."
)
_LETTERS = re.compile(r"[^\W\d_]{2,}")  # a word of at least two letters: "q", "?", "12" or "x!" have none


def normalise(text: str) -> str:
    """Lower-cased, diacritics folded, punctuation dropped, spaces collapsed."""
    return " ".join(_FILLER.sub(" ", fold(text)).split())


def smalltalk_reply(text: str) -> str | None:
    """A reply when ``text`` is only a greeting, thanks or help request; else None.

    A greeting followed by a real question ("Hoi, wat is een GVL?") is not smalltalk: the
    question deserves an answer. A message without a single word ("q", "?", "12") is no
    question either: asking the person to write one helps them, escalating it to the core
    team helps nobody.
    """
    norm = normalise(text)
    if not norm:
        return EMPTY_REPLY
    if norm.strip("? ") == "":
        return HELP_REPLY
    if not _LETTERS.search(norm):
        return UNCLEAR_REPLY
    words = norm.replace("?", " ").split()
    if len(words) > 4:
        return None
    if _HELP.match(norm):
        return HELP_REPLY
    if _THANKS.match(norm):
        return THANKS_REPLY
    if _GREETING.match(norm) and len(words) <= 3:
        return GREETING_REPLY
    return None
