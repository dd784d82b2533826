"""The audit log: a hash chain that finds changed, inserted, removed and cut-off rows, on
both databases; the triggers that refuse updates; the actor that can be erased."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.core import audit
from bot.core.audit import AuditLog

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def fill(store, n: int = 5) -> AuditLog:
    clock = iter(T0 + timedelta(seconds=i, microseconds=123) for i in range(100))
    log = AuditLog(store, clock=lambda: next(clock))
    for i in range(n):
        log.record(actor=f"UKERN{i % 2}", action="escalation.claim", object_type="escalation", object_id=i + 1,
                   result=audit.RESULT_OK if i % 3 else audit.RESULT_DENIED, detail=f"n={i}")
    return log


def drop_guards(store) -> None:
    """An attacker with DDL rights removes the append-only triggers first."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_an_untouched_chain_verifies_and_lists(store):
    log = fill(store)
    assert log.verify() == audit.Verification(True, 5)
    entries = log.entries(limit=3)
    assert [e.seq for e in entries] == [3, 4, 5]
    assert [e.object_id for e in log.entries(actor="UKERN0")] == ["1", "3", "5"]
    assert entries[0].at == T0 + timedelta(seconds=2, microseconds=123)


def test_the_database_refuses_to_change_or_delete_rows(store):
    fill(store, 2)
    for statement in ("UPDATE audit_log SET result = 'ok' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 2"):
        with pytest.raises(DBAPIError):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
    assert AuditLog(store).verify().ok


@pytest.mark.parametrize("tamper, broken", [
    ("UPDATE audit_log SET result = 'ok' WHERE seq = 1", 1),
    ("UPDATE audit_log SET detail = 'n=9' WHERE seq = 2", 2),
    ("UPDATE audit_log SET actor = 'UANDER' WHERE seq = 4", 4),
    ("DELETE FROM audit_log WHERE seq = 2", 3),
    ("DELETE FROM audit_log WHERE seq = 5", 5),  # cut off the end: the head still points at #5
])
def test_tampering_is_found_at_the_first_broken_row(store, tamper, broken):
    log = fill(store)
    drop_guards(store)
    with store.engine.begin() as conn:
        conn.execute(text(tamper))
    result = log.verify()
    assert not result.ok and result.first_broken == broken, result
    assert result.reason


def test_a_recomputed_row_still_breaks_the_next_one(store):
    """Rewriting one row *with* a fresh hash is caught at the next row's prev_hash."""
    log = fill(store)
    drop_guards(store)
    with store.tx() as tx:
        row = tx.session.get(audit.AuditEntry, 1)
        row.result = "ok"
        row.hash = audit.chain_hash(row.prev_hash, row)
    result = log.verify()
    assert (result.ok, result.first_broken) == (False, 2)


def test_erasing_an_actor_keeps_the_chain_valid(store):
    log = fill(store)
    with store.tx() as tx:
        assert audit.erase_actor(tx.session, "UKERN1") == 2
    assert log.verify().ok
    assert [e.actor for e in log.entries()] == ["UKERN0", None, "UKERN0", None, "UKERN0"]


def test_concurrent_appends_form_one_chain(store):
    import threading

    log = AuditLog(store)
    barrier = threading.Barrier(6)

    def work(i: int) -> None:
        barrier.wait()
        for j in range(5):
            log.record(actor=f"U{i}", action="test", object_type="x", object_id=j)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert log.verify() == audit.Verification(True, 30)
