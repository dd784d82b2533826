"""The monitoring words of ``/loket`` (``plan``, ``overzicht``, ``signalen``), in one small place.

Both the monitoring listener (which handles them) and the question listener (which must
leave them alone, also in its inbox) ask :func:`handles`; this module imports nothing else
so either can use it.
"""
from __future__ import annotations

SUBCOMMANDS = frozenset({"plan", "plannen", "overzicht", "weekoverzicht", "signalen"})
# The network function's words (bot.slack.listeners.network, registered before monitoring).
NETWORK_SUBCOMMANDS = frozenset({"deskundige", "deskundigen", "bericht", "les", "ondersteuning"})


def split(text: str | None) -> tuple[str, str]:
    """``("plan", "Utrecht")`` for "plan Utrecht"; ``("", text)`` for anything else."""
    first, _, rest = " ".join((text or "").split()).partition(" ")
    return (first.lower(), rest) if first.lower() in SUBCOMMANDS else ("", text or "")


def network_word(text: str | None) -> tuple[str, str] | None:
    """``("les", "")`` for "les"; None when the text does not start with a network word.

    "ondersteuning bij het plan?" is a question, not a form: a text ending in "?" after
    "bericht", "les" or "ondersteuning" stays a question for Loket.
    """
    first, _, rest = " ".join((text or "").split()).partition(" ")
    word = first.lower()
    if word not in NETWORK_SUBCOMMANDS or (not word.startswith("deskundige") and rest.endswith("?")):
        return None
    return word, rest


def handles(text: str | None) -> bool:
    """True for a monitoring or network sub-command (not a question for Loket)."""
    return bool(split(text)[0]) or network_word(text) is not None
