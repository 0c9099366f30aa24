"""Analytics: daily rollups of sales, payments and products, and monthly ones of products.

Kept in the same transaction as each sale and approved return (analytics/rollups.py).

Revision ID: a49c94e18074
Revises: 25213ee705d4
Create Date: 2026-11-22 01:56:00.606418
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "a49c94e18074"
down_revision: str | None = "25213ee705d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_payments_daily",
        sa.Column("shop_day", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
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
        sa.Column("sale_count", sa.Integer(), nullable=False),
        sa.Column("amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name=op.f("fk_analytics_payments_daily_branch_id_branches"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["users.id"], name=op.f("fk_analytics_payments_daily_seller_id_users")
        ),
        sa.PrimaryKeyConstraint(
            "shop_day",
            "branch_id",
            "seller_id",
            "payment_type",
            name=op.f("pk_analytics_payments_daily"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "analytics_sales_daily",
        sa.Column("shop_day", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("sale_count", sa.Integer(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("revenue", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("refunded", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("extra_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("director_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_analytics_sales_daily_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["users.id"], name=op.f("fk_analytics_sales_daily_seller_id_users")
        ),
        sa.PrimaryKeyConstraint(
            "shop_day", "branch_id", "seller_id", name=op.f("pk_analytics_sales_daily")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "analytics_products_daily",
        sa.Column("shop_day", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("quantity", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("revenue", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("refunded", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("extra_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("director_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name=op.f("fk_analytics_products_daily_branch_id_branches"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_analytics_products_daily_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("shop_day", "product_id", name=op.f("pk_analytics_products_daily")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "analytics_products_monthly",
        sa.Column("shop_month", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("quantity", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("revenue", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("refunded", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("extra_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("director_profit", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name=op.f("fk_analytics_products_monthly_branch_id_branches"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_analytics_products_monthly_product_id_products"),
        ),
        sa.PrimaryKeyConstraint(
            "shop_month", "product_id", name=op.f("pk_analytics_products_monthly")
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("analytics_products_monthly")
    op.drop_table("analytics_products_daily")
    op.drop_table("analytics_sales_daily")
    op.drop_table("analytics_payments_daily")
