"""Sizes are stock: each of a product's sizes keeps its own stock and prices, and every stock
document (sale and return lines, transfers, ledger movements) names its size.

Existing stock moves without losing a piece: a product with one size puts its stock on it;
a product with several puts its whole stock on the first of its `available_sizes` (in their
order) and is marked `needs_count`, listed by GET /api/inventory/needs-count until the
director counts it per size. Every movement, sale line, return line and transfer of such a
product names that same size, so the ledger per (product, size) still sums to the stock.
Products without sizes keep their stock on the product, as before.

Revision ID: 5a1e5d2c0f16
Revises: f35e230ca7d2
Create Date: 2026-12-03 19:00:00
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "5a1e5d2c0f16"
down_revision: str | None = "f35e230ca7d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows name the product's size, by their product_id.
_NAMED = ("stock_movements", "sale_items", "return_items", "transfers")


def _sizes_in_order(available: Any, rows: list[str]) -> list[str]:
    listed = json.loads(available) if isinstance(available, str) else (available or [])
    ordered = [s for s in listed if s in rows]
    return ordered + sorted(s for s in rows if s not in ordered)


def _move_stock_to_sizes() -> None:
    bind = op.get_bind()
    sizes: dict[Any, list[str]] = {}
    for product_id, size in bind.execute(sa.text("SELECT product_id, size FROM product_sizes")):
        sizes.setdefault(product_id, []).append(size)
    if not sizes:
        return
    products = bind.execute(
        sa.text("SELECT id, type, quantity, remaining_length, available_sizes FROM products")
    ).all()
    chosen: list[dict[str, Any]] = []
    several: list[dict[str, Any]] = []
    for product_id, kind, quantity, remaining, available in products:
        rows = sizes.get(product_id)
        if not rows:
            continue
        first = _sizes_in_order(available, rows)[0]
        chosen.append({"product_id": product_id, "size": first})
        stocked = (remaining or 0) > 0 if kind == "meter" else (quantity or 0) > 0
        if len(rows) > 1 and stocked:
            several.append({"product_id": product_id})
    # Values copied as stored (hundredths stay hundredths); rolls other than the chosen one
    # are empty rolls.
    bind.execute(
        sa.text(
            "UPDATE product_sizes SET "
            "quantity = (SELECT p.quantity FROM products p WHERE p.id = product_sizes.product_id), "
            "total_length = (SELECT p.total_length FROM products p "
            "WHERE p.id = product_sizes.product_id), "
            "remaining_length = (SELECT p.remaining_length FROM products p "
            "WHERE p.id = product_sizes.product_id) "
            "WHERE product_id = :product_id AND size = :size"
        ),
        chosen,
    )
    bind.execute(
        sa.text(
            "UPDATE product_sizes SET total_length = 0, remaining_length = 0 "
            "WHERE remaining_length IS NULL AND product_id IN "
            "(SELECT id FROM products WHERE type = 'meter')"
        )
    )
    if several:
        bind.execute(
            sa.text("UPDATE products SET needs_count = :yes WHERE id = :product_id"),
            [{**row, "yes": True} for row in several],
        )
    for table in _NAMED:
        bind.execute(
            sa.text(f"UPDATE {table} SET size = :size WHERE product_id = :product_id"),  # noqa: S608
            chosen,
        )


def upgrade() -> None:
    with op.batch_alter_table("product_sizes", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("quantity", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("total_length", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("remaining_length", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("sell_price", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("buy_price", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("products", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("sell_price_per_m2", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("buy_price_per_m2", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("price_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("needs_count", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("sale_items", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("size", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("cut_size", sa.String(length=20), nullable=True))
    for table in ("return_items", "transfers", "stock_movements"):
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.add_column(sa.Column("size", sa.String(length=20), nullable=True))
    _move_stock_to_sizes()


def downgrade() -> None:
    # The products' own stock columns always held the sum of their sizes: dropping the
    # per-size columns loses the split between sizes, never a piece.
    for table in ("stock_movements", "transfers", "return_items"):
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.drop_column("size")
    with op.batch_alter_table("sale_items", recreate="never") as batch_op:
        batch_op.drop_column("cut_size")
        batch_op.drop_column("size")
    with op.batch_alter_table("products", recreate="never") as batch_op:
        batch_op.drop_column("needs_count")
        batch_op.drop_column("price_step")
        batch_op.drop_column("buy_price_per_m2")
        batch_op.drop_column("sell_price_per_m2")
    with op.batch_alter_table("product_sizes", recreate="never") as batch_op:
        batch_op.drop_column("buy_price")
        batch_op.drop_column("sell_price")
        batch_op.drop_column("remaining_length")
        batch_op.drop_column("total_length")
        batch_op.drop_column("quantity")
