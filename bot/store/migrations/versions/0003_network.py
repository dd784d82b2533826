"""Network function and proactive information: announcements and lessons learned
(``knowledge_items``), expert suggestions on escalations, referrals to experts, and the
details of requests for practical support.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("province", sa.String(length=32), nullable=True),
        sa.Column("theme", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_items")),
    )
    op.create_index("ix_knowledge_items_kind", "knowledge_items", ["kind", "created_at"], unique=False)
    op.create_table(
        "expert_suggestions",
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("expert_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"],
                                name=op.f("fk_expert_suggestions_escalation_id_escalations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("escalation_id", name=op.f("pk_expert_suggestions")),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.String(length=64), nullable=False),
        sa.Column("expert_name", sa.String(length=200), nullable=False),
        sa.Column("expert_slack_user_id", sa.String(length=64), nullable=True),
        sa.Column("expert_email", sa.String(length=200), nullable=True),
        sa.Column("asker_user_id", sa.String(length=64), nullable=False),
        sa.Column("referred_by", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"],
                                name=op.f("fk_referrals_escalation_id_escalations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("escalation_id", "expert_id", name="uq_referrals_escalation_expert"),
    )
    op.create_table(
        "support_requests",
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=32), nullable=False),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"],
                                name=op.f("fk_support_requests_escalation_id_escalations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("escalation_id", name=op.f("pk_support_requests")),
    )


def downgrade() -> None:
    op.drop_table("support_requests")
    op.drop_table("referrals")
    op.drop_table("expert_suggestions")
    op.drop_index("ix_knowledge_items_kind", table_name="knowledge_items")
    op.drop_table("knowledge_items")
