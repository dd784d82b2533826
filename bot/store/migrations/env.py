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

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
