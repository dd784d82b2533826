"""Monitoring: signals (with their history and escalation links), provincial plans (with
their history), weekly summaries (one row per ISO week) and SLA reminders of escalations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:58:02.114806
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('provincial_plans',
    sa.Column('province', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('next_milestone', sa.Text(), nullable=True),
    sa.Column('milestone_date', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('province', name=op.f('pk_provincial_plans'))
    )
    op.create_table('signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=False),
    sa.Column('theme', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('source_channel_id', sa.String(length=64), nullable=True),
    sa.Column('source_ts', sa.String(length=32), nullable=True),
    sa.Column('source_permalink', sa.Text(), nullable=True),
    sa.Column('lrt_channel_id', sa.String(length=64), nullable=True),
    sa.Column('lrt_escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lrt_escalated_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signals'))
    )
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.create_index('ix_signals_status', ['status'], unique=False)
        batch_op.create_index('ix_signals_updated_at', ['updated_at'], unique=False)

    op.create_table('weekly_summaries',
    sa.Column('iso_week', sa.String(length=8), nullable=False),
    sa.Column('claimed_by', sa.String(length=128), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.String(length=64), nullable=True),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('iso_week', name=op.f('pk_weekly_summaries'))
    )
    op.create_table('plan_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['province'], ['provincial_plans.province'], name=op.f('fk_plan_changes_province_provincial_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_changes'))
    )
    with op.batch_alter_table('plan_changes', schema=None) as batch_op:
        batch_op.create_index('ix_plan_changes_at', ['at'], unique=False)

    op.create_table('signal_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['signal_id'], ['signals.id'], name=op.f('fk_signal_changes_signal_id_signals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signal_changes'))
    )
    with op.batch_alter_table('signal_changes', schema=None) as batch_op:
        batch_op.create_index('ix_signal_changes_at', ['at'], unique=False)
        batch_op.create_index('ix_signal_changes_signal', ['signal_id', 'at'], unique=False)

    op.create_table('escalation_reminders',
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_escalation_reminders_escalation_id_escalations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('escalation_id', name=op.f('pk_escalation_reminders'))
    )
    op.create_table('signal_escalations',
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_signal_escalations_escalation_id_escalations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signal_id'], ['signals.id'], name=op.f('fk_signal_escalations_signal_id_signals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('signal_id', 'escalation_id', name=op.f('pk_signal_escalations'))
    )


def downgrade() -> None:
    op.drop_table('signal_escalations')
    op.drop_table('escalation_reminders')
    with op.batch_alter_table('signal_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_signal_changes_signal')
        batch_op.drop_index('ix_signal_changes_at')

    op.drop_table('signal_changes')
    with op.batch_alter_table('plan_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_changes_at')

    op.drop_table('plan_changes')
    op.drop_table('weekly_summaries')
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_index('ix_signals_updated_at')
        batch_op.drop_index('ix_signals_status')

    op.drop_table('signals')
    op.drop_table('provincial_plans')
