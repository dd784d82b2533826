"""Build or update an index from source folders, re-embedding only what changed.

Every chunk's embedded text is keyed by a content hash (model + text). A rebuild reuses
the vectors of unchanged chunks from the current index, so an unchanged corpus embeds
nothing and an edited file embeds only its own new chunks; chunks of removed files are
simply not written again.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

import numpy as np
from tqdm import tqdm

from .active import absolute_sources, source_digests
from .boilerplate import DEFAULT_REPEAT_MIN_DOCS, drop_repeated, repeat_threshold
from .chunking import chunk_document, embedding_text
from .documents import DROP_OPT_OUT, DROP_SKIPPED_PATH, Chunk, Document
from .embeddings import Embedder
from .loaders import LoadError
from .persist import IndexMissingError, ModelMismatchError, StoredIndex, load_index, save_index

log = logging.getLogger(__name__)


MAX_DROPPED_EXCERPT = 80  # characters of dropped text shown per item in the report


class BuildReport(NamedTuple):
    """What a build did; ``added``/``changed``/``removed`` list document paths.

    ``dropped`` counts the paragraphs/elements left out per rule (see
    :mod:`index.documents`); ``dropped_items`` lists each as "rule<TAB>path › heading<TAB>excerpt".
    """

    documents: int
    chunks: int
    embedded: int
    reused: int
    added: list[str]
    changed: list[str]
    removed: list[str]
    errors: list[str]
    seconds: float
    dropped: dict[str, int] = {}
    dropped_items: list[str] = []

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class NoTextError(LoadError):
    """Sources without a single passage to index; nothing was written."""

    def __init__(self, sources: Sequence[Path | str], *, skipped: int = 0) -> None:
        from .loaders import SUPPORTED_SUFFIXES

        label = ", ".join(str(s) for s in sources) or "(geen bronnen)"
        unreadable = f"; {skipped} bestand(en) overgeslagen, zie hierboven" if skipped else ""
        super().__init__(label, (
            f"geen tekst gevonden om te indexeren{unreadable} - kies een map met documenten "
            f"({', '.join(sorted(SUPPORTED_SUFFIXES))}); de bestaande index blijft ongewijzigd"
        ))


def embed_key(model_id: str, text: str) -> str:
    """Content hash of what is embedded, so unchanged text is never embedded twice."""
    return hashlib.sha256(f"{model_id}\n{text}".encode("utf-8")).hexdigest()[:32]


def doc_fingerprint(chunks: Sequence[Chunk]) -> str:
    """Hash of a document's chunks: changes when its text or citation data changes."""
    return hashlib.sha256("\n".join(c.id for c in chunks).encode()).hexdigest()[:24]


def _previous(index_dir: Path, model_id: str, rebuild: bool) -> StoredIndex | None:
    if rebuild:
        return None
    try:
        return load_index(index_dir, expect_model=model_id)
    except IndexMissingError:
        return None
    except ModelMismatchError:
        log.info("index built with another model: embedding everything again")
        return None


def embed_missing(
    texts: Sequence[str], keys: Sequence[str], cache: dict[str, np.ndarray], embedder: Embedder,
    *, batch_size: int = 16, progress: bool = True,
) -> int:
    """Embed the texts whose key is not in ``cache`` (adds them); returns how many."""
    todo = [(k, t) for k, t in dict(zip(keys, texts)).items() if k not in cache]
    bar = tqdm(total=len(todo), desc="Embedden", unit="passage", disable=not progress or not todo, leave=False)
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        vectors = embedder.embed_passages([t for _, t in batch])
        for (key, _), vec in zip(batch, vectors):
            cache[key] = vec
        bar.update(len(batch))
    bar.close()
    return len(todo)


def _dropped_items(documents: Sequence[Document]) -> list[str]:
    items = []
    for doc in documents:
        for d in doc.dropped:
            where = " › ".join((doc.path,) + tuple(d.heading_path[1:]))
            text = " ".join(d.text.split())
            excerpt = text if len(text) <= MAX_DROPPED_EXCERPT else text[: MAX_DROPPED_EXCERPT - 1] + "…"
            items.append(f"{d.rule}\t{where}\t{excerpt}")
    return items


def build_from_documents(
    documents: Sequence[Document], index_dir: Path, embedder: Embedder,
    *, rebuild: bool = False, progress: bool = True, errors: Sequence[str] = (), batch_size: int = 16,
    sources: Sequence[str] = (), repeat_min_docs: int = DEFAULT_REPEAT_MIN_DOCS, skipped: Sequence[str] = (),
    source_digests: dict[str, str] | None = None, require_text: bool = False, opted_out: Sequence[str] = (),
) -> BuildReport:
    """Chunk, embed (incrementally) and save ``documents`` as the index in ``index_dir``.

    Paragraphs found in ``repeat_min_docs`` or more documents (on a small site: half of
    them, at least three) are kept in the first only (:mod:`index.boilerplate`). ``sources`` (absolute paths) are recorded in the index.
    With ``require_text`` a corpus without a single passage raises :class:`NoTextError`
    and leaves the index in ``index_dir`` as it was.
    """
    started = time.perf_counter()
    documents = drop_repeated(documents, min_docs=repeat_threshold(len(documents), cap=repeat_min_docs))
    previous = _previous(Path(index_dir), embedder.model_id, rebuild)
    cache: dict[str, np.ndarray] = {}
    if previous is not None:
        cache = dict(zip(previous.embed_keys, previous.vectors))
    chunks: list[Chunk] = []
    files: dict[str, str] = {}
    for doc in documents:
        doc_chunks = chunk_document(doc)
        if doc_chunks:
            files[doc.path] = doc_fingerprint(doc_chunks)
            chunks.extend(doc_chunks)
    if require_text and not chunks:
        raise NoTextError(sources, skipped=len(errors))
    texts = [embedding_text(c) for c in chunks]
    keys = [embed_key(embedder.model_id, t) for t in texts]
    embedded = embed_missing(texts, keys, cache, embedder, batch_size=batch_size, progress=progress)
    vectors = np.stack([cache[k] for k in keys]) if keys else np.zeros((0, embedder.dim), dtype=np.float32)
    save_index(Path(index_dir), StoredIndex(
        chunks, vectors, embedder.model_id, keys, files, time.time(), tuple(sources), source_digests=source_digests or {}))
    old_files = previous.files if previous is not None else {}
    whole = [(DROP_SKIPPED_PATH, path) for path in skipped] + [(DROP_OPT_OUT, path) for path in opted_out]  # whole files
    return BuildReport(
        documents=len(files),
        chunks=len(chunks),
        embedded=embedded,
        reused=len(set(keys)) - embedded,
        added=sorted(p for p in files if p not in old_files),
        changed=sorted(p for p in files if p in old_files and old_files[p] != files[p]),
        removed=sorted(p for p in old_files if p not in files),
        errors=list(errors),
        seconds=time.perf_counter() - started,
        dropped=dict(Counter(d.rule for doc in documents for d in doc.dropped) + Counter(rule for rule, _ in whole)),
        dropped_items=_dropped_items(documents) + [f"{rule}\t{path}\t" for rule, path in whole],
    )


def build_index(
    sources: Sequence[Path | str], index_dir: Path, embedder: Embedder,
    *, rebuild: bool = False, progress: bool = True, on_error: Callable[[Exception], None] | None = None,
    repeat_min_docs: int = DEFAULT_REPEAT_MIN_DOCS, require_text: bool = False,
) -> BuildReport:
    """Load every document under ``sources`` and build the index; bad files are reported and skipped.

    A source folder that does not exist raises ``LoadError`` before anything is written:
    a typo in a path must not replace a good index with an empty one. For the same reason
    ``require_text`` refuses (:class:`NoTextError`) sources that yield no text at all (an
    empty folder, one of only unsupported or unreadable files).
    """
    from .loaders import find_source_files, load_all, skipped_source_paths

    find_source_files(sources)

    errors: list[str] = []

    def _record(exc: Exception) -> None:
        errors.append(str(exc))
        if on_error is not None:
            on_error(exc)

    digests = source_digests(sources)  # before loading: a file edited during the build counts as changed
    opted_out: list[str] = []
    documents = load_all([Path(s) for s in sources], on_error=_record, on_opt_out=opted_out.append)
    return build_from_documents(
        documents, index_dir, embedder, rebuild=rebuild, progress=progress, errors=errors,
        sources=absolute_sources(sources), repeat_min_docs=repeat_min_docs, skipped=skipped_source_paths(sources),
        source_digests=digests, require_text=require_text, opted_out=opted_out,
    )
