"""Hybrid search: dense candidates and BM25 candidates, re-scored together.

Plain reciprocal-rank fusion throws away the absolute scores that the answer-or-escalate
decision needs, so each candidate keeps its dense cosine, its BM25 score and how much of
the question's content it covers, in the chunk and on its whole page. The score adds
these shares to the cosine (as a z-score within the candidates, so the weights do not
hang on one model's cosine range), and the share its title and headings name: on sites of
many look-alike pages the section whose heading names what was asked is the one about it.
The best candidates are then read sentence by sentence, and one sentence that holds the
question lifts its passage.
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
from .mentions import MentionIndex, TextWords, split_words
from .persist import StoredIndex, load_index
from .abbreviations import Definition, defining_heading, defining_sentence, is_glossary_line, mine_abbreviations
from .background import general_weight
from .chunking import heading_text
from .spelling import Correction, Speller
from .text import Term, analyze, fold, query_terms, raw_tokens, sentences, stem

DEFAULT_CANDIDATES = 30
RERANK_DEPTH = 10  # candidates whose sentences are read closely (cheap: lexical, no embedding)


class RankWeights(NamedTuple):
    """How the evidence of a candidate adds up to its rank.

    The dense cosine enters as a z-score within the candidate set, so the other weights do
    not depend on the cosine range of one model; coverage, page coverage, heading
    coverage and best-sentence coverage are shares (0..1) and BM25 is divided by the best
    BM25 among the candidates. Chosen by ``scripts/tune_quality.py --ranking`` on the fit
    parts of several corpora (the numbers and the sets are in its output and in the README).
    """

    coverage: float = 3.0
    bm25: float = 1.5
    page: float = 1.0
    sentence: float = 0.5
    page_dense: float = 0.0
    heading: float = 2.0


DEFAULT_WEIGHTS = RankWeights()


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
    dense_z: float = 0.0  # cosine as a z-score within the candidate set
    bm25_norm: float = 0.0  # BM25 over the best BM25 among the candidates (0..1)
    page_coverage: float = 0.0  # share of question terms the chunk's whole page mentions
    sentence: float = 0.0  # share of question terms its best sentence mentions (re-ranked only)
    dense_rank: int = 0  # rank among the candidates by cosine alone (0 = first)
    bm25_rank: int = 0  # rank among the candidates by BM25 alone
    heading: float = 0.0  # share of question terms the chunk's title and heading path mention


class Query(NamedTuple):
    """An analysed question."""

    text: str  # as asked
    vector: np.ndarray
    terms: list[Term]
    tokens: list[str]
    corrections: tuple[Correction, ...] = ()  # mistyped words read as corpus words (index.spelling)
    situation: frozenset[str] = frozenset()  # stems named only in the sentences before the question sentence


class Candidates(NamedTuple):
    """The candidate rows of one question and their evidence, one array entry per row."""

    rows: np.ndarray
    dense: np.ndarray
    dense_z: np.ndarray
    bm25: np.ndarray
    bm25_norm: np.ndarray
    coverage: np.ndarray
    page_coverage: np.ndarray
    dense_rank: np.ndarray
    bm25_rank: np.ndarray
    page_dense: np.ndarray  # cosine z-score of the page: the mean of its two best candidates
    heading: np.ndarray  # share of question terms the title and heading path mention

    def first_stage(self, w: RankWeights) -> np.ndarray:
        """Score before re-ranking: cosine z-score plus weighted shares and the page's own evidence."""
        return (self.dense_z + w.coverage * self.coverage + w.bm25 * self.bm25_norm + w.page * self.page_coverage
                + w.page_dense * self.page_dense + w.heading * self.heading)


def situation_stems(question: str) -> frozenset[str]:
    """Stems named only in the sentences before the question sentence: "We zitten in de PRT
    Gelderland. Leveren jullie ook cijfers?" sketches who asks (Gelderland), then asks."""
    parts = sentences(question)
    asked = next((i for i, p in enumerate(parts) if p.rstrip().endswith("?")), len(parts) - 1)
    if asked == 0:
        return frozenset()
    before = {t.stem for t in query_terms(" ".join(parts[:asked]))}
    return frozenset(before - {t.stem for t in query_terms(" ".join(parts[asked:]))})


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values))
    return ranks


def _page_means(pages: Sequence[str], z: np.ndarray, top: int = 2) -> np.ndarray:
    """For each candidate, the mean of the ``top`` best z-scores on its page (the lowest z fills
    in for a page with fewer candidates): a page that several passages point to is likelier."""
    floor = float(z.min(initial=0.0))
    best: dict[str, list[float]] = {}
    for p, v in zip(pages, z):
        best.setdefault(p, []).append(float(v))
    means = {p: float(np.mean((sorted(v, reverse=True) + [floor] * top)[:top])) for p, v in best.items()}
    return np.array([means[p] for p in pages])


class SearchIndex:
    """A loaded index: chunks, dense vectors, BM25, term statistics and the corpus's abbreviations."""

    def __init__(self, stored: StoredIndex, embedder: Embedder) -> None:
        self.stored = stored
        self.embedder = embedder
        self.chunks = stored.chunks
        self.dense = DenseIndex(stored.vectors)
        self.lexical = LexicalIndex(stored.chunks)
        self._chunk_words = self.lexical.chunk_words
        self._page_words = self._pages()
        self.terms = MentionIndex(w for _, blob in self._chunk_words for w in blob.split())
        self._chunk_sets = [self.terms.wrap(v, frozenset(b.split()), b) for v, b in self._chunk_words]
        self._page_sets = {p: self.terms.wrap(v, frozenset(b.split()), b) for p, (v, b) in self._page_words.items()}
        # Title and heading path of each chunk (capped, as embedded), and their words once per distinct path.
        self._heading_keys = [heading_text(chunk) for chunk in self.chunks]
        self._heading_sets = {k: self.terms.wrap(*split_words(k)) for k in dict.fromkeys(self._heading_keys)}
        # Split and analysed once at load (about 0.3 s for 1,400 passages), not on a question's
        # first sight of a passage: the sentence re-read and quoting read them for every question.
        self._sentence_sets: dict[int, list[TextWords]] = {
            row: [self.terms.wrap(*split_words(s)) for s in sentences(chunk.text)] for row, chunk in enumerate(self.chunks)
        }
        self._weights: dict[Term, float] = {}
        # Headings too: a glossary written as one heading per term ("### COA — Centraal ...").
        self.abbreviations: dict[str, str] = mine_abbreviations(
            dict.fromkeys([c.text for c in self.chunks] + [h for c in self.chunks for h in c.heading_path])
        )
        self._speller: Speller | None = None
        self._definitions: dict[str, Definition | None] = {}

    def _pages(self) -> dict[str, Words]:
        """The words of each whole page (all its chunks), for evidence per page."""
        vocab: dict[str, set[str]] = {}
        blobs: dict[str, list[str]] = {}
        for chunk, (words, blob) in zip(self.chunks, self._chunk_words):
            vocab.setdefault(chunk.doc_path, set()).update(words)
            blobs.setdefault(chunk.doc_path, []).append(blob)
        return {p: (frozenset(vocab[p]), " ".join(blobs[p])) for p in vocab}

    def definition(self, token: str) -> Definition | None:
        """Where the corpus spells out the abbreviation ``token`` ("coa", "CdK"), or None when
        it defines no such short form. Case is ignored unless the corpus defines two forms
        that differ only in case; then the one written as asked wins."""
        forms = [s for s in self.abbreviations if s.lower() == token.lower()]
        short = token if token in forms else (forms[0] if forms else None)
        if short is None:
            return None
        if short not in self._definitions:
            self._definitions[short] = self._find_definition(short)
        return self._definitions[short]

    def _find_definition(self, short: str) -> Definition | None:
        """Where the corpus defines ``short``: a glossary line of the passages, else a heading
        that defines it (with the first sentence under it), else a sentence that introduces it."""
        long_folded = self.abbreviations[short]
        found = defining_sentence(short, long_folded, [c.text for c in self.chunks])
        if found is not None and is_glossary_line(short, found.sentence):
            return found
        in_heading = defining_heading(short, long_folded, [c.heading_path for c in self.chunks])
        if in_heading is None:
            return found
        row, heading = in_heading
        first = next(iter(sentences(self.chunks[row].text)), "")
        return Definition(short, row, heading, first)

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder) -> "SearchIndex":
        return cls(load_index(Path(index_dir), expect_model=embedder.model_id), embedder)

    def analyse(
        self, question: str, vector: np.ndarray | None = None, *,
        spelled: tuple[str, list[Correction]] | None = None,
    ) -> Query:
        """Embed and analyse a question once, for several uses.

        Its terms are those of the question with mistyped words corrected (:meth:`spell`;
        pass ``spelled`` when the caller already has it); a given ``vector`` should be the
        embedding of that corrected text. The query keeps the question as asked.
        """
        fixed, corrections = spelled or self.spell(question)
        if vector is None:
            vector = self.embedder.embed_queries([fixed])[0]
        return Query(question, vector, query_terms(fixed), analyze(fixed), tuple(corrections), situation_stems(fixed))

    def correct(self, question: str) -> str:
        """The question with words mistyped by a keystroke or two replaced by the corpus's
        own words (:mod:`index.spelling`); everything else as asked."""
        return self.spell(question)[0]

    def spell(self, question: str) -> tuple[str, list[Correction]]:
        """:meth:`correct`, and which words it replaced."""
        if self._speller is None:  # made on first use: most questions have no typo to look for
            self._speller = Speller(
                self.lexical.surfaces, passages=self.lexical.doc_freq, knows=lambda w: self.lexical.knows(stem(w), w),
            )
        return self._speller.fix(question)

    def knows(self, term: Term) -> bool:
        """Whether the corpus mentions a term or one of its alternatives; a hyphenated word
        ("COA-functies", "AI-leverancier") is known when the corpus knows each of its parts."""
        if self.lexical.knows(term.stem, term.surface):
            return True
        for alt in term.alternatives:
            parts = [p for p in alt.split() if len(p) > 1]
            if self.lexical.knows(alt, alt) or (len(parts) > 1 and all(self.lexical.knows(stem(p), p) for p in parts)):
                return True
        return False

    def term_weight(self, term: Term) -> float:
        """IDF of a term; names and numbers unknown to the corpus weigh the most (cached per term)."""
        found = self._weights.get(term)
        if found is None:
            if len(self._weights) >= 4096:
                self._weights.clear()
            found = self._weights[term] = self._term_weight(term)
        return found

    def _term_weight(self, term: Term) -> float:
        """Corpus IDF, capped by the word's weight in general Dutch unless it is a name or number.

        A question word the corpus never uses gets the weight of the rarest word; a common one
        ("doet", "gewoon", "alweer") is capped by :func:`index.background.general_weight`.
        """
        unseen = self.lexical.idf("\x00")
        if self.knows(term):
            weight = self.lexical.idf(term.stem) if term.stem in self.lexical.doc_freq else unseen * 0.8
        else:
            weight = unseen * (1.5 if term.salient else 1.0)
        return weight if term.salient else min(weight, general_weight(fold(term.surface), unseen))

    def mentions(self, words: Words | TextWords, term: Term) -> bool:
        """Whether a text (as from :func:`text_words` or :meth:`text`) mentions a term, also inside compounds."""
        if not isinstance(words, TextWords):  # (vocab, blob) from text_words: the same test, one mechanism
            vocab, blob = words
            words = self.terms.wrap(vocab, frozenset(blob.split()), blob)
        return self.terms.mentions(words, term)

    def weights(self, query: Query) -> list[float]:
        """The weight of each question term (compute once per question)."""
        return [self.term_weight(t) for t in query.terms]

    def share(self, query: Query, words: Words, weights: Sequence[float] | None = None) -> float:
        """IDF-weighted share of the question's terms that a text mentions."""
        if not query.terms:
            return 0.0
        weights = self.weights(query) if weights is None else weights
        covered = sum(w for t, w in zip(query.terms, weights) if self.mentions(words, t))
        return covered / max(sum(weights), 1e-9)

    def shares(self, query: Query, texts: Sequence[TextWords], weights: Sequence[float] | None = None) -> list[float]:
        """:meth:`share` of several texts (from :meth:`text` or the index's own word sets)."""
        if not query.terms:
            return [0.0] * len(texts)
        weights = self.weights(query) if weights is None else weights
        return self.terms.share(list(texts), query.terms, list(weights))

    def text(self, text: str) -> TextWords:
        """The words of any text, for :meth:`mentions` and :meth:`shares`."""
        return self.terms.text(text)

    def coverage(self, query: Query, row: int, weights: Sequence[float] | None = None) -> float:
        """IDF-weighted share of the question's terms that chunk ``row`` mentions."""
        return self.shares(query, [self._chunk_sets[row]], weights)[0]

    def page_coverage(self, query: Query, doc_path: str, weights: Sequence[float] | None = None) -> float:
        """The same share over the whole page of ``doc_path``."""
        return self.shares(query, [self._page_sets[doc_path]], weights)[0]

    def best_sentence(self, query: Query, row: int, weights: Sequence[float] | None = None) -> float:
        """The share of the best sentence of chunk ``row``: does one sentence hold the question?"""
        return max(self.shares(query, self.sentence_words(row), weights), default=0.0)

    def sentence_words(self, row: int) -> list[TextWords]:
        """The words of each sentence of chunk ``row`` (computed once per chunk, on first use)."""
        found = self._sentence_sets.get(row)
        if found is None:
            found = self._sentence_sets[row] = [self.text(s) for s in sentences(self.chunks[row].text)]
        return found

    def unknown_terms(self, query: Query) -> list[Term]:
        """Question terms the whole corpus never mentions."""
        return [t for t in query.terms if not self.knows(t)]

    def candidates(self, query: Query, n: int = DEFAULT_CANDIDATES) -> Candidates:
        """The union of the ``n`` best rows by cosine and by BM25, with their evidence."""
        _, d_ids = self.dense.search(query.vector, n)
        bm25_all = self.lexical.scores(query.tokens)
        b_ids = np.argsort(-bm25_all)[:n]
        b_ids = b_ids[bm25_all[b_ids] > 0]
        rows = np.asarray(list(dict.fromkeys([int(i) for i in d_ids] + [int(i) for i in b_ids])), dtype=np.int64)
        dense = self.dense.score(query.vector, rows).astype(np.float64)
        bm25 = bm25_all[rows].astype(np.float64)
        weights = self.weights(query)
        pages = [self.chunks[r].doc_path for r in rows]
        distinct = list(dict.fromkeys(pages))
        page_cov = dict(zip(distinct, self.shares(query, [self._page_sets[p] for p in distinct], weights)))
        dense_z = (dense - dense.mean()) / max(float(dense.std()), 1e-3)
        heads = [self._heading_keys[int(r)] for r in rows]
        distinct_heads = list(dict.fromkeys(heads))
        head_share = dict(zip(distinct_heads, self.shares(query, [self._heading_sets[h] for h in distinct_heads], weights)))
        return Candidates(
            rows=rows,
            dense=dense,
            dense_z=dense_z,
            bm25=bm25,
            bm25_norm=bm25 / max(float(bm25.max(initial=0.0)), 1e-9),
            coverage=np.array(self.shares(query, [self._chunk_sets[int(r)] for r in rows], weights)),
            page_coverage=np.array([page_cov[self.chunks[r].doc_path] for r in rows]),
            dense_rank=_ranks(dense),
            bm25_rank=_ranks(bm25),
            page_dense=_page_means(pages, dense_z),
            heading=np.array([head_share[h] for h in heads]),
        )

    def search(
        self, query: Query, *, k: int = 5, candidates: int = DEFAULT_CANDIDATES,
        weights: RankWeights = DEFAULT_WEIGHTS, mode: str = "hybrid", rerank_depth: int = RERANK_DEPTH,
    ) -> list[Hit]:
        """Top ``k`` chunks. ``mode`` is "hybrid", "dense" or "bm25" (the last two for comparison).

        Hybrid: a first-stage score over all candidates, then the best ``rerank_depth`` are
        read sentence by sentence and gain ``weights.sentence`` x their best sentence's share.
        """
        if not self.chunks:
            return []
        c = self.candidates(query, candidates)
        if len(c.rows) == 0:
            return []
        score = {"dense": c.dense, "bm25": c.bm25}.get(mode)
        sentence = np.zeros(len(c.rows))
        if score is None:
            score = c.first_stage(weights)
            if weights.sentence:
                term_w = self.weights(query)
                for i in np.argsort(-score, kind="stable")[:rerank_depth]:
                    sentence[i] = self.best_sentence(query, int(c.rows[i]), term_w)
                score = score + weights.sentence * sentence
        hits = [
            Hit(self.chunks[int(r)], float(score[i]), float(c.dense[i]), float(c.bm25[i]), float(c.coverage[i]),
                int(r), float(c.dense_z[i]), float(c.bm25_norm[i]), float(c.page_coverage[i]), float(sentence[i]),
                int(c.dense_rank[i]), int(c.bm25_rank[i]), float(c.heading[i]))
            for i, r in enumerate(c.rows)
        ]
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]


def search_texts(index: SearchIndex, questions: Sequence[str], **kwargs) -> list[list[Hit]]:
    """Convenience for benchmarks: search several questions with one batched embedding."""
    vectors = index.embedder.embed_queries(list(questions))
    return [index.search(index.analyse(q, v), **kwargs) for q, v in zip(questions, vectors)]
