"""Reliability: fenced leases (a token per lease on inbox rows, outbox posts and escalation
posts; the outbox lease apart from its retry time), the per-channel posting pace shared
by all replicas, and the thread and ts of inbox rows (a relay waits for earlier messages
of its thread that are still unprocessed), and the author of the message a signal was
logged from ("Log als signaal"), so a privacy request reaches it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("thread_key", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("sort_key", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_processed_events_thread", ["thread_key"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_lease_token", sa.String(length=32), nullable=True))
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_user_id", sa.String(length=64), nullable=True))
    op.create_table(
        "channel_pace",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("next_free_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_pace")),
    )


def downgrade() -> None:
    op.drop_table("channel_pace")
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_column("source_user_id")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("post_lease_token")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_token")
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_events_thread")
        batch_op.drop_column("sort_key")
        batch_op.drop_column("thread_key")
        batch_op.drop_column("lease_token")
