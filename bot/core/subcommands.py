"""The sub-command words of ``/loket`` (Slack) and of a Teams message, in one small place.

In Slack, the monitoring and network listeners (which handle them) and the question listener
(which must leave them alone, also in its inbox) ask :func:`handles`. Only the exact
sub-command form is a command; any other text is a question for Loket, also when it
starts with one of these words ("/loket overzicht van de opvanglocaties in Utrecht?",
"/loket plan van aanpak …"):

* ``plan`` / ``plannen`` alone, or followed by one province;
* ``overzicht`` / ``weekoverzicht`` alone, or followed by a week (``2026-W48``,
  ``deze week``);
* ``signalen`` alone;
* ``deskundige <onderwerp>``; ``bericht [tekst]`` and ``ondersteuning [wat]`` unless the
  text ends in "?"; ``les`` alone.
"""
from __future__ import annotations

import re

from bot.core.monitoring.taxonomy import UnknownValue, parse_province

PLAN_WORDS = frozenset({"plan", "plannen"})
SUMMARY_WORDS = frozenset({"overzicht", "weekoverzicht"})
SUBCOMMANDS = PLAN_WORDS | SUMMARY_WORDS | {"signalen"}
# The network function's words.
NETWORK_SUBCOMMANDS = frozenset({"deskundige", "deskundigen", "bericht", "les", "ondersteuning"})
THIS_WEEK = frozenset({"deze", "deze week", "nu", "huidige"})
# A week as typed after "overzicht" (also malformed ones, which then get a clear message):
# 2026-W48, 2026w48, W48, week48, week 48.
WEEK_RE = re.compile(r"(\d{4}-?)?w\d{1,2}|week\s*\d{0,2}|\d{4}-\d{1,2}", re.IGNORECASE)


def _words(text: str | None) -> tuple[str, str]:
    first, _, rest = " ".join((text or "").split()).partition(" ")
    return first.lower(), rest


def _is_province(text: str) -> bool:
    try:
        parse_province(text)
    except UnknownValue:
        return False
    return True


def _is_week(text: str) -> bool:
    return text.lower() in THIS_WEEK or bool(WEEK_RE.fullmatch(text.strip()))


def split(text: str | None) -> tuple[str, str]:
    """``("plan", "Utrecht")`` for "plan Utrecht"; ``("", text)`` for anything that is no exact sub-command."""
    word, rest = _words(text)
    exact = (
        (word in PLAN_WORDS and (not rest or _is_province(rest)))
        or (word in SUMMARY_WORDS and (not rest or _is_week(rest)))
        or (word == "signalen" and not rest)
    )
    return (word, rest) if exact else ("", text or "")


def network_word(text: str | None) -> tuple[str, str] | None:
    """``("les", "")`` for "les"; None when the text is no network sub-command.

    "ondersteuning bij het plan?" is a question, not a form: a text ending in "?" after
    "bericht", "les" or "ondersteuning" stays a question for Loket; "les" takes no text.
    """
    word, rest = _words(text)
    if word not in NETWORK_SUBCOMMANDS or (not word.startswith("deskundige") and rest.endswith("?")):
        return None
    if word == "les" and rest:
        return None
    return word, rest


def handles(text: str | None) -> bool:
    """True for a monitoring or network sub-command (not a question for Loket)."""
    return bool(split(text)[0]) or network_word(text) is not None


def summary_week(argument: str, now, tz: str) -> str:
    """The week ``overzicht [argument]`` asks for: last week by default, "deze week" for the
    running week, else an ISO week (ValueError with a Dutch message when it is none)."""
    from bot.core.monitoring.summary import parse_week, previous_week, week_of

    if not argument:
        return previous_week(now, tz)
    if argument.lower() in THIS_WEEK:
        return week_of(now, tz)
    return parse_week(argument)
