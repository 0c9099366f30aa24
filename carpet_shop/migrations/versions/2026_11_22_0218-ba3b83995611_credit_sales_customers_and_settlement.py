"""Credit sales: the customer of a sale, and how a return was settled (debt or money).

Revision ID: ba3b83995611
Revises: 90c871c3a2d4
Create Date: 2026-11-22 02:18:40.181231
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "ba3b83995611"
down_revision: str | None = "90c871c3a2d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SALES_CUSTOMER_FK = "fk_sales_customer_id_customers"


def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def upgrade() -> None:
    # Plain ALTERs on both databases. On SQLite a batch copy of `sales` would drop the table
    # that sale_items and sale_payments cascade from (foreign keys are on while migrating),
    # so the foreign key goes inline with the new column, which SQLite's ADD COLUMN allows.
    if _sqlite():
        op.execute(
            "ALTER TABLE sales ADD COLUMN customer_id CHAR(32) "
            f"CONSTRAINT {SALES_CUSTOMER_FK} REFERENCES customers (id)"
        )
    else:
        op.add_column("sales", sa.Column("customer_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(
            op.f(SALES_CUSTOMER_FK), "sales", "customers", ["customer_id"], ["id"]
        )
    op.create_index("ix_sales_customer_date", "sales", ["customer_id", "date"], unique=False)

    op.add_column(
        "returns", sa.Column("debt_reduced", carpet_shop.core.types.Hundredths(), nullable=True)
    )
    op.add_column(
        "returns", sa.Column("cash_refund", carpet_shop.core.types.Hundredths(), nullable=True)
    )
    # Before credit sales every approved return was refunded in money (both columns are
    # integer hundredths, so the copy is exact).
    op.execute(
        "UPDATE returns SET debt_reduced = 0, cash_refund = refund_amount WHERE status = 'APPROVED'"
    )


def downgrade() -> None:
    op.drop_column("returns", "cash_refund")
    op.drop_column("returns", "debt_reduced")

    op.drop_index("ix_sales_customer_date", table_name="sales")
    if not _sqlite():
        op.drop_constraint(op.f(SALES_CUSTOMER_FK), "sales", type_="foreignkey")
    # SQLite 3.35+ drops the column in place, its inline foreign key with it.
    op.drop_column("sales", "customer_id")
