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


def upgrade() -> None:
    with op.batch_alter_table('policy') as batch:
        batch.add_column(sa.Column('render', sa.String(length=10), nullable=False,
                                   server_default='auto'))
    with op.batch_alter_table('snapshot') as batch:
        batch.add_column(sa.Column('render', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('plain_body_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('check_attempt') as batch:
        batch.add_column(sa.Column('render', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('check_attempt') as batch:
        batch.drop_column('render')
    with op.batch_alter_table('snapshot') as batch:
        batch.drop_column('plain_body_sha256')
        batch.drop_column('render')
    with op.batch_alter_table('policy') as batch:
        batch.drop_column('render')
