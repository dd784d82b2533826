"""Embeddings of small texts (expert profiles, lessons, announcements), cached by content hash.

The key is ``index.build.embed_key`` (model + text), the same as the index's own, so a
text is embedded once per model: an unchanged expert profile or lesson is never embedded
again, within a process (a shared in-memory table) or across restarts (an ``.npz`` file
in the data dir, written atomically).

A cache must not outlive the text it was made from: a lesson whose text a privacy request
changed (a mention of the person scrubbed) or that was removed leaves a vector, and the
key is a hash of the old text (it confirms a guessed text). Each user of a cache keeps
its own file and calls :meth:`VectorCache.retain` with the texts it uses now; vectors of
other texts are dropped from memory and from the file.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from index.build import embed_key
from index.embeddings import Embedder

log = logging.getLogger(__name__)

_MEMORY: dict[str, np.ndarray] = {}  # embed_key -> vector; shared: tests start many runtimes
_LOCK = threading.Lock()


class VectorCache:
    """Passage vectors by content hash, optionally persisted in ``path``."""

    def __init__(self, embedder: Embedder, path: Path | None = None) -> None:
        self.embedder = embedder
        self.path = Path(path) if path else None
        self.embedded = 0  # how many texts this cache had to embed (for tests and logs)
        self._lock = threading.Lock()  # the embedder is not guaranteed thread-safe
        self._used: set[str] = set()  # keys this cache loaded or handed out (what retain may drop)
        self._load()

    def keys(self, texts: Sequence[str]) -> list[str]:
        return [embed_key(self.embedder.model_id, t) for t in texts]

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text; only unknown texts are embedded."""
        keys = self.keys(texts)
        with _LOCK:
            known = {k: _MEMORY[k] for k in keys if k in _MEMORY}
        todo = [k for k in dict.fromkeys(keys) if k not in known]
        if todo:
            wanted = dict(zip(keys, texts))
            with self._lock:
                vectors = self.embedder.embed_passages([wanted[k] for k in todo])
            fresh = dict(zip(todo, np.asarray(vectors, dtype=np.float32)))
            with _LOCK:
                _MEMORY.update(fresh)
            known.update(fresh)
            self.embedded += len(todo)
        if not self._used.issuperset(keys):  # new to this cache (maybe embedded by another): persist
            self._save(keys)
        self._used.update(keys)
        if not keys:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([known[k] for k in keys])

    def retain(self, texts: Sequence[str]) -> int:
        """Keep only the vectors of ``texts`` among those this cache loaded or made (memory
        and file); returns how many were dropped. Another cache that needs a dropped
        vector again embeds it again."""
        keep = set(self.keys(texts))
        stale = self._used - keep
        if stale:
            with _LOCK:
                for key in stale:
                    _MEMORY.pop(key, None)
            self._used -= stale
        if self.path is not None and self.path.exists():
            self._write({k: v for k, v in self._read_file().items() if k in keep})
        if stale:
            log.info("embedding cache %s: %d vector(s) of texts no longer used dropped", self.path, len(stale))
        return len(stale)

    def query(self, text: str) -> np.ndarray:
        """A query vector (not cached: questions rarely repeat)."""
        with self._lock:
            return self.embedder.embed_queries([text])[0]

    # -- persistence ---------------------------------------------------------------------------
    def _read_file(self) -> dict[str, np.ndarray]:
        """The vectors in ``path`` ({} if missing or unreadable)."""
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("embedding cache %s unreadable (%s)", self.path, type(exc).__name__)
            return {}

    def _load(self) -> None:
        loaded = self._read_file()
        with _LOCK:
            for key, vec in loaded.items():
                _MEMORY.setdefault(key, vec.astype(np.float32))
        self._used.update(loaded)

    def _save(self, keys: Sequence[str]) -> None:
        """Write the vectors of ``keys`` plus what the file held."""
        if self.path is None:
            return
        previous = self._read_file()
        with _LOCK:
            previous.update({k: _MEMORY[k] for k in keys if k in _MEMORY})
        if previous:
            self._write(previous)

    def _write(self, vectors: dict[str, np.ndarray]) -> None:
        """Replace the file by ``vectors`` atomically (tmp + rename); an empty cache removes it."""
        if self.path is None:
            return
        if not vectors:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.{threading.get_ident()}.tmp.npz")
        try:
            np.savez(tmp, keys=np.array(list(vectors)), vectors=np.stack(list(vectors.values())))
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("embedding cache %s not written: %s", self.path, type(exc).__name__)
            tmp.unlink(missing_ok=True)
