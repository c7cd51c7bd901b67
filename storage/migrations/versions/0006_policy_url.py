"""policy_url: every URL a policy lived at, and how it was found

Revision ID: 0006_policy_url
Revises: 0005_version_language
Create Date: 2026-12-04 22:25:00

A policy that moves (``backfill --follow-moves``, a live check that re-discovers it) keeps
one timeline; this table says where it lived: the URL, its source (given, homepage,
redirect), when it was found, and the homepage capture that linked to it. Additive:
existing policies get no rows (``policywatch urls`` derives their URLs from snapshots).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_policy_url'
down_revision = '0005_version_language'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'policy_url',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('policy_id', sa.Integer(), sa.ForeignKey('policy.id'), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('found_at', sa.DateTime(), nullable=False),
        sa.Column('homepage_capture', sa.Text(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.UniqueConstraint('policy_id', 'url', name='uq_policy_url'),
    )
    op.create_index('ix_policy_url_policy_id', 'policy_url', ['policy_id'])


def downgrade() -> None:
    op.drop_index('ix_policy_url_policy_id', table_name='policy_url')
    op.drop_table('policy_url')
