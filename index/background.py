"""How much a word says in general Dutch: a cap on the weight of common question words.

IDF from the corpus alone misjudges the words people wrap a question in. A word the
corpus never uses got the weight of the rarest word, and a common word the corpus
happens to use on a few pages ("doet", "live", "alweer") weighed as much as the term the
question is about: "wat doet zo'n beheerteam eigenlijk als het model eenmaal live
staat?" then looked a third covered by the passage that answers it. Word frequencies of
general Dutch (wordfreq's Zipf scale: 7 = "de", 5.7 = "doet", 4.5 = "regelen",
3.6 = "algoritme", 0 = unseen) bound how much such a word can say about a topic; a corpus
of a few hundred pages cannot tell. The cap only lowers weights, and names,
abbreviations and numbers are exempt (the caller's rule): they are what an answer must
be about, however common their spelling.

The bounds were chosen on the fit parts of three corpora by leave-one-corpus-out
log-loss of the answer-or-escalate decision (``scripts/tune_quality.py``; the README's
ranking section has the figures).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Callable

log = logging.getLogger(__name__)

COMMON_ZIPF = 7.0  # a word this common ("de", "het") keeps only FLOOR of the rarest word's weight
RARE_ZIPF = 4.0  # this rare or rarer in general Dutch: no cap
FLOOR = 0.1
LANGUAGE = "nl"


@lru_cache(maxsize=1)
def _lookup() -> Callable[[str, str], float] | None:
    """wordfreq's Zipf lookup (its word lists ship inside the package: nothing is downloaded),
    or None when the package is missing: then the corpus alone weighs every word."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        log.warning("wordfreq is not installed: question words are weighed by the corpus alone")
        return None
    return zipf_frequency


@lru_cache(maxsize=65536)
def zipf(word: str, *, language: str = LANGUAGE) -> float:
    """Zipf frequency of a (folded) word in general ``language`` text; 0.0 when unknown."""
    lookup = _lookup()
    return float(lookup(word, language)) if lookup is not None and word else 0.0


def general_weight(
    word: str, top: float, *, common: float = COMMON_ZIPF, rare: float = RARE_ZIPF, floor: float = FLOOR,
) -> float:
    """The most a word may weigh given how common it is in general Dutch: ``top`` (the
    weight of the rarest corpus word) at or below ``rare`` Zipf, falling linearly on the
    log-frequency scale (as IDF does) to ``floor`` x ``top`` at ``common``."""
    if common <= rare:
        return top
    share = (common - zipf(word)) / (common - rare)
    return top * min(max(share, floor), 1.0)
