"""version.language: the language each version's text is written in

Revision ID: 0005_version_language
Revises: 0004_token_revocation
Create Date: 2026-12-05 10:00:00

ISO 639-1 code detected from the text (``diffing.detect_language``), ``und`` when the text
is too short or mixed to tell, NULL until detected: existing rows are filled lazily the
next time the policy's summaries are refreshed (any check, history view or ``reextract``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_version_language'
down_revision = '0004_token_revocation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('version') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('version') as batch:
        batch.drop_column('language')
