"""Which theme a question is about, for the "knowledge gaps" of the weekly summary.

Keyword rules, stemmed with the index's own Dutch analyzer (``index.text.analyze``), so
"opvanglocatie", "opvanglocaties" and "locaties" all hit the same rule. The words come
from the theme names of the source document (section 4.II) and the vocabulary around
them. A question scores a point per matched stem (compounds count when they contain a
keyword stem); the best-scoring theme wins, ties go to the earlier theme, no match is
"overig".

The desk's top passage was tried as well, but the knowledge base's front matter labels
almost everything "algemene kennis", which says nothing about a gap; it is only used as
a tie-breaker through the passage text (the question's own words come first).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from index.text import analyze

from bot.core.monitoring.taxonomy import OTHER_THEME

KEYWORDS: dict[str, tuple[str, ...]] = {
    "opvangcapaciteit": ("opgave", "opvangcapaciteit", "capaciteit", "opvangplekken", "plekken", "aantal",
                         "asielzoekers", "instroom", "bezetting", "prognose", "kwantitatief"),
    "opvanglocaties": ("opvanglocatie", "locatie", "azc", "gvl", "noodopvang", "inrichting", "beheer",
                       "diensten", "activiteiten", "paviljoen", "kazerne"),
    "flexibele_opvang": ("flexibel", "flexwonen", "woningmarkt", "woning", "huisvesting", "statushouder",
                         "contractvorm", "huur", "wonen", "doorstroom"),
    "op_afschaling": ("opschaling", "afschaling", "opschalen", "afschalen", "schaal", "buffer", "piek",
                      "regionaal", "schakelen"),
    "financieel_juridisch": ("financiering", "financieel", "subsidie", "subsidieregeling", "kosten", "geld",
                             "budget", "vergoeding", "juridisch", "wet", "wetgeving", "regeling", "bekostiging",
                             "aanbesteding", "vergunning"),
    "beleidsmatig": ("beleid", "beleidsmatig", "kader", "uitvoeringsagenda", "besluit", "bestuurlijk",
                     "afspraken", "lrt", "prt", "regietafel", "rijksheer"),
    "projecten_pilots": ("project", "pilot", "proef", "evaluatie", "evalueren", "begeleiden", "experiment",
                         "starten"),
}


@lru_cache(maxsize=1)
def _stems() -> dict[str, frozenset[str]]:
    return {theme: frozenset(s for word in words for s in analyze(word)) for theme, words in KEYWORDS.items()}


def _scores(text: str) -> dict[str, int]:
    tokens = analyze(text)
    scores: dict[str, int] = {}
    for theme, stems in _stems().items():
        hits = sum(1 for tok in tokens if tok in stems or any(len(s) >= 5 and s in tok for s in stems))
        if hits:
            scores[theme] = hits
    return scores


def classify(text: str) -> str:
    """The theme key of ``text`` (``"overig"`` when no rule matches)."""
    scores = _scores(text or "")
    if not scores:
        return OTHER_THEME
    order = list(KEYWORDS)
    return max(scores, key=lambda t: (scores[t], -order.index(t)))


def classify_question(text: str, passages: Iterable[dict[str, Any]] | None = None) -> str:
    """The question's theme; without a match in the question, the best passage's text decides."""
    theme = classify(text)
    if theme != OTHER_THEME:
        return theme
    for passage in list(passages or [])[:1]:
        return classify(str(passage.get("text") or ""))
    return OTHER_THEME
