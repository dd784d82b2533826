"""Embeddings of small texts (expert profiles, lessons, announcements), cached by content hash.

The key is ``index.build.embed_key`` (model + text), the same as the index's own, so a
text is embedded once per model: an unchanged expert profile or lesson is never embedded
again, within a process (a shared in-memory table) or across restarts (an ``.npz`` file
in the data dir, written atomically).
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
        self._load()

    def keys(self, texts: Sequence[str]) -> list[str]:
        return [embed_key(self.embedder.model_id, t) for t in texts]

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text; only unknown texts are embedded."""
        keys = self.keys(texts)
        with _LOCK:
            todo = list(dict.fromkeys(k for k in keys if k not in _MEMORY))
        if todo:
            wanted = dict(zip(keys, texts))
            with self._lock:
                vectors = self.embedder.embed_passages([wanted[k] for k in todo])
            with _LOCK:
                _MEMORY.update(zip(todo, np.asarray(vectors, dtype=np.float32)))
            self.embedded += len(todo)
            self._save(keys)
        if not keys:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        with _LOCK:
            return np.stack([_MEMORY[k] for k in keys])

    def query(self, text: str) -> np.ndarray:
        """A query vector (not cached: questions rarely repeat)."""
        with self._lock:
            return self.embedder.embed_queries([text])[0]

    # -- persistence ---------------------------------------------------------------------------
    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            with np.load(self.path, allow_pickle=False) as data:
                loaded = dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("embedding cache %s unreadable (%s): starting empty", self.path, type(exc).__name__)
            return
        with _LOCK:
            for key, vec in loaded.items():
                _MEMORY.setdefault(key, vec.astype(np.float32))

    def _save(self, keys: Sequence[str]) -> None:
        """Write the vectors of ``keys`` plus what the file held (atomically: tmp + rename)."""
        if self.path is None:
            return
        previous: dict[str, np.ndarray] = {}
        if self.path.exists():
            try:
                with np.load(self.path, allow_pickle=False) as data:
                    previous = dict(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):
                previous = {}
        with _LOCK:
            previous.update({k: _MEMORY[k] for k in keys if k in _MEMORY})
        if not previous:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.{threading.get_ident()}.tmp.npz")
        try:
            np.savez(tmp, keys=np.array(list(previous)), vectors=np.stack(list(previous.values())))
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("embedding cache %s not written: %s", self.path, type(exc).__name__)
            tmp.unlink(missing_ok=True)
