"""Loket's own replies in the asker's conversation (the answer, the "sent to the core team"
note, follow-up notes) are recorded by message id, so that the right to erasure reaches
them: ``reply_messages`` (question, conversation, message id, thread root, kind).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reply_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("message_ts", sa.String(length=200), nullable=False),
        sa.Column("thread_ts", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE",
                                name=op.f("fk_reply_messages_question_id_questions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_messages")),
        sa.UniqueConstraint("channel_id", "message_ts", name="uq_reply_messages_channel_message"),
    )
    op.create_index(op.f("ix_reply_messages_question_id"), "reply_messages", ["question_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reply_messages_question_id"), table_name="reply_messages")
    op.drop_table("reply_messages")
