"""The analytics' queries: two sources of the same figures, and the dashboard's counts.

`RollupSource` reads the rollups (a month is a few hundred rows however many receipts it
had); `ReceiptSource` adds up the receipts themselves, for the filters the rollups do not
carry (payment type, product, customer, seller) and for hour-by-hour series. Both return
the same rows, net of approved returns by the rules of `figures.py`, and the tests hold them
to the same expected figures.

Both join branch, user, product and collection rows only for their names: this is a read
model over other domains' tables, and never writes them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from carpet_shop.analytics.figures import Figures
from carpet_shop.analytics.models import (
    PaymentsDaily,
    ProductsDaily,
    ProductsMonthly,
    SalesDaily,
    SizesDaily,
)
from carpet_shop.analytics.sql import (
    BUCKET_SECONDS,
    EpochBucket,
    as_int,
    as_money,
    scaled_by_kept,
)
from carpet_shop.audit.models import AuditAction, AuditLog
from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import Category, Collection, Product, ProductType
from carpet_shop.core.clock import shop_midnight
from carpet_shop.core.repository import BranchScope
from carpet_shop.sales.filters import SaleFilters
from carpet_shop.sales.models import PaymentType, Sale, SaleItem, SalePayment
from carpet_shop.users.models import User


@dataclass(frozen=True)
class ProductRow:
    product_id: uuid.UUID
    name: str
    category: Category
    type: ProductType
    collection_id: uuid.UUID
    collection_name: str
    quantity: Decimal
    figures: Figures


@dataclass(frozen=True)
class SizeSold:
    """What the lines that named one size added up to: `size` is the piece's W×H, or the
    roll's W×L for a meter product (the service folds rolls into their width)."""

    type: ProductType
    size: str
    quantity: Decimal
    figures: Figures


@dataclass(frozen=True)
class PaymentRow:
    payment_type: PaymentType
    sale_count: int
    amount: Decimal


@dataclass(frozen=True)
class NamedRow:
    id: uuid.UUID
    name: str
    figures: Figures


@dataclass(frozen=True)
class SellerRow:
    id: uuid.UUID
    name: str
    branch_id: uuid.UUID | None
    figures: Figures


def _figures(row: Any) -> Figures:
    return Figures(
        sale_count=int(row.sale_count or 0),
        item_count=int(row.item_count or 0),
        revenue=row.revenue,
        refunded=row.refunded,
        extra_profit=row.extra_profit,
        director_profit=row.director_profit,
    )


def _named_by_branch(session: Session, grouped: Subquery) -> list[NamedRow]:
    stmt = (
        select(grouped, Branch.name.label("branch_name"))
        .join(Branch, Branch.id == grouped.c.branch_id)
        .order_by(Branch.name, Branch.id)
    )
    return [NamedRow(r.branch_id, r.branch_name, _figures(r)) for r in session.execute(stmt)]


def _named_by_seller(session: Session, grouped: Subquery) -> list[SellerRow]:
    stmt = (
        select(grouped, User.full_name, User.username, User.branch_id.label("user_branch_id"))
        .join(User, User.id == grouped.c.seller_id)
        .order_by(User.full_name, User.username, User.id)
    )
    return [
        SellerRow(r.seller_id, r.full_name or r.username, r.user_branch_id, _figures(r))
        for r in session.execute(stmt)
    ]


def _products_sold(
    session: Session, grouped: Subquery, limit: int | None = None
) -> list[ProductRow]:
    """The products sold, most net revenue first (then by name), with their names."""
    stmt = (
        select(
            grouped,
            Product.name,
            Product.category,
            Product.type,
            Product.collection_id,
            Collection.name.label("collection_name"),
        )
        .join(Product, Product.id == grouped.c.product_id)
        .join(Collection, Collection.id == Product.collection_id)
        .order_by(
            (as_int(grouped.c.revenue) - as_int(grouped.c.refunded)).desc(),
            Product.name,
            Product.id,
        )
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        ProductRow(
            product_id=r.product_id,
            name=r.name,
            category=r.category,
            type=r.type,
            collection_id=r.collection_id,
            collection_name=r.collection_name,
            quantity=r.quantity,
            figures=_figures(r),
        )
        for r in session.execute(stmt)
    ]


class RollupSource:
    """Figures from the daily rollups: for windows of whole shop days, filtered by branch."""

    def __init__(self, session: Session, filters: SaleFilters):
        self.session = session
        self.filters = filters

    @staticmethod
    def usable(filters: SaleFilters) -> bool:
        # Rollups hold branches and days only: any other filter needs the receipts.
        return not filters.given()

    def _where(self, table: Any) -> list[ColumnElement[bool]]:
        conds = self.filters.scope.conditions_on(table.branch_id)
        window = self.filters.window
        if window is not None:
            conds.append(table.shop_day >= window.first_day)
            conds.append(table.shop_day <= window.last_day)
        return conds

    @staticmethod
    def _sums(table: Any) -> list[ColumnElement[Any]]:
        return [
            func.sum(table.sale_count).label("sale_count"),
            func.sum(table.item_count).label("item_count"),
            as_money(func.sum(as_int(table.revenue))).label("revenue"),
            as_money(func.sum(as_int(table.refunded))).label("refunded"),
            as_money(func.sum(as_int(table.extra_profit))).label("extra_profit"),
            as_money(func.sum(as_int(table.director_profit))).label("director_profit"),
        ]

    def by_branch(self) -> list[NamedRow]:
        t = SalesDaily
        grouped = (
            select(t.branch_id, *self._sums(t))
            .where(*self._where(t))
            .group_by(t.branch_id)
            .subquery()
        )
        return _named_by_branch(self.session, grouped)

    def by_seller(self) -> list[SellerRow]:
        t = SalesDaily
        grouped = (
            select(t.seller_id, *self._sums(t))
            .where(*self._where(t))
            .group_by(t.seller_id)
            .subquery()
        )
        return _named_by_seller(self.session, grouped)

    def series(self, tz: Any) -> list[tuple[datetime, Figures]]:
        """Rows per shop day, each keyed by the instant the day begins."""
        t = SalesDaily
        stmt = (
            select(t.shop_day, *self._sums(t))
            .where(*self._where(t))
            .group_by(t.shop_day)
            .order_by(t.shop_day)
        )
        return [(shop_midnight(r.shop_day, tz), _figures(r)) for r in self.session.execute(stmt)]

    def by_payment(self) -> list[PaymentRow]:
        t = PaymentsDaily
        stmt = (
            select(
                t.payment_type,
                func.sum(t.sale_count).label("sale_count"),
                as_money(func.sum(as_int(t.amount))).label("amount"),
            )
            .where(*self._where(t))
            .group_by(t.payment_type)
        )
        return [
            PaymentRow(r.payment_type, int(r.sale_count), r.amount)
            for r in self.session.execute(stmt)
        ]

    def _product_rows(
        self, table: Any, column: Any, ranges: Sequence[tuple[date, date]]
    ) -> Select[Any]:
        stmt: Select[Any] = select(
            table.product_id,
            table.item_count,
            table.quantity,
            table.revenue,
            table.refunded,
            table.extra_profit,
            table.director_profit,
        )
        if ranges:
            stmt = stmt.where(or_(*(column.between(a, b) for a, b in ranges)))
        return stmt.where(*self.filters.scope.conditions_on(table.branch_id))

    def _products(self) -> Subquery:
        """Per product, over the window: whole months from the monthly rollup and the days
        around them from the daily one (a month is one row per product, not one per day)."""
        window = self.filters.window
        if window is None:
            parts = [self._product_rows(ProductsMonthly, None, [])]
        else:
            day_ranges, months = split_months(window.first_day, window.last_day)
            parts = []
            if day_ranges:
                parts.append(self._product_rows(ProductsDaily, ProductsDaily.shop_day, day_ranges))
            if months:
                parts.append(
                    self._product_rows(ProductsMonthly, ProductsMonthly.shop_month, [months])
                )
        rows = union_all(*parts).subquery()
        return (
            select(
                rows.c.product_id,
                literal(0).label("sale_count"),
                func.sum(rows.c.item_count).label("item_count"),
                as_money(func.sum(as_int(rows.c.quantity))).label("quantity"),
                as_money(func.sum(as_int(rows.c.revenue))).label("revenue"),
                as_money(func.sum(as_int(rows.c.refunded))).label("refunded"),
                as_money(func.sum(as_int(rows.c.extra_profit))).label("extra_profit"),
                as_money(func.sum(as_int(rows.c.director_profit))).label("director_profit"),
            )
            .group_by(rows.c.product_id)
            .subquery()
        )

    def products_sold(self, limit: int | None = None) -> list[ProductRow]:
        return _products_sold(self.session, self._products(), limit)

    def by_size(self) -> list[SizeSold]:
        t = SizesDaily
        stmt = (
            select(
                t.product_type.label("type"),
                t.size,
                as_money(func.sum(as_int(t.quantity))).label("quantity"),
                *self._sums(t),
            )
            .where(*self._where(t))
            .group_by(t.product_type, t.size)
        )
        return [
            SizeSold(ProductType(r.type), r.size, r.quantity, _figures(r))
            for r in self.session.execute(stmt)
        ]


def split_months(
    first: date, last: date
) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """[first, last] as the ranges of days outside whole months, and the whole months
    (as the range of their first days), if any."""
    start = first if first.day == 1 else _next_month(first)
    end_month = (
        _next_month(last) if _next_month(last) - timedelta(days=1) == last else last.replace(day=1)
    )
    # Whole months are those from `start` up to (not including) `end_month`.
    if start >= end_month:
        return [(first, last)], None
    days = []
    if first < start:
        days.append((first, start - timedelta(days=1)))
    if end_month <= last:
        days.append((end_month, last))
    last_whole = (end_month - timedelta(days=1)).replace(day=1)
    return days, (start, last_whole)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


class ReceiptSource:
    """Figures added up from the receipts: any filter of the sales list, any window."""

    def __init__(self, session: Session, filters: SaleFilters):
        self.session = session
        self.filters = filters

    def _sales(self) -> Subquery:
        # The filters' EXISTS clauses must correlate to `sales` alone, so the filtered sales
        # are a subquery of their own before items or payments are joined to them.
        return (
            select(Sale.id, Sale.branch_id, Sale.seller_id, Sale.date)
            .where(*self.filters.conditions())
            .subquery("filtered_sales")
        )

    @staticmethod
    def _sums(sales: Subquery) -> list[ColumnElement[Any]]:
        return [
            func.count(func.distinct(sales.c.id)).label("sale_count"),
            func.count(SaleItem.id).label("item_count"),
            as_money(func.sum(as_int(SaleItem.amount))).label("revenue"),
            as_money(func.sum(as_int(SaleItem.refunded_amount))).label("refunded"),
            as_money(func.sum(scaled_by_kept(SaleItem.extra_profit))).label("extra_profit"),
            as_money(func.sum(scaled_by_kept(SaleItem.director_profit))).label("director_profit"),
        ]

    def _items(self, sales: Subquery, *columns: Any) -> Select[Any]:
        return (
            select(*columns, *self._sums(sales))
            .select_from(SaleItem)
            .join(sales, sales.c.id == SaleItem.sale_id)
        )

    def by_branch(self) -> list[NamedRow]:
        sales = self._sales()
        grouped = self._items(sales, sales.c.branch_id).group_by(sales.c.branch_id).subquery()
        return _named_by_branch(self.session, grouped)

    def by_seller(self) -> list[SellerRow]:
        sales = self._sales()
        grouped = self._items(sales, sales.c.seller_id).group_by(sales.c.seller_id).subquery()
        return _named_by_seller(self.session, grouped)

    def series(self, tz: Any) -> list[tuple[datetime, Figures]]:
        """Rows per quarter hour (UTC), each keyed by the instant the quarter hour begins."""
        sales = self._sales()
        bucket = EpochBucket(sales.c.date, literal(BUCKET_SECONDS)).label("bucket")
        stmt = self._items(sales, bucket).group_by(bucket).order_by(bucket)
        return [
            (datetime.fromtimestamp(int(r.bucket) * BUCKET_SECONDS, tz), _figures(r))
            for r in self.session.execute(stmt)
        ]

    def by_payment(self) -> list[PaymentRow]:
        sales = self._sales()
        stmt = (
            select(
                SalePayment.payment_type,
                func.count(func.distinct(sales.c.id)).label("sale_count"),
                as_money(func.sum(as_int(SalePayment.amount))).label("amount"),
            )
            .select_from(SalePayment)
            .join(sales, sales.c.id == SalePayment.sale_id)
            .group_by(SalePayment.payment_type)
        )
        return [
            PaymentRow(r.payment_type, int(r.sale_count), r.amount)
            for r in self.session.execute(stmt)
        ]

    def _products(self) -> Subquery:
        sales = self._sales()
        kept = as_int(SaleItem.quantity) - as_int(SaleItem.returned_quantity)
        return (
            self._items(sales, SaleItem.product_id, as_money(func.sum(kept)).label("quantity"))
            .group_by(SaleItem.product_id)
            .subquery()
        )

    def products_sold(self, limit: int | None = None) -> list[ProductRow]:
        return _products_sold(self.session, self._products(), limit)

    def by_size(self) -> list[SizeSold]:
        """Per (kind of product, size sold), net of returns; lines of products without
        sizes name none and are left out."""
        sales = self._sales()
        kept = as_int(SaleItem.quantity) - as_int(SaleItem.returned_quantity)
        stmt = (
            self._items(
                sales, Product.type, SaleItem.size, as_money(func.sum(kept)).label("quantity")
            )
            .join(Product, Product.id == SaleItem.product_id)
            .where(SaleItem.size.is_not(None))
            .group_by(Product.type, SaleItem.size)
        )
        return [
            SizeSold(r.type, r.size, r.quantity, _figures(r)) for r in self.session.execute(stmt)
        ]


# Sign-ins are not business activity; the widget shows what was done.
QUIET_ACTIONS = (AuditAction.LOGIN, AuditAction.LOGOUT)


def recent_activity(
    session: Session, scope: BranchScope, limit: int
) -> list[tuple[AuditLog, str | None]]:
    """The latest audit entries, with who made them; for one branch: its users' entries."""
    stmt = (
        select(AuditLog, User.username)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.action.not_in(QUIET_ACTIONS), *scope.conditions_on(User.branch_id))
        .order_by(AuditLog.timestamp.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    return [(entry, username) for entry, username in session.execute(stmt)]


def receipt_buckets(session: Session) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Every receipt's figures per quarter hour, for rebuilding the rollups: rows by
    (bucket, branch, seller), by (bucket, branch, seller, payment type), by
    (bucket, product, branch), and by (bucket, branch, kind of product, size)."""
    bucket = EpochBucket(Sale.date, literal(BUCKET_SECONDS)).label("bucket")
    kept = as_int(SaleItem.quantity) - as_int(SaleItem.returned_quantity)
    sums: list[ColumnElement[Any]] = [
        func.count(SaleItem.id).label("item_count"),
        as_money(func.sum(as_int(SaleItem.amount))).label("revenue"),
        as_money(func.sum(as_int(SaleItem.refunded_amount))).label("refunded"),
        as_money(func.sum(scaled_by_kept(SaleItem.extra_profit))).label("extra_profit"),
        as_money(func.sum(scaled_by_kept(SaleItem.director_profit))).label("director_profit"),
    ]
    items = select().select_from(SaleItem).join(Sale, Sale.id == SaleItem.sale_id)
    sales = items.add_columns(
        bucket,
        Sale.branch_id,
        Sale.seller_id,
        func.count(func.distinct(Sale.id)).label("sale_count"),
        *sums,
    ).group_by(bucket, Sale.branch_id, Sale.seller_id)
    payments = (
        select(
            bucket,
            Sale.branch_id,
            Sale.seller_id,
            SalePayment.payment_type,
            func.count(func.distinct(Sale.id)).label("sale_count"),
            as_money(func.sum(as_int(SalePayment.amount))).label("amount"),
        )
        .select_from(SalePayment)
        .join(Sale, Sale.id == SalePayment.sale_id)
        .group_by(bucket, Sale.branch_id, Sale.seller_id, SalePayment.payment_type)
    )
    products = items.add_columns(
        bucket,
        SaleItem.product_id,
        Sale.branch_id,
        as_money(func.sum(kept)).label("quantity"),
        *sums,
    ).group_by(bucket, SaleItem.product_id, Sale.branch_id)
    # A roll's line has its cut (analytics.rollups.kind_of).
    kind = case(
        (SaleItem.cut_size.is_(None), literal(ProductType.UNIT.value)),
        else_=literal(ProductType.METER.value),
    ).label("product_type")
    sizes = (
        items.add_columns(
            bucket,
            Sale.branch_id,
            kind,
            SaleItem.size,
            func.count(func.distinct(Sale.id)).label("sale_count"),
            as_money(func.sum(kept)).label("quantity"),
            *sums,
        )
        .where(SaleItem.size.is_not(None))
        .group_by(bucket, Sale.branch_id, kind, SaleItem.size)
    )
    return (
        list(session.execute(sales)),
        list(session.execute(payments)),
        list(session.execute(products)),
        list(session.execute(sizes)),
    )
