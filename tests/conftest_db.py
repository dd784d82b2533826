"""Database fixtures: every store and service test runs on SQLite and, when
``LOKET_TEST_POSTGRES_URL`` is set (``eval "$(bash .ci/postgres.sh)"``), on PostgreSQL.

SQLite gets a fresh file per test; PostgreSQL a fresh schema per test (selected through
the connection's ``search_path``), dropped afterwards. Test modules import the fixtures:
``from conftest_db import db_url, store  # noqa: F401``.
"""
from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.store.repo import Store

POSTGRES_URL = os.environ.get("LOKET_TEST_POSTGRES_URL")  # test-only switch, not app config

BACKENDS = [pytest.param("sqlite", id="sqlite")]
if POSTGRES_URL:
    BACKENDS.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database of the parametrised backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'loket.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url) -> Iterator[Store]:
    """A migrated store on the parametrised backend."""
    s = Store.open(db_url)
    try:
        yield s
    finally:
        s.close()
