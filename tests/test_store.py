"""The store: migrations, engine set-up, and the constraints that make processing exactly-once."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.store.db import (
    SQLITE_BUSY_TIMEOUT_MS, SQLITE_PATIENT_BUSY_TIMEOUT_MS, alembic_config, current_revision, downgrade, make_engine,
    migrate,
)
from bot.store.models import Base, Escalation, OutboxPost, ProcessedEvent, Question
from bot.store.repo import Store
from conftest_db import db_url, store  # noqa: F401  (fixtures)

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)
TABLES = {"questions", "escalations", "verified_answers", "processed_events", "outbox"}


def _head(engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def _question(tx, text: str = "Wat kost een opvangplek?") -> Question:
    return tx.add_question(user_id="U1", channel_id="D1", message_ts="1.1", conversation_ts="1.1", via="dm",
                           text=text, created_at=NOW)


def test_upgrade_empty_database_to_head_and_downgrade_to_base(db_url):
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == _head(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    downgrade(engine)
    assert current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate(db_url).dispose()  # a URL works too, and upgrading again after a downgrade
    assert current_revision(engine) == _head(engine)
    engine.dispose()


def test_migrations_match_the_models(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrate_twice_is_harmless(db_url):
    engine = migrate(db_url)
    migrate(engine)
    assert current_revision(engine) == _head(engine)
    engine.dispose()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'loket.db'}")  # creates the directory
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert 1000 <= conn.exec_driver_sql("PRAGMA busy_timeout").scalar() < 3000  # fits Slack's 3-s ack
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: an ack survives a power loss
    engine.dispose()


def test_sqlite_reads_do_not_wait_for_a_writer(tmp_path):
    import time

    from sqlalchemy.exc import OperationalError

    store = Store.open(f"sqlite:///{tmp_path / 'loket.db'}")
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.tx() as tx:  # BEGIN IMMEDIATE: holds the write lock ...
            tx.session.add(ProcessedEvent(event_id="EvW", created_at=NOW))
            tx.session.flush()
            holding.set()
            release.wait(10)  # ... for a long while

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    try:
        started = time.monotonic()
        with store.read() as tx:
            assert tx.session.get(ProcessedEvent, "EvW") is None  # reads at once, the committed state
        assert time.monotonic() - started < 0.5
        started = time.monotonic()
        with pytest.raises(OperationalError):  # a second writer gives up within the ack budget
            store.claim_event("EvOther", now=NOW)
        assert time.monotonic() - started < 3.0
    finally:
        release.set()
        thread.join(10)
        store.close()


def test_sqlite_busy_timeout_is_set_per_transaction(tmp_path):
    """A patient transaction's longer wait must not stay on the pooled connection: the next
    ordinary transaction (an acknowledgement) on that connection waits 2 s again."""
    store = Store.open(f"sqlite:///{tmp_path / 'loket.db'}")
    store.engine.dispose()  # one connection from here on, reused by every transaction below

    def busy_timeout(tx) -> tuple[int, int]:
        conn = tx.session.connection()
        return id(conn.connection.dbapi_connection), conn.exec_driver_sql("PRAGMA busy_timeout").scalar()

    try:
        with store.tx(patient=True) as tx:
            first, patient = busy_timeout(tx)
        with store.tx() as tx:
            again, ordinary = busy_timeout(tx)
        with store.tx(patient=True) as tx:
            assert busy_timeout(tx) == (first, SQLITE_PATIENT_BUSY_TIMEOUT_MS)
        with store.read() as tx:
            assert busy_timeout(tx) == (first, SQLITE_BUSY_TIMEOUT_MS)
        assert again == first
        assert (patient, ordinary) == (SQLITE_PATIENT_BUSY_TIMEOUT_MS, SQLITE_BUSY_TIMEOUT_MS)
        assert SQLITE_PATIENT_BUSY_TIMEOUT_MS > SQLITE_BUSY_TIMEOUT_MS
    finally:
        store.close()


def test_event_ids_are_claimed_once_even_after_a_restart(db_url):
    first = Store.open(db_url)
    assert first.claim_event("Ev1", now=NOW) is True
    assert first.claim_event("Ev1", now=NOW) is False
    assert first.claim_event("Ev2", now=NOW) is True
    first.close()
    second = Store.open(db_url)  # a new process: the memory is in the database
    assert second.claim_event("Ev1", now=NOW) is False
    second.close()


def test_concurrent_claims_of_one_event_let_exactly_one_through(store):
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def claim() -> None:
        barrier.wait()
        results.append(store.claim_event("EvRace", now=NOW))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]


def test_a_question_has_at_most_one_escalation_and_the_transaction_survives(store):
    with store.tx() as tx:
        q = _question(tx)
        tx.add_escalation(question_id=q.id, asker_user_id="U1", asker_channel_id="D1", created_at=NOW)
        with pytest.raises(IntegrityError):
            tx.add_escalation(question_id=q.id, asker_user_id="U1", asker_channel_id="D1", created_at=NOW)
        _question(tx, "nog een vraag")  # the savepoint kept the transaction usable
    with store.tx() as tx:
        assert tx.session.query(Escalation).count() == 1
        assert tx.session.query(Question).count() == 2
        assert tx.escalation_for_question(q.id).status == "open"


def test_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError):
        with store.tx() as tx:
            tx.add_escalation(question_id=999, asker_user_id="U1", asker_channel_id="D1", created_at=NOW)


def test_duplicate_outbox_key_is_skipped_without_losing_the_state_change(store):
    with store.tx() as tx:
        q = _question(tx)
        first = tx.enqueue_post(kind="x", channel_id="D1", thread_ts="1.1", payload={"n": 1}, dedupe_key="k", now=NOW)
        again = tx.enqueue_post(kind="x", channel_id="D1", thread_ts="1.1", payload={"n": 2}, dedupe_key="k", now=NOW)
    assert isinstance(first, int) and again is None
    with store.tx() as tx:
        assert tx.question(q.id).text == "Wat kost een opvangplek?"
        posts = tx.session.query(OutboxPost).all()
        assert [(p.dedupe_key, p.payload) for p in posts] == [("k", {"n": 1})]


def test_an_aborted_transaction_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError):
        with store.tx() as tx:
            _question(tx)
            tx.enqueue_post(kind="x", channel_id="D1", thread_ts=None, payload={}, dedupe_key="k", now=NOW)
            raise RuntimeError("crash before commit")
    with store.tx() as tx:
        assert tx.session.query(Question).count() == 0
        assert tx.session.query(OutboxPost).count() == 0


def test_text_is_stored_as_given(store):
    odd = "  Vraag met ‘quotes’, emoji 🙂,\nnieuwe regel en <tags> & 100% — ëï  "
    with store.tx() as tx:
        qid = _question(tx, odd).id
    with store.tx() as tx:
        assert tx.question(qid).text == odd


def test_schema_lives_where_the_url_points(store):
    """The PostgreSQL fixture isolates tests by schema; make sure the tables went there."""
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            schema = conn.execute(text("select current_schema()")).scalar()
            assert schema.startswith("t_")
            assert TABLES <= set(inspect(conn).get_table_names(schema=schema))
        else:
            assert TABLES <= set(inspect(conn).get_table_names())


def test_prune_forgets_old_conversations_but_keeps_active_escalations_and_knowledge(store):
    from datetime import timedelta

    old, recent = NOW - timedelta(days=400), NOW - timedelta(days=1)
    with store.tx() as tx:
        q_old = tx.add_question(user_id="U1", channel_id="D1", via="dm", text="oud", created_at=old)
        q_old_followup = tx.add_question(user_id="U1", channel_id="D1", via="dm", text="oud 2",
                                         followup_of_id=q_old.id, created_at=recent)
        q_old_open = tx.add_question(user_id="U1", channel_id="D1", via="dm", text="oud, open", created_at=old)
        q_new = tx.add_question(user_id="U1", channel_id="D1", via="dm", text="nieuw", created_at=recent)
        closed = tx.add_escalation(question_id=q_old.id, status="closed", asker_user_id="U1", asker_channel_id="D1",
                                   created_at=old)
        tx.add_escalation(question_id=q_old_open.id, status="open", asker_user_id="U1", asker_channel_id="D1",
                          created_at=old)
        tx.add_verified(question="oud", answer="antwoord", escalation_id=closed.id, created_at=old)
        tx.enqueue_post(kind="x", channel_id="D1", thread_ts=None, payload={}, dedupe_key="sent", now=old)
        tx.outbox_post(1).status = "sent"
        tx.enqueue_post(kind="x", channel_id="D1", thread_ts=None, payload={}, dedupe_key="pending", now=old)
    store.claim_event("EvOld", now=old)
    store.claim_event("EvNew", now=recent)
    with store.tx() as tx:
        counts = tx.prune(questions_before=NOW - timedelta(days=365), bookkeeping_before=NOW - timedelta(days=14))
    assert counts == {"questions": 1, "events": 1, "posts": 1}
    with store.tx() as tx:
        assert sorted(q.text for q in tx.session.query(Question)) == ["nieuw", "oud 2", "oud, open"]
        assert tx.question(q_old_followup.id).followup_of_id is None
        assert [e.question_id for e in tx.session.query(Escalation)] == [q_old_open.id]
        [kept] = tx.all_verified()
        assert (kept.answer, kept.escalation_id) == ("antwoord", None)
        assert [p.dedupe_key for p in tx.session.query(OutboxPost)] == ["pending"]
        assert tx.question(q_new.id).text == "nieuw"
    assert store.claim_event("EvNew", now=NOW) is False
    assert store.claim_event("EvOld", now=NOW) is True  # forgotten, as intended
