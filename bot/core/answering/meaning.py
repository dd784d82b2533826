"""Questions that ask what an abbreviation stands for: "waar staat COA voor?", "cdk = ?",
"wat betekent de afkorting DCAT?", "wat is BZK voluit?".

Search serves such a question poorly: every passage that uses the short form matches it as
well as the one line that spells it out, so the best passage is often one that only uses
it, and the quote then picks a sentence that uses it again ("COA en gemeenten zijn ...").
The corpus's own definitions, mined when the index loads (:mod:`index.abbreviations`),
answer it exactly, so the desk quotes the sentence that defines it
(:meth:`index.search.SearchIndex.definition`). A short form the corpus never spells out is
left to search as before.

"Wat betekent X" counts only when nothing follows X ("wat betekent de AVG voor gemeenten?"
asks what the law implies, not what the letters stand for); "wat is X" is left to search,
which answers "wat is een GVL?" with what a GVL is, not only its name.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_SHORT = r"(?P<short>[A-Za-z][A-Za-z0-9&]{1,9})(?:['’]s)?"  # "coa", "CdK", "J&V"; a plural "PRT's"
_FILLER = r"(?:\s+(?:eigenlijk|nou|nu|precies|ook|toch|dan|hier|daar))*"
_NAMED = r"(?:(?:de|het|die|dat|deze)\s+)?(?:(?:afkorting|letters|letterwoord|term|voorvoegsel)\s+)?"
_END = r"\s*(?:[?!.]|$)"
_ASKS = tuple(re.compile(p, re.IGNORECASE) for p in (
    rf"\bwaar\s+sta(?:a?t|an)\s+{_NAMED}{_SHORT}{_FILLER}\s+voor\b",
    rf"\bwaarvoor\s+sta(?:a?t|an)\s+{_NAMED}{_SHORT}\b",
    rf"\bwat\s+(?:betekent|betekenen|is\s+de\s+betekenis\s+van|houdt)\s+{_NAMED}{_SHORT}{_FILLER}(?:\s+in)?{_END}",
    rf"\b(?:wat\s+is|hoe\s+heet|hoe\s+schrijf\s+je)\s+{_NAMED}{_SHORT}{_FILLER}\s+voluit\b",
    rf"(?:^|[.?!]\s+){_SHORT}\s+voluit\s*\?",
    rf"\bwaar\s+is\s+{_NAMED}{_SHORT}\s+(?:een\s+|de\s+)?(?:afkorting|afk\.?)\s+(?:van|voor)\b",
    rf"(?:^|[.?!]\s+){_SHORT}\s*=\s*\?",
))
# After the part that asks for the letters, a second question joined on ("... en geldt die
# ook voor ons?") leaves more open than the definition answers; a remark does not ("zie
# het steeds staan in de stukken", "bij de wallet").
_SECOND_QUESTION = re.compile(r"^\s*[,;]?\s*(?:en|of|maar)\s+\w+\s+\w+", re.IGNORECASE)


class MeaningAsked(NamedTuple):
    """The short form a question asks about, and whether it asks something else besides."""

    short: str
    more_asked: bool


def asked_meaning(question: str) -> MeaningAsked | None:
    """The abbreviation whose meaning ``question`` asks for, or None."""
    for pattern in _ASKS:
        match = pattern.search(question)
        if match is not None:
            rest = question[match.end():]
            return MeaningAsked(match.group("short"), bool(_SECOND_QUESTION.match(rest)))
    return None


_LINE_START = re.compile(r"^\s*(?:[-*+]\s+|\|\s*)")  # a list marker or a table's first border
_LINE_END = re.compile(r"\s*\|\s*$")  # a table's last border


def definition_text(sentence: str) -> str:
    """The defining sentence as quoted: without the list marker or table borders of a glossary line."""
    return _LINE_END.sub("", _LINE_START.sub("", sentence.strip())).replace(" | ", " — ", 1)
