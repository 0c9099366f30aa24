"""Returns, discounts, commissions, and the sellers' commission rate.

Revision ID: 25213ee705d4
Revises: 7dde72344c0d
Create Date: 2026-11-22 01:27:00.195454
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "25213ee705d4"
down_revision: str | None = "7dde72344c0d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discounts",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "discount_type",
            sa.Enum(
                "PERCENTAGE", "FIXED_AMOUNT", name="discount_type", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("discount_value", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column(
            "applicable_to",
            sa.Enum(
                "ALL",
                "CATEGORY",
                "COLLECTION",
                "PRODUCT",
                name="discount_scope",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Uuid(), nullable=True),
        sa.Column(
            "target_category",
            sa.Enum(
                "Gilamlar",
                "Paloslar",
                "Joynamozlar",
                "Metrajlar",
                "Ovalniy",
                "Kovriy",
                name="discount_category",
                native_enum=False,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("branch_id", sa.Uuid(), nullable=True),
        sa.Column("start_date", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_date", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("discount_value > 0", name=op.f("ck_discounts_value_positive")),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date > start_date", name=op.f("ck_discounts_window_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_discounts_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_discounts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["users.id"],
            name=op.f("fk_discounts_deleted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discounts")),
    )
    with op.batch_alter_table("discounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_discounts_active_start", ["is_active", "start_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discounts_deleted_at"), ["deleted_at"], unique=False)

    op.create_table(
        "returns",
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "APPROVED",
                "REJECTED",
                name="return_status",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(
                "DEFECTIVE",
                "WRONG_SIZE",
                "CUSTOMER_CHANGE_MIND",
                "OTHER",
                name="return_reason",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason_note", sa.String(length=500), nullable=True),
        sa.Column("refund_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("approved_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("refund_amount >= 0", name=op.f("ck_returns_refund_not_negative")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_returns_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_returns_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_returns_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"], name=op.f("fk_returns_sale_id_sales")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.create_index(
            "ix_returns_branch_created", ["branch_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_returns_sale_id"), ["sale_id"], unique=False)
        batch_op.create_index("ix_returns_status", ["status"], unique=False)

    op.create_table(
        "commissions",
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("return_id", sa.Uuid(), nullable=True),
        sa.Column("commission_rate", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("base_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("commission_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("PENDING", "PAID", name="commission_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("paid_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_commissions_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_id"], ["users.id"], name=op.f("fk_commissions_paid_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_commissions_return_id_returns")
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["sales.id"], name=op.f("fk_commissions_sale_id_sales")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["users.id"], name=op.f("fk_commissions_seller_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissions")),
    )
    with op.batch_alter_table("commissions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commissions_branch_created", ["branch_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_commissions_sale_id"), ["sale_id"], unique=False)
        batch_op.create_index(
            "ix_commissions_seller_created", ["seller_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_commissions_status", ["status"], unique=False)

    op.create_table(
        "return_items",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sale_item_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("refund_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "quantity > 0 AND refund_amount >= 0", name=op.f("ck_return_items_positive")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_return_items_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["returns.id"],
            name=op.f("fk_return_items_return_id_returns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sale_item_id"],
            ["sale_items.id"],
            name=op.f("fk_return_items_sale_item_id_sale_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_items")),
    )
    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_items_return_id"), ["return_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_return_items_sale_item_id"), ["sale_item_id"], unique=False
        )

    # A plain ALTER on both databases: on SQLite a batch copy of `users` would drop and rebuild
    # the table every other table refers to.
    op.add_column(
        "users",
        sa.Column(
            "commission_rate",
            carpet_shop.core.types.Hundredths(),
            server_default="0",
            nullable=False,
        ),
    )


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place (see upgrade for why not in batch mode).
    op.drop_column("users", "commission_rate")

    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_items_sale_item_id"))
        batch_op.drop_index(batch_op.f("ix_return_items_return_id"))

    op.drop_table("return_items")
    with op.batch_alter_table("commissions", schema=None) as batch_op:
        batch_op.drop_index("ix_commissions_status")
        batch_op.drop_index("ix_commissions_seller_created")
        batch_op.drop_index(batch_op.f("ix_commissions_sale_id"))
        batch_op.drop_index("ix_commissions_branch_created")

    op.drop_table("commissions")
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.drop_index("ix_returns_status")
        batch_op.drop_index(batch_op.f("ix_returns_sale_id"))
        batch_op.drop_index("ix_returns_branch_created")

    op.drop_table("returns")
    with op.batch_alter_table("discounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discounts_deleted_at"))
        batch_op.drop_index("ix_discounts_active_start")

    op.drop_table("discounts")
