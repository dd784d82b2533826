"""Documents from the database, searched together with the knowledge base.

Announcements and lessons learned live in the database (the source of truth: every
replica sees the same, privacy requests and backups reach them). To make them findable
they are chunked like any document, embedded with the desk's embedder (through the
content-hash cache, so an unchanged item is never embedded again) and merged *in memory*
into the desk's index: ``SearchIndex(base chunks + extra chunks)``.

Why merge into one index rather than keep a second one next to it (as verified answers
are): the desk's confidence depends on corpus-wide statistics (IDF weights, "does the
knowledge base know this word at all?"). A lesson about "Apeldoorn" must make that name
known, or a question about it is escalated however well the lesson answers it. One
merged index keeps every evidence signal, citation and validity rule the same for all
documents. Why not Markdown files in the data dir: they would be a second copy per
replica that can drift from the database, and saving a lesson would need an index build.

The base index is the one the desk had when the layer was attached (without extras merged
by an earlier layer); if someone gives the desk a new index (a reload), that one becomes
the base at the next update.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from typing import Any, Protocol, Sequence

import numpy as np

from index.chunking import chunk_document, embedding_text
from index.documents import Chunk, Document
from index.persist import StoredIndex
from index.search import SearchIndex

from .vector_cache import VectorCache

log = logging.getLogger(__name__)


class IndexedDesk(Protocol):
    index: SearchIndex

    def use_index(self, index: SearchIndex) -> None: ...


def merge(base: SearchIndex, chunks: Sequence[Chunk], vectors: np.ndarray, keys: Sequence[str]) -> SearchIndex:
    """A new index: ``base`` followed by ``chunks`` (base rows keep their numbers)."""
    stored = base.stored
    files = dict(stored.files)
    files.update({c.doc_path: c.id for c in chunks})
    merged = StoredIndex(
        chunks=list(stored.chunks) + list(chunks),
        vectors=np.vstack([stored.vectors, vectors]) if len(chunks) else stored.vectors,
        model_id=stored.model_id,
        embed_keys=list(stored.embed_keys) + list(keys),
        files=files,
        built_at=stored.built_at,
        ingest=stored.ingest,
    )
    index = SearchIndex(merged, base.embedder)
    index.base_index = base  # type: ignore[attr-defined]  # what a later layer merges into
    return index


def base_of(index: SearchIndex) -> SearchIndex:
    """The knowledge base without extra documents (``index`` itself if nothing was merged)."""
    return getattr(index, "base_index", index)


def digest(documents: Sequence[Document]) -> str:
    """Changes when any document's path, title, metadata or text changes."""
    h = hashlib.sha256()
    for doc in documents:
        h.update(repr((doc.path, doc.title, sorted(doc.meta.items()),
                       [(s.heading_path, s.text) for s in doc.sections])).encode())
    return h.hexdigest()[:24]


class ExtraDocuments:
    """Keeps the desk's index equal to the knowledge base plus ``documents`` (see module docstring)."""

    def __init__(self, desk: Any, cache: VectorCache) -> None:
        self.desk: IndexedDesk = desk
        self.cache = cache
        self._base: SearchIndex = base_of(desk.index)
        self._merged: SearchIndex | None = None
        self._digest: str | None = None
        self._lock = threading.Lock()

    def set(self, documents: Sequence[Document]) -> bool:
        """Make the desk search the knowledge base plus ``documents``; False if nothing changed."""
        key = digest(documents)
        with self._lock:
            current = self.desk.index
            if self._merged is not None and current is not self._merged:
                log.info("the desk has a new index: merging the extra documents into it")
                self._base = base_of(current)
            elif key == self._digest:
                return False
            chunks = [c for doc in documents for c in chunk_document(doc)]
            texts = [embedding_text(c) for c in chunks]
            vectors = self.cache.passages(texts)
            merged = merge(self._base, chunks, vectors, self.cache.keys(texts))
            self.desk.use_index(merged)
            self._merged, self._digest = merged, key
            self.cache.retain(texts)  # vectors of changed or removed items (a privacy request) go
        log.info("extra documents in the index: %d document(s), %d chunk(s)", len(documents), len(chunks))
        return True
