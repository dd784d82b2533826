"""Finding experts: the directory (reloaded when its files change) and its matcher.

:class:`ExpertFinder` is what ``/deskundige``, the "wie weet er iets van …?" answer and
the suggestions on escalations share. The directory is read again when one of its files
changes (a stat per look-up); the matcher is rebuilt then, which embeds only profiles
whose text changed (see :class:`~bot.core.network.vector_cache.VectorCache`).
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from .experts import Directory, expert_files, load_directory
from .matcher import ExpertMatch, ExpertMatcher
from .vector_cache import VectorCache

log = logging.getLogger(__name__)


class ExpertFinder:
    """The expert directory of ``paths`` and a matcher over it."""

    def __init__(self, paths: Sequence[Path | str], cache: VectorCache) -> None:
        self.paths = [Path(p) for p in paths]
        self.cache = cache
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._directory = Directory()
        self._matcher: ExpertMatcher | None = None

    def _current_stamp(self) -> tuple:
        stamp = []
        for path in expert_files(self.paths):
            try:
                st = path.stat()
                stamp.append((str(path), st.st_mtime_ns, st.st_size))
            except OSError:
                continue
        return tuple(stamp)

    def _refresh(self) -> None:
        stamp = self._current_stamp()
        if stamp == self._stamp and self._matcher is not None:
            return
        directory = load_directory(self.paths)
        self._matcher = ExpertMatcher(directory.experts, self.cache)
        self.cache.retain(self._matcher.texts)  # profiles that changed or left the directory
        self._directory, self._stamp = directory, stamp
        log.info("expert directory loaded: %d expert(s), %d problem(s)", len(directory.experts), len(directory.problems))

    @property
    def directory(self) -> Directory:
        with self._lock:
            self._refresh()
            return self._directory

    @property
    def matcher(self) -> ExpertMatcher:
        with self._lock:
            self._refresh()
            assert self._matcher is not None
            return self._matcher

    def match(self, text: str, *, k: int = 3, vector: np.ndarray | None = None, **kw) -> list[ExpertMatch]:
        """The best available experts for ``text`` (see :meth:`ExpertMatcher.match`)."""
        return self.matcher.match(text, k=k, vector=vector, **kw)
