"""Teams: the weekly summary is claimed per platform. Slack keeps the bare ISO week as its
key ("2026-W48"), Teams claims "2026-W48@teams" (``bot.core.monitoring.weekly_job``), so the key
column gets room for the suffix.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 08:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("weekly_summaries", schema=None) as batch_op:
        batch_op.alter_column("iso_week", existing_type=sa.String(length=8), type_=sa.String(length=24),
                              existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM weekly_summaries WHERE iso_week LIKE '%@%'")
    with op.batch_alter_table("weekly_summaries", schema=None) as batch_op:
        batch_op.alter_column("iso_week", existing_type=sa.String(length=24), type_=sa.String(length=8),
                              existing_nullable=False)
