"""Bulk transfers: the transfers of one bulk-transfer document share its id.

Revision ID: 5b1e7c2d9a40
Revises: 088a2ed555e0
Create Date: 2026-12-03 16:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e7c2d9a40"
down_revision: str | None = "088a2ed555e0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (no batch copy of a table others reference).
    op.add_column("transfers", sa.Column("batch_id", sa.Uuid(), nullable=True))
    op.create_index("ix_transfers_batch_id", "transfers", ["batch_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_transfers_batch_id", table_name="transfers")
    op.drop_column("transfers", "batch_id")
