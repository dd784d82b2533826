"""Test helper: make the database's clock "pass" for leases (every lease runs out now)."""
from __future__ import annotations

from sqlalchemy import text

from bot.store.repo import Store

LEASE_COLUMNS = {"processed_events": "lease_until", "escalations": "post_lease_until", "outbox": "lease_until"}


def expire_leases(store: Store, *, seconds: float = 3600.0) -> None:
    """Move every lease ``seconds`` into the past (as if the holder died that long ago)."""
    with store.engine.begin() as conn:
        for table, column in LEASE_COLUMNS.items():
            if store.engine.dialect.name == "sqlite":
                value = f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-{seconds:.3f} seconds') || '000'"
            else:
                value = f"clock_timestamp() - interval '{seconds:.3f} seconds'"
            conn.execute(text(f"UPDATE {table} SET {column} = {value} WHERE {column} IS NOT NULL"))
