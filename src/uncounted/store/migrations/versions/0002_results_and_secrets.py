"""Linkage runs with their entity assignments, estimate results, and the workspace's secrets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 (written by hand to match the models; `tests/store/test_migrations.py` checks that the
head's schema equals the models on SQLite and PostgreSQL)

Only new tables: a workspace upgraded from 0001 keeps every row it had, and has no linkage run or estimate
in the store until it next links or estimates (its entities.csv and estimate.json stay where they were).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('linkage_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('n_records', sa.Integer(), nullable=False),
    sa.Column('n_entities', sa.Integer(), nullable=False),
    sa.Column('n_links', sa.Integer(), nullable=False),
    sa.Column('diagnostics', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('linkage_entities',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('record_id', sa.Text(), nullable=False),
    sa.Column('entity_id', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['linkage_runs.id'], ),
    sa.PrimaryKeyConstraint('run_id', 'source', 'record_id')
    )
    op.create_table('estimate_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('n_observed', sa.Integer(), nullable=False),
    sa.Column('estimate', sa.Float(), nullable=True),
    sa.Column('lower', sa.Float(), nullable=True),
    sa.Column('upper', sa.Float(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('workspace_secrets',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('workspace_secrets')
    op.drop_table('estimate_results')
    op.drop_table('linkage_entities')
    op.drop_table('linkage_runs')
