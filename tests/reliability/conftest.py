"""Fixtures for the reliability tests: the databases (conftest_db) and the Slack harness
of the adapter tests (a real Loket over loopback HTTP against the fake Slack Web API)."""
from conftest_db import db_url, store  # noqa: F401  (fixtures)
from slack_adapter.conftest import fake_slack, loket, settings, start_loket  # noqa: F401  (fixtures)

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def prebuilt_data(tmp_path_factory, shared_corpus, embedder):
    """A data dir with the index of the shared corpus built, so server processes start fast."""
    from bot.settings import Settings
    from index.build import build_index

    path = tmp_path_factory.mktemp("reliability-data")
    build_index([shared_corpus], Settings(data_dir=path).with_sources((str(shared_corpus),)).index_dir, embedder, progress=False)
    return path


@pytest.fixture
def servers(fake_slack, prebuilt_data, shared_corpus):
    """Start ``loket serve`` processes (``start(db_url, **env)``); all are stopped afterwards."""
    from .servers import start_server

    started = []

    def start(db_url: str, **env: str):
        server = start_server(fake_slack, prebuilt_data, shared_corpus, db_url, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.kill()
        server.logfile.close()
