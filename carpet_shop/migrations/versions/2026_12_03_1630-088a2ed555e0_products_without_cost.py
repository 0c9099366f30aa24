"""Products without a cost: a product a seller adds waits for the director's buy price.

Revision ID: 088a2ed555e0
Revises: ba3b83995611
Create Date: 2026-12-03 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "088a2ed555e0"
down_revision: str | None = "ba3b83995611"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _set_nullable(nullable: bool) -> None:
    if op.get_context().dialect.name != "sqlite":
        op.alter_column("products", "buy_price", existing_type=sa.BigInteger(), nullable=nullable)
        return
    # SQLite copies a table to change a column, and foreign keys are on while migrating.
    # The rows are set aside and the emptied table is copied; rows pointing at products are
    # checked at commit (deferred), once every product is back with its own id, and
    # product_sizes, which cascades from products, is put back too.
    op.execute("PRAGMA defer_foreign_keys = ON")
    for table in ("products", "product_sizes"):
        op.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")  # noqa: S608
    op.execute("DELETE FROM products")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("buy_price", existing_type=sa.BigInteger(), nullable=nullable)
    for table in ("products", "product_sizes"):
        columns = ", ".join(
            row[1] for row in op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})")
        )
        # Names of this schema only, never input.
        op.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM kept_{table}")  # noqa: S608
        op.execute(f"DROP TABLE kept_{table}")


def upgrade() -> None:
    _set_nullable(True)


def downgrade() -> None:
    # Fails while a product still waits for its cost: the director prices it first.
    _set_nullable(False)
