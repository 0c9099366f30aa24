"""Imports: a checked file's plan waiting for its one commit, and the app records migrated.

Revision ID: 8c3f1a6e2b57
Revises: 5b1e7c2d9a40
Create Date: 2026-12-03 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "8c3f1a6e2b57"
down_revision: str | None = "5b1e7c2d9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_previews",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "committed",
                name="import_preview_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("committed_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_import_previews_created_by_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_previews")),
    )
    op.create_index(
        "ix_import_previews_expires_at", "import_previews", ["expires_at"], unique=False
    )
    op.create_table(
        "frontend_records",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "source_id", name=op.f("pk_frontend_records")),
    )


def downgrade() -> None:
    op.drop_table("frontend_records")
    op.drop_index("ix_import_previews_expires_at", table_name="import_previews")
    op.drop_table("import_previews")
