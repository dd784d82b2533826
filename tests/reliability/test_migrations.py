"""Migration 0004 on both databases: an empty database, a populated one (its rows keep
their data and get sensible values in the new columns), and the way back down."""
from __future__ import annotations

from datetime import datetime, timezone

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.store.db import alembic_config, current_revision, downgrade, make_engine, migrate

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)
NEW_TABLES = {"audit_log", "audit_head", "job_runs"}


def before_0004(engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_revision("0004").down_revision


def populate(conn) -> None:
    """Rows as the schema before 0004 knows them."""
    conn.execute(text(
        "INSERT INTO questions (id, user_id, channel_id, via, text, created_at) "
        "VALUES (1, 'UASK', 'DASK', 'dm', 'Hoeveel plekken?', :now)"), {"now": NOW})
    conn.execute(text(
        "INSERT INTO escalations (id, question_id, kind, status, asker_user_id, asker_channel_id, reply_count, "
        "created_at) VALUES (1, 1, 'vraag', 'open', 'UASK', 'DASK', 0, :now)"), {"now": NOW})
    conn.execute(text("INSERT INTO processed_events (event_id, created_at) VALUES ('Ev1', :now)"), {"now": NOW})
    conn.execute(text(
        "INSERT INTO outbox (id, kind, channel_id, payload, dedupe_key, status, attempts, next_attempt_at, "
        "created_at) VALUES (1, 'claimed', 'DASK', '{}', 'k1', 'pending', 0, :now, :now)"), {"now": NOW})


def test_upgrade_a_populated_database_and_downgrade_again(db_url):
    engine = make_engine(db_url)
    previous = before_0004(engine)
    migrate(engine, revision=previous)
    with engine.begin() as conn:
        populate(conn)

    migrate(engine)
    assert current_revision(engine) == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert NEW_TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status, attempts, payload FROM processed_events")).one() == ("done", 0, None)
        assert conn.execute(text("SELECT post_attempts, post_lease_until FROM escalations")).one() == (0, None)
        assert conn.execute(text("SELECT text, source_key FROM questions")).one() == ("Hoeveel plekken?", None)
        assert conn.execute(text("SELECT seq FROM audit_head")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 1

    downgrade(engine, revision=previous)
    assert current_revision(engine) == previous
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    assert "source_key" not in {c["name"] for c in inspect(engine).get_columns("questions")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM questions")).scalar() == "Hoeveel plekken?"
        assert conn.execute(text("SELECT count(*) FROM processed_events")).scalar() == 1
    migrate(engine)  # and up again
    engine.dispose()


def test_empty_database_up_to_head_and_down_to_base(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    assert NEW_TABLES <= set(inspect(engine).get_table_names())
    downgrade(engine)
    assert inspect(engine).get_table_names() in ([], ["alembic_version"])
    engine.dispose()
