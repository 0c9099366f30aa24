"""Catalog and stock ledger: collections, sizes, products, stock movements.

Revision ID: 26a0b68639bf
Revises: 634d13ca630b
Create Date: 2026-11-22 01:19:55.783727
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "26a0b68639bf"
down_revision: str | None = "634d13ca630b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("icon", sa.String(length=16), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("name", name=op.f("uq_collections_name")),
    )
    op.create_table(
        "products",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "Gilamlar",
                "Paloslar",
                "Joynamozlar",
                "Metrajlar",
                "Ovalniy",
                "Kovriy",
                name="product_category",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("collection_id", sa.Uuid(), nullable=False),
        sa.Column(
            "type",
            sa.Enum("unit", "meter", name="product_type", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("buy_price", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("sell_price", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("sell_price_per_meter", carpet_shop.core.types.Hundredths(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("total_length", carpet_shop.core.types.Hundredths(), nullable=True),
        sa.Column("remaining_length", carpet_shop.core.types.Hundredths(), nullable=True),
        sa.Column("max_quantity", sa.Integer(), nullable=True),
        sa.Column("available_sizes", sa.JSON(), nullable=False),
        sa.Column("photo", sa.String(length=255), nullable=True),
        sa.Column("photo_thumb", sa.String(length=255), nullable=True),
        sa.Column("low_stock_threshold", carpet_shop.core.types.Hundredths(), nullable=True),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "buy_price > 0 AND sell_price > 0", name=op.f("ck_products_prices_positive")
        ),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_products_quantity_not_negative")),
        sa.CheckConstraint(
            "remaining_length IS NULL OR remaining_length >= 0",
            name=op.f("ck_products_length_not_negative"),
        ),
        sa.CheckConstraint(
            "remaining_length IS NULL OR total_length IS NULL OR remaining_length <= total_length",
            name=op.f("ck_products_length_within_roll"),
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_products_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_products_collection_id_collections"),
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["users.id"],
            name=op.f("fk_products_deleted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "idx_products_branch_category", ["branch_id", "category"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_products_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_products_collection_id"), ["collection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_products_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            "ix_products_live_name",
            ["name"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "sizes",
        sa.Column("size", sa.String(length=20), nullable=False),
        sa.Column("width", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("height", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("collection_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_sizes_positive")),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_sizes_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sizes")),
    )
    with op.batch_alter_table("sizes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sizes_collection_id"), ["collection_id"], unique=False)
        batch_op.create_index("uq_sizes_size_collection", ["size", "collection_id"], unique=True)

    op.create_table(
        "stock_movements",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "initial",
                "edit",
                "sale",
                "return",
                "transfer_out",
                "transfer_in",
                "transfer_cancelled",
                "adjustment",
                "import",
                name="movement_kind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("delta", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("balance_after", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_stock_movements_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_movements_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stock_movements_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_movements_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            "ix_stock_movements_document", ["document_type", "document_id"], unique=False
        )
        batch_op.create_index(
            "ix_stock_movements_product_created", ["product_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_product_created")
        batch_op.drop_index("ix_stock_movements_document")
        batch_op.drop_index(batch_op.f("ix_stock_movements_branch_id"))

    op.drop_table("stock_movements")
    with op.batch_alter_table("sizes", schema=None) as batch_op:
        batch_op.drop_index("uq_sizes_size_collection")
        batch_op.drop_index(batch_op.f("ix_sizes_collection_id"))

    op.drop_table("sizes")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_products_live_name",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_products_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_products_collection_id"))
        batch_op.drop_index(batch_op.f("ix_products_branch_id"))
        batch_op.drop_index("idx_products_branch_category")

    op.drop_table("products")
    op.drop_table("collections")
