"""Reliability: inbox columns on processed_events, question source keys, escalation post
leases, the outbox's order within a thread, the append-only audit log (hash chain) and the
shared job table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Chained on 0003 (network: knowledge items, expert suggestions, referrals, support requests).
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

# The audit log is append-only: rows cannot be deleted, and an update may only erase the
# actor (a privacy request). Anyone able to drop the trigger can still tamper; that is
# what the hash chain (loket audit verify) detects.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    IF NEW.seq IS DISTINCT FROM OLD.seq OR NEW.at IS DISTINCT FROM OLD.at
       OR NEW.actor_digest IS DISTINCT FROM OLD.actor_digest OR NEW.action IS DISTINCT FROM OLD.action
       OR NEW.object_type IS DISTINCT FROM OLD.object_type OR NEW.object_id IS DISTINCT FROM OLD.object_id
       OR NEW.result IS DISTINCT FROM OLD.result OR NEW.detail IS DISTINCT FROM OLD.detail
       OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash OR NEW.hash IS DISTINCT FROM OLD.hash
       OR NEW.actor IS NOT NULL AND NEW.actor IS DISTINCT FROM OLD.actor
       OR NEW.actor_salt IS NOT NULL AND NEW.actor_salt IS DISTINCT FROM OLD.actor_salt THEN
        RAISE EXCEPTION 'audit_log is append-only (only the actor may be erased)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""
SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    WHEN NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.actor_digest IS NOT OLD.actor_digest
      OR NEW.action IS NOT OLD.action OR NEW.object_type IS NOT OLD.object_type
      OR NEW.object_id IS NOT OLD.object_id OR NEW.result IS NOT OLD.result OR NEW.detail IS NOT OLD.detail
      OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
      OR (NEW.actor IS NOT NULL AND NEW.actor IS NOT OLD.actor)
      OR (NEW.actor_salt IS NOT NULL AND NEW.actor_salt IS NOT OLD.actor_salt)
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (only the actor may be erased)'); END""",
)


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_questions_source_key"), ["source_key"])

    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("post_attempts", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_key", sa.String(length=32), server_default="", nullable=False))

    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=16), server_default="done", nullable=False))
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_processed_events_status", ["status", "lease_until"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("actor_salt", sa.String(length=32), nullable=True),
        sa.Column("actor_digest", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_actor", ["actor"], unique=False)

    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])

    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(length=128), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
    _create_triggers()


def _create_triggers() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    elif op.get_context().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    _refuse_to_drop_audit_rows()
    op.drop_table("job_runs")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_actor")
    op.drop_table("audit_log")  # its triggers go with it
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_events_status")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("attempts")
        batch_op.drop_column("payload")
        batch_op.drop_column("status")
        batch_op.drop_column("kind")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sort_key")

    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("post_attempts")
        batch_op.drop_column("post_lease_until")

    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_questions_source_key"), type_="unique")
        batch_op.drop_column("source_key")


def _refuse_to_drop_audit_rows() -> None:
    """A downgrade never drops the audit log silently: with rows in it, it stops unless the
    caller said so (``bot.store.db.downgrade(..., drop_audit_log=True)``, after exporting
    it with ``loket audit list --json``)."""
    rows = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM audit_log")).scalar() or 0
    if rows and not op.get_context().config.attributes.get("drop_audit_log"):
        raise RuntimeError(
            f"audit_log holds {rows} row(s): a downgrade below 0004 would drop them. Export them first "
            "(loket audit list --json --limit N) and downgrade with drop_audit_log=True."
        )
