"""Telling a database outage from a bug: the first is worth trying again later."""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError as PoolTimeout


def is_transient(exc: BaseException) -> bool:
    """True for errors that mean "the database is not reachable right now"
    (connection refused or lost, pool exhausted, SQLite locked or unopenable)."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)
