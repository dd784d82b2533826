"""The database's clock, for leases.

Replicas' clocks differ; a lease written with one server's clock and checked with
another's can run out early (two workers) or late (work left lying). So lease times are
computed *in SQL* from the database's own clock: ``db_now()`` and ``db_after(seconds)``
are SQL expressions that render ``CURRENT_TIMESTAMP``-based values on PostgreSQL and the
same text format SQLAlchemy stores on SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC), so
they compare correctly with stored ``DateTime`` columns on both.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from bot.store.models import as_utc


class db_after(FunctionElement):  # noqa: N801 - reads like a function in queries
    """The database's current time plus ``seconds`` (a float; negative for the past)."""

    type = DateTime(timezone=True)
    inherit_cache = True

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = float(seconds)
        super().__init__()


def db_now() -> db_after:
    """The database's current time."""
    return db_after(0.0)


@compiles(db_after, "postgresql")
def _pg(element: db_after, compiler, **kw) -> str:
    # clock_timestamp(): the real time, not the start of a (possibly long) transaction.
    return f"(clock_timestamp() + interval '{element.seconds:.6f} seconds')"


@compiles(db_after, "sqlite")
def _sqlite(element: db_after, compiler, **kw) -> str:
    # strftime gives milliseconds; pad to the six digits SQLAlchemy writes, so the text
    # compares (and parses) like a stored value.
    return f"(strftime('%Y-%m-%d %H:%M:%f', 'now', '{element.seconds:+.3f} seconds') || '000')"


@compiles(db_after)
def _default(element: db_after, compiler, **kw) -> str:
    return "CURRENT_TIMESTAMP"


def read_db_now(session: Session) -> datetime:
    """The database's current time as an aware UTC datetime."""
    value = session.scalar(select(db_now()))
    if isinstance(value, str):  # SQLite returns text for an expression
        value = datetime.fromisoformat(value)
    return as_utc(value) or datetime.now(timezone.utc)
