"""Scheduled jobs: the period each job was last claimed for, so one process runs it.

Revision ID: 5c1d7e0a9b21
Revises: 5a1e5d2c0f16
Create Date: 2026-12-03 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from carpet_shop.core.types import UTCDateTime

revision: str = "5c1d7e0a9b21"
down_revision: str | None = "5a1e5d2c0f16"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_jobs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_period", sa.BigInteger(), nullable=False),
        sa.Column("last_claimed_at", UTCDateTime(), nullable=False),
        sa.Column("last_worker", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_jobs")),
    )


def downgrade() -> None:
    op.drop_table("scheduled_jobs")
