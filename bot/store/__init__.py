"""Loket's database: SQLite by default, PostgreSQL via ``postgresql+psycopg://``.

``Store.open(settings.db_url)`` connects and migrates to head; ``Store.tx()`` is one
transaction. The schema is owned by the Alembic migrations in ``migrations/``.
"""
from bot.store.db import make_engine, migrate
from bot.store.repo import Store, Tx

__all__ = ["Store", "Tx", "make_engine", "migrate"]
