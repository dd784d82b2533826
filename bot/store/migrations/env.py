"""Alembic environment: runs on the engine handed over by ``bot.store.db.alembic_config``.

There is no alembic.ini: the migrations ship inside the package so ``migrate()`` works from
an installed wheel. To write a new revision during development::

    python -m bot.store.revision "add a column"
"""
from __future__ import annotations

from alembic import context

from bot.store.db import make_engine
from bot.store.models import Base

config = context.config
engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))



def _sqlite_foreign_keys(connection, on: bool) -> None:
    """Switch SQLite's foreign keys, on the driver connection (outside any transaction,
    where SQLite ignores the pragma). Batch migrations copy a table and drop the old one:
    with foreign keys on, that drop would cascade into the tables that refer to it."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, False)
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,  # SQLite cannot ALTER most things
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, True)
