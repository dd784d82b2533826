"""Match a topic or question to the experts of the directory.

The same machinery as the knowledge base: each expert's profile is a chunk in a small
:class:`~index.search.SearchIndex` (dense e5 vectors + BM25 + coverage), so "flexwonen"
finds the housing expert by meaning and by word. Profiles are embedded through a
:class:`~bot.core.network.vector_cache.VectorCache`, so a directory that did not change
is never embedded again.

Ranking: cosine + coverage (as for documents) plus a region term: an expert of the
province the question names is preferred, an expert of another province is pushed down,
national experts are neutral.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bot.core.monitoring import taxonomy as tx_
from index.documents import Chunk
from index.persist import StoredIndex
from index.search import Query, SearchIndex, text_words
from index.text import QUESTION_FRAMING, fold

from .experts import Expert
from .vector_cache import VectorCache

COVERAGE_WEIGHT = 0.15  # stronger than for documents: profiles are short and name their themes
PROVINCE_BONUS = 0.03
OTHER_PROVINCE_PENALTY = 0.05
# A match must be at least this good to be suggested. Measured on the example directory:
# fitting requests score 0.87-0.93, unrelated questions ("hoofdstad van Canada") 0.80-0.83.
MIN_SCORE = 0.845
MIN_COVERAGE_ALONE = 0.34  # ... or mention a third of the (weighted) words of the question
RELATIVE_GAP = 0.1  # and be within this of the best match (a far second is noise)
ASKING_WORDS = frozenset("""
    weet weten kent kennen iemand helpen help zoek zoeken deskundige deskundigen expert experts specialist
    specialisten kenner kenners ervaring verstand contact sparren terecht adviseren advies
""".split())


@dataclass(frozen=True)
class ExpertMatch:
    """An expert for a topic, with why."""

    expert: Expert
    score: float
    dense: float
    coverage: float
    themes: tuple[str, ...] = ()  # the expert's themes the question touches
    words: tuple[str, ...] = ()  # question words the profile mentions
    same_province: bool = False

    @property
    def reason(self) -> str:
        """Dutch: why this expert (themes, matched words, province)."""
        parts = []
        if self.themes:
            parts.append(f"thema {', '.join(self.themes)}")
        if self.words:
            parts.append(f"noemt {', '.join(self.words[:4])}")
        if self.same_province:
            parts.append("zelfde provincie")
        return "; ".join(parts) or "verwant aan de omschrijving"


def _chunk(expert: Expert) -> Chunk:
    return Chunk(id=expert.id, doc_path=f"expert:{expert.id}", title=expert.role,
                 heading_path=(expert.organisation,), text=expert.profile_text())


_REGION_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in tx_.PROVINCES) + r"|friesland|brabant)\b", re.IGNORECASE)


def provinces_in(text: str) -> set[str]:
    """The provinces a text names ("Friesland" counts as Fryslân)."""
    found = set()
    for match in _REGION_RE.finditer(text or ""):
        try:
            found.add(tx_.parse_region(match.group(1)))
        except tx_.UnknownValue:
            continue
    return found


class ExpertMatcher:
    """A search index over expert profiles (see module docstring)."""

    def __init__(self, experts: Sequence[Expert], cache: VectorCache) -> None:
        self.experts = tuple(experts)
        self.cache = cache
        chunks = [_chunk(e) for e in self.experts]
        texts = self.texts = [c.text for c in chunks]
        vectors = cache.passages(texts) if chunks else np.zeros((0, cache.embedder.dim), dtype=np.float32)
        stored = StoredIndex(chunks, vectors, cache.embedder.model_id, cache.keys(texts))
        self.index = SearchIndex(stored, cache.embedder)

    def analyse(self, text: str, vector: np.ndarray | None = None) -> Query:
        """Embed and analyse ``text``. Not evidence: words that ask for a person ("weet", "deskundige")
        and names or numbers no profile mentions ("Houten", "2026"): they say where or when, not
        which expertise (provinces count separately, see the module docstring)."""
        query = self.index.analyse(text, self.cache.query(text) if vector is None else vector)
        terms = [t for t in query.terms
                 if fold(t.surface) not in ASKING_WORDS and not (t.salient and not self.index.knows(t))]
        return query._replace(terms=terms)

    def match(self, text: str, *, k: int = 3, vector: np.ndarray | None = None,
              include_unavailable: bool = False, minimum: float | None = MIN_SCORE) -> list[ExpertMatch]:
        """The best ``k`` experts for ``text`` (available ones only, unless asked), best first.

        ``minimum=None`` returns the best ones however weak (for a directory listing).
        """
        if not self.experts or not (text or "").strip():
            return []
        query = self.analyse(text, vector)
        wanted = provinces_in(text)
        hits = self.index.search(query, k=len(self.experts), candidates=len(self.experts), mode="dense")
        matches = [self._explain(query, hit, wanted) for hit in hits]
        matches.sort(key=lambda m: m.score, reverse=True)
        keep = [m for m in matches if (include_unavailable or m.expert.available)
                and (minimum is None or m.score >= minimum or m.coverage >= MIN_COVERAGE_ALONE)]
        if minimum is not None and keep:
            keep = [m for m in keep if m.score >= keep[0].score - RELATIVE_GAP]
        return keep[:k]

    def _explain(self, query: Query, hit, wanted: set[str]) -> ExpertMatch:
        expert = self.experts[hit.index]
        same = bool(wanted & set(expert.provinces))
        region = PROVINCE_BONUS if same else (-OTHER_PROVINCE_PENALTY if wanted and not expert.national else 0.0)
        themes = tuple(t for t in expert.themes if self._mentions_any(query, t))
        words = self.index.mentions
        profile = text_words(expert.profile_text())
        matched = tuple(dict.fromkeys(t.surface.lower() for t in query.terms
                                      if not t.salient and t.stem not in QUESTION_FRAMING and len(t.stem) > 3
                                      and words(profile, t)))
        score = hit.dense + COVERAGE_WEIGHT * hit.coverage  # absolute: MIN_SCORE is measured on this scale
        return ExpertMatch(expert, round(score + region, 4), round(hit.dense, 4), round(hit.coverage, 4),
                           themes, matched, same)

    def _mentions_any(self, query: Query, theme: str) -> bool:
        """True when the question names a content word of ``theme``."""
        words = text_words(theme)
        return any(self.index.mentions(words, t) for t in query.terms if len(t.stem) > 3)
