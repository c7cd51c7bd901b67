"""snapshot.text_identity: the version identity of a snapshot's text

Revision ID: 0003_text_identity
Revises: 0002_rate_limits
Create Date: 2026-12-04 21:40:00

Two snapshots whose texts differ only in volatile tokens (per-fetch ids in link paths,
session tokens, cache busters) have the same identity and make one version; the text
itself is stored exactly as extracted. Rows written before this column fall back to
text_sha256; ``policywatch reextract`` fills it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_text_identity'
down_revision = '0002_rate_limits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('snapshot') as batch:
        batch.add_column(sa.Column('text_identity', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('snapshot') as batch:
        batch.drop_column('text_identity')
