"""Hybrid search: dense candidates and BM25 candidates, re-scored together.

Plain reciprocal-rank fusion throws away the absolute scores that the answer-or-escalate
decision needs, so each candidate keeps its dense cosine, its BM25 score and how much of
the question's content it covers; the final score adds a coverage bonus to the cosine.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

from .dense import DenseIndex
from .documents import Chunk
from .embeddings import Embedder
from .lexical import LexicalIndex
from .persist import StoredIndex, load_index
from .text import Term, analyze, fold, in_compound, query_terms, raw_tokens

DEFAULT_CANDIDATES = 30
# Measured on three question sets (shared corpus dev, our own shared-corpus questions,
# Algoritmekader pages), hit@1: dense alone .72/.75/.41, BM25 alone .76/.92/.65,
# cosine + 0.05 x coverage .92/.92/.65. Adding normalised BM25 on top did not help
# consistently, so its weight defaults to 0; BM25 still proposes candidates.
DEFAULT_COVERAGE_WEIGHT = 0.05
DEFAULT_BM25_WEIGHT = 0.0


Words = tuple[frozenset[str], str]


@lru_cache(maxsize=8192)
def text_words(text: str) -> Words:
    """Stems + folded words of a text, and its folded text for compound matching.

    The shape :meth:`SearchIndex.mentions` takes; cached because the same passages and
    sentences come up again and again.
    """
    folded = [fold(t) for t in raw_tokens(text)]
    return frozenset(analyze(text)) | frozenset(folded), " " + " ".join(folded) + " "


class Hit(NamedTuple):
    """One ranked chunk with the evidence behind its rank."""

    chunk: Chunk
    score: float  # hybrid score used for ranking
    dense: float  # cosine similarity with the question
    bm25: float
    coverage: float  # IDF-weighted share of question terms the chunk mentions (0..1)
    index: int  # row in the index


class Query(NamedTuple):
    """An analysed question."""

    text: str
    vector: np.ndarray
    terms: list[Term]
    tokens: list[str]


class SearchIndex:
    """A loaded index: chunks, dense vectors, BM25 and term statistics."""

    def __init__(self, stored: StoredIndex, embedder: Embedder) -> None:
        self.stored = stored
        self.embedder = embedder
        self.chunks = stored.chunks
        self.dense = DenseIndex(stored.vectors)
        self.lexical = LexicalIndex(stored.chunks)
        self._chunk_words = self.lexical.chunk_words

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder) -> "SearchIndex":
        return cls(load_index(Path(index_dir), expect_model=embedder.model_id), embedder)

    def analyse(self, question: str, vector: np.ndarray | None = None) -> Query:
        """Embed and analyse a question once, for several uses."""
        if vector is None:
            vector = self.embedder.embed_queries([question])[0]
        return Query(question, vector, query_terms(question), analyze(question))

    def knows(self, term: Term) -> bool:
        """Whether the corpus mentions a term or one of its alternatives."""
        if self.lexical.knows(term.stem, term.surface):
            return True
        return any(self.lexical.knows(alt, alt) for alt in term.alternatives)

    def term_weight(self, term: Term) -> float:
        """IDF of a term; names and numbers unknown to the corpus weigh the most."""
        if self.knows(term):
            return self.lexical.idf(term.stem) if term.stem in self.lexical.doc_freq else self.lexical.idf("\x00") * 0.8
        return self.lexical.idf("\x00") * (1.5 if term.salient else 1.0)

    def mentions(self, words: Words, term: Term) -> bool:
        """Whether a text (as from :meth:`_words`) mentions a term, also inside compounds."""
        vocab, blob = words
        surface = fold(term.surface)
        if term.stem in vocab or surface in vocab:
            return True
        if in_compound(surface, blob) or (not term.salient and in_compound(term.stem, blob)):
            return True
        return any(f" {alt} " in blob for alt in term.alternatives)

    def weights(self, query: Query) -> list[float]:
        """The weight of each question term (compute once per question)."""
        return [self.term_weight(t) for t in query.terms]

    def coverage(self, query: Query, row: int, weights: Sequence[float] | None = None) -> float:
        """IDF-weighted share of the question's terms that chunk ``row`` mentions."""
        if not query.terms:
            return 0.0
        words = self._chunk_words[row]
        weights = self.weights(query) if weights is None else weights
        covered = sum(w for t, w in zip(query.terms, weights) if self.mentions(words, t))
        return covered / max(sum(weights), 1e-9)

    def unknown_terms(self, query: Query) -> list[Term]:
        """Question terms the whole corpus never mentions."""
        return [t for t in query.terms if not self.knows(t)]

    def search(
        self, query: Query, *, k: int = 5, candidates: int = DEFAULT_CANDIDATES,
        coverage_weight: float = DEFAULT_COVERAGE_WEIGHT, bm25_weight: float = DEFAULT_BM25_WEIGHT,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """Top ``k`` chunks. ``mode`` is "hybrid", "dense" or "bm25" (the last two for comparison)."""
        if not self.chunks:
            return []
        d_scores, d_ids = self.dense.search(query.vector, candidates)
        bm25_all = self.lexical.scores(query.tokens)
        b_ids = np.argsort(-bm25_all)[:candidates]
        b_ids = b_ids[bm25_all[b_ids] > 0]
        rows = list(dict.fromkeys([int(i) for i in d_ids] + [int(i) for i in b_ids]))
        dense = self.dense.score(query.vector, np.asarray(rows, dtype=np.int64))
        weights = self.weights(query)
        bm25_max = max(float(bm25_all[rows].max()), 1e-9)
        hits = []
        for row, dsc in zip(rows, dense):
            cov = self.coverage(query, row, weights)
            bm25 = float(bm25_all[row])
            hybrid = float(dsc) + coverage_weight * cov + bm25_weight * bm25 / bm25_max
            score = {"dense": float(dsc), "bm25": bm25, "hybrid": hybrid}[mode]
            hits.append(Hit(self.chunks[row], score, float(dsc), bm25, cov, row))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]


def search_texts(index: SearchIndex, questions: Sequence[str], **kwargs) -> list[list[Hit]]:
    """Convenience for benchmarks: search several questions with one batched embedding."""
    vectors = index.embedder.embed_queries(list(questions))
    return [index.search(index.analyse(q, v), **kwargs) for q, v in zip(questions, vectors)]
