"""The reports' queries: rows as the driver returns them, streamed, never a list of them.

A read model over other domains' tables (sales, products, debts, names of branches, users
and collections); it never writes. Money and lengths are selected as the integers of
hundredths they are stored as (see `table.py`); the sales list's, product list's and debt
list's own filters and branch scoping narrow them, so a report counts what its list shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, String, case, func, select, type_coerce
from sqlalchemy.orm import Session

from carpet_shop.analytics.sql import as_int, scaled_by_kept
from carpet_shop.branches.models import Branch
from carpet_shop.catalog.filters import ProductFilters
from carpet_shop.catalog.models import Collection, Product, ProductSize
from carpet_shop.catalog.repository import (
    ProductRepository,
    size_stock_hundredths,
    stock_hundredths,
)
from carpet_shop.core.repository import BranchScope
from carpet_shop.customers.models import Customer
from carpet_shop.debts.repository import DebtFilters, DebtRepository
from carpet_shop.goods_receipts.models import GoodsReceipt
from carpet_shop.payables.repository import PayableFilters, PayableRepository
from carpet_shop.sales.filters import SaleFilters
from carpet_shop.sales.models import Sale, SaleItem, SalePayment
from carpet_shop.suppliers.models import Supplier
from carpet_shop.users.models import User

# Rows fetched from the cursor at a time: constant memory, few round trips on PostgreSQL
# (a server-side cursor) and nothing held back on SQLite (which steps row by row anyway).
BATCH = 2000


def _stream(
    session: Session, stmt: Any, params: dict[str, Any] | None = None
) -> Iterator[Row[Any]]:
    # On the session's connection, not `Session.execute`: the rows are plain columns, and
    # the ORM's per-row result machinery cost more than SQLite spends producing them.
    result = session.connection().execute(
        stmt, params or {}, execution_options={"stream_results": True, "yield_per": BATCH}
    )
    for partition in result.partitions():
        yield from partition


SALES_BY_DATE = "idx_sales_date"


def sale_lines(session: Session, filters: SaleFilters) -> Iterator[Any]:
    """Every line of the filtered sales, oldest sale first, in receipt order.

    Values come as the driver gives them (no result processing: a million rows): money as
    integers of hundredths, the date as SQLite's UTC text or PostgreSQL's datetime, the
    product's sizes as JSON text or a list (see `service.sales_table`).
    """
    payments = (
        select(func.aggregate_strings(type_coerce(SalePayment.payment_type, String), ","))
        .where(SalePayment.sale_id == Sale.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            Sale.receipt_number,
            type_coerce(Sale.date, String).label("date"),
            Branch.name.label("branch"),
            func.coalesce(func.nullif(User.full_name, ""), User.username).label("seller"),
            Sale.customer_name,
            Sale.customer_phone,
            Product.name.label("product"),
            type_coerce(Product.category, String).label("category"),
            Collection.name.label("collection"),
            # The size sold (a roll's cut, or the size of a piece); lines sold before sizes
            # were stock have none, and show the product's sizes.
            func.coalesce(SaleItem.cut_size, SaleItem.size).label("size"),
            type_coerce(Product.available_sizes, String).label("available_sizes"),
            type_coerce(Product.type, String).label("type"),
            as_int(SaleItem.quantity).label("quantity"),
            as_int(SaleItem.returned_quantity).label("returned_quantity"),
            as_int(SaleItem.amount).label("amount"),
            as_int(SaleItem.refunded_amount).label("refunded"),
            as_int(SaleItem.buy_price).label("buy_price"),
            scaled_by_kept(SaleItem.extra_profit).label("extra_profit"),
            scaled_by_kept(SaleItem.director_profit).label("director_profit"),
            payments.label("payment_types"),
        )
        .select_from(Sale)
        .join(SaleItem, SaleItem.sale_id == Sale.id)
        .join(Branch, Branch.id == Sale.branch_id)
        .join(User, User.id == Sale.seller_id)
        .join(Product, Product.id == SaleItem.product_id)
        .join(Collection, Collection.id == Product.collection_id)
        .order_by(Sale.date, Sale.id, SaleItem.position)
        # SQLite otherwise drives the join from sale_items and sorts every line of the year
        # in memory before the first row streams (temp_store=MEMORY: the server grew by
        # hundreds of MB per export). Walking sales by date leaves only a sort within a day.
        .with_hint(Sale, f"INDEXED BY {SALES_BY_DATE}", dialect_name="sqlite")
    )
    if filters.product_id is None:
        stmt = stmt.where(*filters.conditions())
    else:
        # The product filter's EXISTS on sale_items must correlate to `sales` alone (as in the
        # analytics), so the filtered sales are a subquery of their own.
        chosen = select(Sale.id).where(*filters.conditions()).subquery("filtered_sales")
        stmt = stmt.join(chosen, chosen.c.id == Sale.id)
    return _stream(session, stmt)


def inventory_rows(
    session: Session, scope: BranchScope, filters: ProductFilters
) -> Iterator[Row[Any]]:
    """The product list's products (same filters, same scope), a row per size, by branch,
    name and size; a product without sizes is one row with its own stock (`size` None).

    Prices are the stored values (a size's own, the product's, its rates per m²): the
    service works out each size's price the way the catalog does (`catalog.sizes`)."""
    size_stock = case(
        (ProductSize.product_id.is_(None), stock_hundredths()), else_=size_stock_hundredths()
    )
    columns: list[Any] = [
        Branch.name.label("branch"),
        Product.id.label("product_id"),
        Product.name.label("product"),
        type_coerce(Product.category, String).label("category"),
        Collection.name.label("collection"),
        type_coerce(Product.type, String).label("type"),
        ProductSize.size,
        ProductSize.width,
        ProductSize.height,
        size_stock.label("stock"),
        ProductSize.sell_price.label("size_sell_price"),
        ProductSize.buy_price.label("size_buy_price"),
        Product.sell_price,
        Product.sell_price_per_meter,
        Product.buy_price,
        Product.sell_price_per_m2,
        Product.buy_price_per_m2,
        Product.price_step,
        as_int(Product.low_stock_threshold).label("low_stock_threshold"),
    ]
    stmt = (
        select(*columns)
        .join(Branch, Branch.id == Product.branch_id)
        .join(Collection, Collection.id == Product.collection_id)
        .outerjoin(ProductSize, ProductSize.product_id == Product.id)
    )
    repo = ProductRepository(session)
    stmt, params = repo.filtered_sizes(stmt, scope, filters)
    order = (Branch.name, Product.search_name, Product.id, ProductSize.width, ProductSize.height)
    return _stream(session, stmt.order_by(*order, ProductSize.size), params)


def debt_rows(
    session: Session, scope: BranchScope, filters: DebtFilters, today: date
) -> Iterator[Row[Any]]:
    """The debt list's debts (same filters, same scope), by deadline."""
    listed = DebtRepository(session).listing(scope, filters, today).subquery()
    who = select(Customer.name, Customer.phone, Customer.id).subquery()
    stmt = (
        select(
            who.c.name.label("customer"),
            who.c.phone.label("phone"),
            Branch.name.label("branch"),
            func.coalesce(func.nullif(User.full_name, ""), User.username).label("seller"),
            listed.c.created_at,
            as_int(listed.c.total_amount).label("total"),
            as_int(listed.c.returned_amount).label("returned"),
            as_int(listed.c.remaining_amount).label("remaining"),
            listed.c.payment_deadline,
            listed.c.note,
        )
        .select_from(listed)
        .join(who, who.c.id == listed.c.customer_id)
        .join(Branch, Branch.id == listed.c.branch_id)
        .join(User, User.id == listed.c.seller_id)
        .order_by(listed.c.payment_deadline, listed.c.created_at, listed.c.id)
    )
    return _stream(session, stmt)


# Purchases and payables (the director's).


@dataclass(frozen=True)
class PurchaseFilters:
    date_from: date | None = None
    date_to: date | None = None
    supplier_id: uuid.UUID | None = None
    branch_id: uuid.UUID | None = None


def purchase_rows(session: Session, filters: PurchaseFilters) -> Iterator[Row[Any]]:
    """Goods receipts per supplier received in the period: how many, so'm and dollars."""
    stmt = (
        select(
            Supplier.name.label("supplier"),
            func.count(GoodsReceipt.id).label("receipt_count"),
            func.coalesce(func.sum(as_int(GoodsReceipt.total_uzs)), 0).label("total_uzs"),
            func.coalesce(func.sum(as_int(GoodsReceipt.total_usd)), 0).label("total_usd"),
        )
        .join(Supplier, Supplier.id == GoodsReceipt.supplier_id)
        .group_by(Supplier.id, Supplier.name)
        .order_by(Supplier.name, Supplier.id)
    )
    if filters.date_from is not None:
        stmt = stmt.where(GoodsReceipt.received_on >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(GoodsReceipt.received_on <= filters.date_to)
    if filters.supplier_id is not None:
        stmt = stmt.where(GoodsReceipt.supplier_id == filters.supplier_id)
    if filters.branch_id is not None:
        stmt = stmt.where(GoodsReceipt.branch_id == filters.branch_id)
    return _stream(session, stmt)


def payable_rows(session: Session, filters: PayableFilters, today: date) -> Iterator[Row[Any]]:
    """The payables list's payables (same filters), by due date."""
    listed = PayableRepository(session).listing(filters, today).subquery()
    stmt = (
        select(
            Supplier.name.label("supplier"),
            GoodsReceipt.number.label("receipt_number"),
            GoodsReceipt.received_on,
            Branch.name.label("branch"),
            listed.c.due_date,
            listed.c.currency,
            as_int(listed.c.total_amount).label("total"),
            as_int(listed.c.remaining_amount).label("remaining"),
        )
        .select_from(listed)
        .join(Supplier, Supplier.id == listed.c.supplier_id)
        .join(GoodsReceipt, GoodsReceipt.id == listed.c.goods_receipt_id)
        .join(Branch, Branch.id == listed.c.branch_id)
        .order_by(listed.c.due_date, listed.c.created_at, listed.c.id)
    )
    return _stream(session, stmt)
