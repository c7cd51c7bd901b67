"""deployment-wide rate limits (one row per limited endpoint)

Revision ID: 0002_rate_limits
Revises: 0001
Create Date: 2026-11-22 04:20:00

Workers of a distributed deployment share Wayback request budgets through this table:
each row is the next moment a request to its endpoint may start, booked with one atomic
UPDATE, and the end of any pause declared after a 429.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002_rate_limits'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_limit',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('next_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paused_until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('rate_limit')
