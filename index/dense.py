"""Vector search with faiss: exact inner product for small corpora, HNSW for large ones."""
from __future__ import annotations

import faiss
import numpy as np

DEFAULT_HNSW_THRESHOLD = 50_000


class DenseIndex:
    """Top-k cosine search over L2-normalised vectors.

    Exact search (IndexFlatIP) is fast enough well past our knowledge bases; above
    ``hnsw_threshold`` vectors an HNSW graph keeps query latency flat.
    """

    def __init__(self, vectors: np.ndarray, *, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD, hnsw_m: int = 32) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = self.vectors.shape if self.vectors.ndim == 2 else (0, 0)
        self.dim = dim
        if n >= hnsw_threshold:
            self._index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efSearch = 64
        else:
            self._index = faiss.IndexFlatIP(max(dim, 1))
        if n:
            self._index.add(self.vectors)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the ``k`` nearest vectors, best first; ids of -1 are dropped."""
        if len(self) == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores, ids = self._index.search(np.asarray(query, np.float32).reshape(1, -1), min(k, len(self)))
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Exact cosine of the query with given rows (for candidates found lexically)."""
        return self.vectors[ids] @ np.asarray(query, np.float32).reshape(-1)
