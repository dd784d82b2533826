"""The monitoring words of ``/loket`` (``plan``, ``overzicht``, ``signalen``), in one small place.

Both the monitoring listener (which handles them) and the question listener (which must
leave them alone, also in its inbox) ask :func:`handles`; this module imports nothing else
so either can use it.
"""
from __future__ import annotations

SUBCOMMANDS = frozenset({"plan", "plannen", "overzicht", "weekoverzicht", "signalen"})


def split(text: str | None) -> tuple[str, str]:
    """``("plan", "Utrecht")`` for "plan Utrecht"; ``("", text)`` for anything else."""
    first, _, rest = " ".join((text or "").split()).partition(" ")
    return (first.lower(), rest) if first.lower() in SUBCOMMANDS else ("", text or "")


def handles(text: str | None) -> bool:
    """True for a monitoring sub-command (not a question for Loket)."""
    return bool(split(text)[0])
