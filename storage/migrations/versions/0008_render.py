"""render: per-policy rendering mode and how each snapshot and check got its body

Revision ID: 0008_render
Revises: 0007_version_search
Create Date: 2026-12-05 00:20:00

Additive. ``policy.render`` is ``auto`` (render a script shell in a browser when one is
available), ``never`` or ``always``; existing policies become ``auto``. ``snapshot.render``
says how the stored body was obtained (``plain`` or ``rendered``; NULL on older rows: plain)
and ``snapshot.plain_body_sha256`` keeps the plain fetch's body of a rendered snapshot.
``check_attempt.render`` is the choice a check made (``plain``, ``rendered``, or
``reused``: an unchanged shell whose last rendering still stands).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_render'
down_revision = '0007_version_search'
branch_labels = None
depends_on = None


# Plain ALTER TABLE (SQLite 3.35+ drops columns in place): a batch rebuild of snapshot
# would trip the foreign keys that point at it.


def upgrade() -> None:
    op.add_column('policy', sa.Column('render', sa.String(length=10), nullable=False,
                                      server_default='auto'))
    op.add_column('snapshot', sa.Column('render', sa.String(length=10), nullable=True))
    op.add_column('snapshot', sa.Column('plain_body_sha256', sa.String(length=64),
                                        nullable=True))
    op.add_column('check_attempt', sa.Column('render', sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column('check_attempt', 'render')
    op.drop_column('snapshot', 'plain_body_sha256')
    op.drop_column('snapshot', 'render')
    op.drop_column('policy', 'render')
