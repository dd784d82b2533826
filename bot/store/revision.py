"""Write a new migration from the difference between the models and the migrations.

Development only: ``python -m bot.store.revision "what changed"``. It migrates a throwaway
SQLite database to head and lets Alembic autogenerate the next revision into
``bot/store/migrations/versions``; review the file before committing it.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from bot.store.db import alembic_config, make_engine, migrate


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print('usage: python -m bot.store.revision "message"', file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        migrate(engine)
        command.revision(alembic_config(engine), message=args[0], autogenerate=True)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
