"""Analytics by size from a daily rollup: analytics_sizes_daily, filled from the receipts.

The director's "top sizes" of a month added up every sale line of the month; this rollup
keeps them per shop day, branch and size, like the other rollups. Existing receipts are
added up here: per quarter hour in SQL, then into shop days in the shop's time zone (the
TIMEZONE setting), as `carpet-shop analytics-rebuild` does.

Revision ID: c4a7e2d19b35
Revises: 7b3e9d4f2a10
Create Date: 2026-12-03 22:15:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from carpet_shop.core.config import get_settings
from carpet_shop.core.types import Hundredths

revision: str = "c4a7e2d19b35"
down_revision: str | None = "7b3e9d4f2a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUCKET_SECONDS = 900
FIGURES = (
    "sale_count",
    "item_count",
    "quantity",
    "revenue",
    "refunded",
    "extra_profit",
    "director_profit",
)


def _buckets_sql(dialect: str) -> str:
    if dialect == "postgresql":
        bucket = f"CAST(FLOOR(EXTRACT(EPOCH FROM s.date) / {BUCKET_SECONDS}) AS BIGINT)"
    else:
        bucket = f"(CAST(strftime('%s', s.date) AS INTEGER) / {BUCKET_SECONDS})"
    kept = "(i.quantity - i.returned_quantity)"
    # Profits net of returns, scaled by what was kept, truncated as analytics/figures.py does.
    scaled = "CASE WHEN i.returned_quantity = 0 THEN i.{0} ELSE i.{0} * {1} / i.quantity END"
    # Built from this module's constants only; nothing is bound.
    return (
        f"SELECT {bucket} AS bucket, s.branch_id,"  # noqa: S608
        " CASE WHEN i.cut_size IS NULL THEN 'unit' ELSE 'meter' END AS product_type,"
        " i.size, COUNT(DISTINCT s.id), COUNT(i.id),"
        f" SUM({kept}), SUM(i.amount), SUM(i.refunded_amount),"
        f" SUM({scaled.format('extra_profit', kept)}),"
        f" SUM({scaled.format('director_profit', kept)})"
        " FROM sale_items i JOIN sales s ON s.id = i.sale_id"
        " WHERE i.size IS NOT NULL"
        " GROUP BY 1, 2, 3, 4"
    )


def upgrade() -> None:
    op.create_table(
        "analytics_sizes_daily",
        sa.Column("shop_day", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column(
            "product_type",
            sa.Enum("unit", "meter", name="product_type", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("size", sa.String(length=20), nullable=False),
        sa.Column("sale_count", sa.Integer(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("quantity", Hundredths(), nullable=False),
        sa.Column("revenue", Hundredths(), nullable=False),
        sa.Column("refunded", Hundredths(), nullable=False),
        sa.Column("extra_profit", Hundredths(), nullable=False),
        sa.Column("director_profit", Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name=op.f("fk_analytics_sizes_daily_branch_id_branches"),
        ),
        sa.PrimaryKeyConstraint(
            "shop_day", "branch_id", "product_type", "size", name=op.f("pk_analytics_sizes_daily")
        ),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    tz = get_settings().tz
    days: dict[tuple[Any, ...], list[int]] = {}
    for bucket, branch_id, kind, size, *figures in bind.execute(
        sa.text(_buckets_sql(bind.dialect.name))
    ):
        day = datetime.fromtimestamp(int(bucket) * BUCKET_SECONDS, UTC).astimezone(tz).date()
        row = days.setdefault((day, branch_id, kind, size), [0] * len(FIGURES))
        for n, value in enumerate(figures):
            row[n] += int(value or 0)
    # Money and quantities are stored as integer hundredths: the sums are written as they are.
    table = sa.table(
        "analytics_sizes_daily",
        *(sa.column(name) for name in ("shop_day", "branch_id", "product_type", "size")),
        *(sa.column(name) for name in FIGURES),
    )
    rows = [
        {
            "shop_day": day,
            "branch_id": branch_id,
            "product_type": kind,
            "size": size,
            **dict(zip(FIGURES, figures, strict=True)),
        }
        for (day, branch_id, kind, size), figures in days.items()
    ]
    for start in range(0, len(rows), 500):
        op.bulk_insert(table, rows[start : start + 500])


def downgrade() -> None:
    op.drop_table("analytics_sizes_daily")
