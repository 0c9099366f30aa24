"""Daily rollups of sales, kept in the same transaction as each sale and approved return.

Analytics over a month of a large shop cannot add up raw receipts on every request, so every
sale adds its figures to one row per shop day and (branch, seller), one per payment type, and
one per product. Money and quantities are integer hundredths, so the sums stay exact.
Profits and quantities are already net of approved returns (see `figures.py`); `revenue` is
gross and `refunded` what was paid back, so net revenue is `revenue - refunded`.

`shop_day` is the sale's date in the shop's time zone. The tables are clustered by their
primary key on SQLite (WITHOUT ROWID): a window of days is one contiguous range.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.catalog.models import ProductType
from carpet_shop.core.models import Base
from carpet_shop.sales.models import PaymentType

ZERO = Decimal("0")

# Stored as in sale_payments: the value, in a plain string column.
PAYMENT_TYPE = Enum(
    PaymentType,
    name="payment_type",
    native_enum=False,
    length=16,
    values_callable=lambda members: [m.value for m in members],
)


class SalesDaily(Base):
    """Per shop day, branch and seller: receipts and their net figures."""

    __tablename__ = "analytics_sales_daily"

    shop_day: Mapped[date] = mapped_column(primary_key=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    sale_count: Mapped[int] = mapped_column(default=0)
    item_count: Mapped[int] = mapped_column(default=0)
    revenue: Mapped[Decimal] = mapped_column(default=ZERO)
    refunded: Mapped[Decimal] = mapped_column(default=ZERO)
    extra_profit: Mapped[Decimal] = mapped_column(default=ZERO)
    director_profit: Mapped[Decimal] = mapped_column(default=ZERO)

    __table_args__ = ({"sqlite_with_rowid": False},)


class PaymentsDaily(Base):
    """Per shop day, branch, seller and payment type: what was received (gross of refunds)."""

    __tablename__ = "analytics_payments_daily"

    shop_day: Mapped[date] = mapped_column(primary_key=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    payment_type: Mapped[PaymentType] = mapped_column(PAYMENT_TYPE, primary_key=True)
    sale_count: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal] = mapped_column(default=ZERO)

    __table_args__ = ({"sqlite_with_rowid": False},)


class ProductFigures:
    """What is kept per product: sold, net of returns."""

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    item_count: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[Decimal] = mapped_column(default=ZERO)
    revenue: Mapped[Decimal] = mapped_column(default=ZERO)
    refunded: Mapped[Decimal] = mapped_column(default=ZERO)
    extra_profit: Mapped[Decimal] = mapped_column(default=ZERO)
    director_profit: Mapped[Decimal] = mapped_column(default=ZERO)


class ProductsDaily(ProductFigures, Base):
    """Per shop day and product (so per branch): what was sold of it, net of returns.

    No seller here: it would multiply the rows several times, and analytics filtered by a
    seller read the receipts instead.
    """

    __tablename__ = "analytics_products_daily"

    shop_day: Mapped[date] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), primary_key=True)

    __table_args__ = ({"sqlite_with_rowid": False},)


class ProductsMonthly(ProductFigures, Base):
    """The same per shop month (`shop_month` is its first day).

    A shop sells most of its products every day, so a month of daily product rows is
    products × days; whole months of a window are read here instead, one row per product.
    """

    __tablename__ = "analytics_products_monthly"

    shop_month: Mapped[date] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), primary_key=True)

    __table_args__ = ({"sqlite_with_rowid": False},)


class SizesDaily(Base):
    """Per shop day, branch and size sold: receipts and their net figures. A piece's `2×3`
    and a roll's `2×30` are told apart by `product_type` (a roll's line has a cut). Lines of
    products without sizes are not here.

    The director's "top sizes" over a month would otherwise add up every line of the month.
    """

    __tablename__ = "analytics_sizes_daily"

    shop_day: Mapped[date] = mapped_column(primary_key=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    product_type: Mapped[ProductType] = mapped_column(
        Enum(
            ProductType,
            name="product_type",
            native_enum=False,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        ),
        primary_key=True,
    )
    size: Mapped[str] = mapped_column(String(20), primary_key=True)
    sale_count: Mapped[int] = mapped_column(default=0)
    item_count: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[Decimal] = mapped_column(default=ZERO)
    revenue: Mapped[Decimal] = mapped_column(default=ZERO)
    refunded: Mapped[Decimal] = mapped_column(default=ZERO)
    extra_profit: Mapped[Decimal] = mapped_column(default=ZERO)
    director_profit: Mapped[Decimal] = mapped_column(default=ZERO)

    __table_args__ = ({"sqlite_with_rowid": False},)
