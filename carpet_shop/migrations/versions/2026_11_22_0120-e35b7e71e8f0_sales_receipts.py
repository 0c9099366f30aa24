"""Sales: receipts, their items and payments, receipt counters, idempotency records.

Revision ID: e35b7e71e8f0
Revises: 26a0b68639bf
Create Date: 2026-11-22 01:20:52.476467
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "e35b7e71e8f0"
down_revision: str | None = "26a0b68639bf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipt_counters",
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_receipt_counters_branch_id_branches")
        ),
        sa.PrimaryKeyConstraint("branch_id", name=op.f("pk_receipt_counters")),
    )
    op.create_table(
        "idempotency_records",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_records_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
    )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index("uq_idempotency_user_key", ["user_id", "key"], unique=True)

    op.create_table(
        "sales",
        sa.Column("receipt_number", sa.String(length=24), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("customer_name", sa.String(length=120), nullable=True),
        sa.Column("customer_phone", sa.String(length=32), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("date", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("director_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("cost", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("refunded_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_sales_amount_positive")),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_sales_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"], name=op.f("fk_sales_seller_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_sales_receipt_number")),
    )
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.create_index("idx_sales_branch_date", ["branch_id", "date"], unique=False)
        batch_op.create_index("idx_sales_date", ["date"], unique=False)
        batch_op.create_index("ix_sales_seller_date", ["seller_id", "date"], unique=False)

    op.create_table(
        "sale_items",
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("list_price", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("standard_price", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("buy_price", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("discount_id", sa.Uuid(), nullable=True),
        sa.Column("discount_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("extra_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("director_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("returned_quantity", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("refunded_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("quantity > 0 AND amount > 0", name=op.f("ck_sale_items_positive")),
        sa.CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity",
            name=op.f("ck_sale_items_returned_within_sold"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_sale_items_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["sales.id"], name=op.f("fk_sale_items_sale_id_sales"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sale_items")),
    )
    with op.batch_alter_table("sale_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sale_items_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sale_items_sale_id"), ["sale_id"], unique=False)

    op.create_table(
        "sale_payments",
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "payment_type",
            sa.Enum(
                "cash",
                "card",
                "transfer",
                "debt",
                name="payment_type",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_sale_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["sale_id"],
            ["sales.id"],
            name=op.f("fk_sale_payments_sale_id_sales"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sale_payments")),
    )
    with op.batch_alter_table("sale_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sale_payments_sale_id"), ["sale_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sale_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sale_payments_sale_id"))

    op.drop_table("sale_payments")
    with op.batch_alter_table("sale_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sale_items_sale_id"))
        batch_op.drop_index(batch_op.f("ix_sale_items_product_id"))

    op.drop_table("sale_items")
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_index("ix_sales_seller_date")
        batch_op.drop_index("idx_sales_date")
        batch_op.drop_index("idx_sales_branch_date")

    op.drop_table("sales")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index("uq_idempotency_user_key")

    op.drop_table("idempotency_records")
    op.drop_table("receipt_counters")
