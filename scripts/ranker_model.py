"""Features of a search candidate and linear rankers fitted on them (numpy only), for tune_ranker.py.

Every candidate of :meth:`index.search.SearchIndex.candidates` is described by the
evidence the hand-weighted sum already uses, by cheap signals that name neither a corpus
nor a page (heading words, chunk kind, length, candidates from the same page), and by
ranks within the candidate set (ranks do not drift with a corpus's score ranges). Two
features depend on a first stage (:class:`index.search.RankWeights`): its rank, and the
best-sentence share where the re-read would read it (its top ten). They are filled in per
weights, so that a leave-one-corpus-out fit can take them from weights chosen without the
held-out corpus.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from index.chunking import CHUNK_KIND, heading_text
from index.documents import SECTION_LINKS, SECTION_SUMMARY
from index.search import RERANK_DEPTH, Candidates, Query, RankWeights, SearchIndex

STATIC: tuple[str, ...] = (
    "dense_z",  # cosine as a z-score within the candidates
    "bm25_norm",  # BM25 over the best BM25 among the candidates
    "coverage",  # IDF-weighted share of question terms the chunk mentions
    "page_coverage",  # ... its whole page mentions
    "page_dense",  # mean z-score of the page's two best candidates
    "sentence",  # ... its best sentence mentions (every candidate read)
    "dense_rank",  # 1 / (1 + rank by cosine alone)
    "bm25_rank",  # 1 / (1 + rank by BM25 alone)
    "heading",  # share of question terms the title and heading path mention
    "summary",  # 1 for a page's front-matter summary
    "links",  # 1 for a list of only links
    "log_words",  # log(1 + words in the chunk)
    "page_count",  # log(number of candidates from the same page)
    "coverage_rank",  # 1 / (1 + rank by coverage)
    "page_coverage_rank",  # 1 / (1 + rank by page coverage)
    "sentence_rank",  # 1 / (1 + rank by best-sentence share)
    "coverage_x_page",  # coverage x page coverage
    "coverage_best",  # 1 when no candidate covers more
)
STAGED: tuple[str, ...] = (
    "first_rank",  # 1 / (1 + rank by the first stage of the given weights)
    "sentence_top",  # best-sentence share inside that first stage's top ten, else 0
)
FEATURES = STATIC + STAGED
EVIDENCE = STATIC[:8]  # what the hand-weighted sum has (as values and ranks)


def inverse_rank(values: np.ndarray) -> np.ndarray:
    """1 / (1 + rank), rank 0 for the largest value (ties in input order)."""
    order = np.argsort(-np.asarray(values, dtype=np.float64), kind="stable")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(len(order))
    return 1.0 / (1.0 + ranks)


def static_features(index: SearchIndex, query: Query, c: Candidates, sentence: np.ndarray) -> np.ndarray:
    """One row of :data:`STATIC` per candidate (``sentence``: best-sentence share of each)."""
    weights = index.weights(query)
    chunks = [index.chunks[int(r)] for r in c.rows]
    kinds = [ch.meta.get(CHUNK_KIND) for ch in chunks]
    pages = [ch.doc_path for ch in chunks]
    per_page = {p: pages.count(p) for p in set(pages)}
    sentence = np.asarray(sentence, dtype=np.float64)
    columns = {
        "dense_z": c.dense_z, "bm25_norm": c.bm25_norm, "coverage": c.coverage, "page_coverage": c.page_coverage,
        "page_dense": c.page_dense, "sentence": sentence,
        "dense_rank": 1.0 / (1.0 + c.dense_rank), "bm25_rank": 1.0 / (1.0 + c.bm25_rank),
        "heading": np.array(index.shares(query, [index.text(heading_text(ch)) for ch in chunks], weights)),
        "summary": np.array([k == SECTION_SUMMARY for k in kinds], dtype=np.float64),
        "links": np.array([k == SECTION_LINKS for k in kinds], dtype=np.float64),
        "log_words": np.log1p([len(ch.text.split()) for ch in chunks]),
        "page_count": np.log([per_page[p] for p in pages]),
        "coverage_rank": inverse_rank(c.coverage), "page_coverage_rank": inverse_rank(c.page_coverage),
        "sentence_rank": inverse_rank(sentence), "coverage_x_page": c.coverage * c.page_coverage,
        "coverage_best": (c.coverage >= c.coverage.max() - 1e-9).astype(np.float64),
    }
    return np.column_stack([columns[f] for f in STATIC]).astype(np.float64)


def staged_features(c: Candidates, sentence: np.ndarray, w: RankWeights) -> np.ndarray:
    """The :data:`STAGED` columns for the first stage of weights ``w``."""
    first = c.first_stage(w)
    top = np.zeros(len(first))
    top[np.argsort(-first, kind="stable")[:RERANK_DEPTH]] = 1.0
    return np.column_stack([inverse_rank(first), top * np.asarray(sentence, dtype=np.float64)])


def fit_pairwise(questions: Sequence[tuple[np.ndarray, np.ndarray]], *, l2: float) -> np.ndarray:
    """Logistic loss on (positive - negative) within each question, each question weighing 1; Newton."""
    diffs, weights = [], []
    for x, y in questions:
        pos, neg = x[y], x[~y]
        d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, x.shape[1])
        diffs.append(d)
        weights.append(np.full(len(d), 1.0 / max(len(d), 1)))
    x, w = np.vstack(diffs), np.concatenate(weights)
    coef = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ coef, -30, 30)))
        grad = x.T @ (w * (p - 1.0)) + l2 * coef
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        coef -= step
        if np.abs(step).max() < 1e-8:
            break
    return coef


def _listwise_loss(questions: Sequence[tuple[np.ndarray, np.ndarray]], coef: np.ndarray, l2: float) -> float:
    loss = 0.5 * l2 * float(coef @ coef)
    for x, y in questions:
        z = x @ coef
        loss += float(np.log(np.exp(z - z.max()).sum()) + z.max() - z[y].mean())
    return loss


def fit_listwise(questions: Sequence[tuple[np.ndarray, np.ndarray]], *, l2: float) -> np.ndarray:
    """Softmax over each question's candidates, mean log-probability of its positives; damped Newton."""
    d = questions[0][0].shape[1]
    coef = np.zeros(d)
    for _ in range(50):
        grad, hess = l2 * coef, l2 * np.eye(d)
        for x, y in questions:
            z = x @ coef
            p = np.exp(z - z.max())
            p /= p.sum()
            mean = x.T @ p
            grad += mean - x[y].mean(axis=0)
            hess += (x * p[:, None]).T @ x - np.outer(mean, mean)
        step = np.linalg.solve(hess, grad)
        t, before = 1.0, _listwise_loss(questions, coef, l2)
        while _listwise_loss(questions, coef - t * step, l2) > before and t > 1e-4:
            t /= 2
        coef -= t * step
        if np.abs(t * step).max() < 1e-8:
            break
    return coef


class Ranker:
    """Standardise, then a linear score; fitted on (feature rows, boolean labels) per question."""

    def __init__(self, questions: Sequence[tuple[np.ndarray, np.ndarray]], *, l2: float, listwise: bool = False) -> None:
        stacked = np.vstack([x for x, _ in questions])
        self.mean = stacked.mean(axis=0)
        scale = stacked.std(axis=0)
        self.scale = np.where(scale > 1e-9, scale, 1.0)
        usable = [((x - self.mean) / self.scale, y) for x, y in questions if y.any() and (~y).any()]
        self.coef = (fit_listwise if listwise else fit_pairwise)(usable, l2=l2)

    def score(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef
