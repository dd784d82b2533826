"""BM25 over stemmed Dutch tokens (bm25s), plus the term statistics coverage needs.

The BM25 matrix is rebuilt from the stored chunk texts when the index loads: it takes
milliseconds for thousands of chunks, so persisting it would only add a second copy of
data that can go stale.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import logging

import bm25s
import numpy as np

from .chunking import heading_text
from .documents import Chunk
from .text import analyze, analyze_folded, fold, in_compound, raw_tokens


# bm25s sets its own logger to DEBUG at import; let the application's level decide.
logging.getLogger("bm25s").setLevel(logging.NOTSET)


def chunk_text(chunk: Chunk) -> str:
    """What lexical matching sees of a chunk: title and heading path (capped, as embedded) and body."""
    return f"{heading_text(chunk)}\n{chunk.text}"


def chunk_terms(chunk: Chunk) -> list[str]:
    """Tokens BM25 sees for a chunk."""
    return analyze(chunk_text(chunk))


class LexicalIndex:
    """BM25 scores, document frequencies and per-chunk word sets over a list of chunks.

    Each chunk is tokenised once; the stems feed BM25 and the document frequencies, the
    stems plus folded words (and the folded text, for compound parts) feed coverage.
    """

    def __init__(self, chunks: Sequence[Chunk], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.n_docs = len(chunks)
        token_lists: list[list[str]] = []
        self.chunk_words: list[tuple[frozenset[str], str]] = []
        self.doc_freq: Counter[str] = Counter()
        surfaces: set[str] = set()
        for chunk in chunks:
            folded = [fold(t) for t in raw_tokens(chunk_text(chunk))]
            stems = analyze_folded(folded)
            token_lists.append(stems)
            unique_stems, unique_folded = frozenset(stems), frozenset(folded)
            self.doc_freq.update(unique_stems)
            surfaces.update(unique_folded)
            self.chunk_words.append((unique_stems | unique_folded, " " + " ".join(folded) + " "))
        self._bm25: bm25s.BM25 | None = None
        if any(token_lists):
            self._bm25 = bm25s.BM25(k1=k1, b=b)
            self._bm25.index(token_lists, show_progress=False)
        self.surfaces: frozenset[str] = frozenset(surfaces)  # folded words as written (no stems)
        self.vocabulary: frozenset[str] = frozenset(self.doc_freq) | self.surfaces
        # One string of all words: a C-level substring test finds Dutch compound parts
        # ("opvang" in "opvanglocaties") without a Python loop over the vocabulary.
        self._vocab_blob = " " + " ".join(sorted(self.vocabulary)) + " "

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for already analysed query tokens."""
        if self._bm25 is None or not query_tokens:
            return np.zeros(self.n_docs, dtype=np.float32)
        known = [t for t in query_tokens if t in self.doc_freq]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def idf(self, term: str) -> float:
        """Smoothed IDF; unseen terms get the highest weight (they are the most specific)."""
        df = self.doc_freq.get(term, 0)
        return math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def knows(self, term: str, surface: str | None = None) -> bool:
        """Whether the corpus mentions a term (exactly, or as part of a compound word)."""
        if term in self.vocabulary or (surface is not None and fold(surface) in self.vocabulary):
            return True
        probe = fold(surface) if surface else term
        return in_compound(probe, self._vocab_blob) or (probe != term and in_compound(term, self._vocab_blob))
