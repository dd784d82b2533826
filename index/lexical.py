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

from .documents import Chunk
from .text import analyze, fold, in_compound, raw_tokens


# bm25s sets its own logger to DEBUG at import; let the application's level decide.
logging.getLogger("bm25s").setLevel(logging.NOTSET)


def chunk_terms(chunk: Chunk) -> list[str]:
    """Tokens BM25 sees for a chunk: heading path + body."""
    return analyze(" ".join(chunk.heading_path) + "\n" + chunk.text)


class LexicalIndex:
    """BM25 scores and document frequencies over a list of chunks."""

    def __init__(self, chunks: Sequence[Chunk], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.n_docs = len(chunks)
        token_lists = [chunk_terms(c) for c in chunks]
        self._bm25: bm25s.BM25 | None = None
        if any(token_lists):
            self._bm25 = bm25s.BM25(k1=k1, b=b)
            self._bm25.index(token_lists, show_progress=False)
        self.doc_freq: Counter[str] = Counter()
        surfaces: set[str] = set()
        for chunk, toks in zip(chunks, token_lists):
            self.doc_freq.update(set(toks))
            surfaces.update(fold(t) for t in raw_tokens(chunk.title + " " + " ".join(chunk.heading_path) + " " + chunk.text))
        self.vocabulary: frozenset[str] = frozenset(self.doc_freq) | frozenset(surfaces)
        # One string of all words: a C-level substring test finds Dutch compound parts
        # ("opvang" in "opvanglocaties") without a Python loop over the vocabulary.
        self._vocab_blob = "\n" + "\n".join(sorted(self.vocabulary)) + "\n"

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
