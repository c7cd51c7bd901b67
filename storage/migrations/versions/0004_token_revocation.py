"""api_token.revoked_at: revocation keeps the row, so ids are never reused

Revision ID: 0004_token_revocation
Revises: 0003_text_identity
Create Date: 2026-12-04 22:00:00

Deleting a revoked token let SQLite hand its id to the next token, and a browser session
that remembered the id became an admin again. Revoked tokens now stay as rows with
``revoked_at`` set; sessions also carry a fingerprint of the token's hash.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_token_revocation'
down_revision = '0003_text_identity'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_token') as batch:
        batch.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_token') as batch:
        batch.drop_column('revoked_at')
