"""The audit log: a keyed hash chain that finds changed, inserted, removed and cut-off rows,
on both databases (against an anchor kept elsewhere too); the triggers that refuse
updates; the actor that can be erased by a privacy request, and only by one; a downgrade
that does not drop the log silently."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.core.privacy import audit
from bot.core.privacy.audit import AuditLog

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
    assert log.verify() == audit.Verification(True, 5, unkeyed=5)  # no LOKET_AUDIT_KEY in this test
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


def test_erasing_an_actor_for_a_privacy_request_keeps_the_chain_valid(store):
    from bot.core import privacy

    log = fill(store)
    report = privacy.forget(store, "UKERN1")
    assert report["core"]["audit_actor"] == 2
    assert log.verify().ok
    assert [e.actor for e in log.entries()][:5] == ["UKERN0", None, "UKERN0", None, "UKERN0"]


def test_an_actor_erased_outside_a_privacy_request_is_reported(store):
    log = fill(store)
    with store.engine.begin() as conn:  # allowed by the trigger, but not by a request
        conn.execute(text("UPDATE audit_log SET actor = NULL, actor_salt = NULL WHERE seq = 3"))
    result = log.verify()
    assert not result.ok and "zonder actor" in result.reason


def test_with_a_key_a_rewritten_chain_is_found(store, monkeypatch):
    """Someone with write access rewrites a row and recomputes the whole chain and the
    head (unkeyed, as they do not have the key): verify with the key finds it."""
    monkeypatch.setenv("LOKET_AUDIT_KEY", "geheim-buiten-de-database")
    log = fill(store)
    assert log.verify() == audit.Verification(True, 5, unkeyed=0)
    drop_guards(store)
    with store.tx() as tx:
        prev = audit.GENESIS
        for row in tx.session.query(audit.AuditEntry).order_by(audit.AuditEntry.seq):
            row.result = "ok"
            row.prev_hash, row.hash = prev, audit.chain_hash(prev, row)
            prev = row.hash
        head = tx.session.get(audit.AuditHead, audit.HEAD_ID)
        head.hash = prev
    result = log.verify()
    assert (result.ok, result.first_broken) == (False, 1), result


def test_keyed_rows_follow_older_unkeyed_ones(store, monkeypatch):
    log = fill(store, 2)
    monkeypatch.setenv("LOKET_AUDIT_KEY", "k1")
    log.record(actor="UKERN0", action="escalation.close", object_type="escalation", object_id=1)
    assert log.verify().first_broken == 1  # unkeyed rows are not accepted unless named
    assert log.verify(unkeyed_until=2) == audit.Verification(True, 3, unkeyed=2)
    monkeypatch.delenv("LOKET_AUDIT_KEY")
    assert not log.verify().ok  # the keyed row cannot be checked without the key
    monkeypatch.setenv("LOKET_AUDIT_KEY", "een-andere-sleutel")
    assert log.verify(unkeyed_until=2).first_broken == 3


def test_an_anchor_kept_elsewhere_finds_rows_cut_off_the_end(store):
    log = fill(store)
    anchor = log.head()
    assert str(anchor).startswith("5:") and audit.Anchor.parse(str(anchor)) == anchor
    assert log.verify(anchor=anchor).ok
    drop_guards(store)
    with store.engine.begin() as conn:  # cut off the last two rows and rewind the head
        conn.execute(text("DELETE FROM audit_log WHERE seq > 3"))
        conn.execute(text("UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)"))
    assert log.verify().ok  # the database alone cannot tell ...
    result = log.verify(anchor=anchor)  # ... the anchor can
    assert not result.ok and "ontbreken" in result.reason


def test_the_cli_exports_the_head_and_verifies_against_it(store, db_url, monkeypatch, capsys):
    from bot.cli import main

    fill(store, 3)
    monkeypatch.setenv("LOKET_DATABASE_URL", db_url)
    assert main(["audit", "export-head"]) == 0
    head = capsys.readouterr().out.strip()
    assert head.startswith("3:")
    assert main(["audit", "verify", "--head", head]) == 0
    assert "anker #3" in capsys.readouterr().out
    assert main(["audit", "verify", "--head", "3:" + "0" * 64]) == 1
    assert main(["audit", "verify", "--head", "onzin"]) == 1


def test_a_downgrade_does_not_drop_the_audit_log_silently(store, db_url):
    import pytest as _pytest

    from bot.store.db import downgrade

    fill(store, 2)
    store.close()
    with _pytest.raises(RuntimeError, match="audit_log holds 2 row"):
        downgrade(store.engine, revision="0003")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 2
    downgrade(store.engine, revision="0003", drop_audit_log=True)


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
    assert log.verify() == audit.Verification(True, 30, unkeyed=30)
