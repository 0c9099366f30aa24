"""Keeping the daily rollups in step with the receipts, in the receipt's own transaction.

The sales service calls `record_sale` once a sale and its items and payments are flushed,
and `record_return` for each item when a return is approved, after it has added the returned
quantity and refund to the item. Both only add to rows (INSERT … ON CONFLICT DO UPDATE), so
concurrent sales never overwrite each other's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.orm import Session

from carpet_shop.analytics.figures import ZERO, ItemNet, item_net
from carpet_shop.analytics.models import (
    PaymentsDaily,
    ProductsDaily,
    ProductsMonthly,
    SalesDaily,
    SizesDaily,
)
from carpet_shop.analytics.repository import receipt_buckets
from carpet_shop.analytics.sql import BUCKET_SECONDS, AddingUpsert
from carpet_shop.catalog.models import ProductType
from carpet_shop.sales.models import Sale, SaleItem, SalePayment

SALES_KEY = ("shop_day", "branch_id", "seller_id")
PAYMENTS_KEY = ("shop_day", "branch_id", "seller_id", "payment_type")
PRODUCTS_KEY = ("shop_day", "product_id")
PRODUCTS_MONTH_KEY = ("shop_month", "product_id")
PRODUCT_FIXED = ("branch_id",)
SIZES_KEY = ("shop_day", "branch_id", "product_type", "size")

_SALES = AddingUpsert(SalesDaily, SALES_KEY)
_PAYMENTS = AddingUpsert(PaymentsDaily, PAYMENTS_KEY)
_PRODUCTS = AddingUpsert(ProductsDaily, PRODUCTS_KEY, fixed=PRODUCT_FIXED)
_PRODUCTS_MONTHLY = AddingUpsert(ProductsMonthly, PRODUCTS_MONTH_KEY, fixed=PRODUCT_FIXED)
_SIZES = AddingUpsert(SizesDaily, SIZES_KEY)
FIGURES = ("item_count", "revenue", "refunded", "extra_profit", "director_profit")


def shop_day(sale: Sale, tz: ZoneInfo) -> date:
    return sale.date.astimezone(tz).date()


def _net(item: SaleItem, returned: Decimal, refunded: Decimal) -> ItemNet:
    return item_net(
        quantity=item.quantity,
        amount=item.amount,
        extra_profit=item.extra_profit,
        director_profit=item.director_profit,
        returned_quantity=returned,
        refunded_amount=refunded,
    )


def kind_of(item: SaleItem) -> ProductType:
    """What a sized line sold: a roll's line has its cut, a piece's none."""
    return ProductType.UNIT if item.cut_size is None else ProductType.METER


def _size_rows(
    day: date, branch_id: Any, nets: Sequence[tuple[SaleItem, ItemNet]], counted: int
) -> list[dict[str, Any]]:
    """Per size, the lines' net figures; `counted` is 1 for a sale (its receipt and lines
    count) and 0 for a return's change (they were counted when sold)."""
    by_size: dict[tuple[ProductType, str], dict[str, Any]] = {}
    for item, net in nets:
        if item.size is None:
            continue
        kind = kind_of(item)
        row = by_size.setdefault(
            (kind, item.size),
            {
                "shop_day": day,
                "branch_id": branch_id,
                "product_type": kind,
                "size": item.size,
                "sale_count": counted,
                "item_count": 0,
                "quantity": ZERO,
                "revenue": ZERO,
                "refunded": ZERO,
                "extra_profit": ZERO,
                "director_profit": ZERO,
            },
        )
        row["item_count"] += counted
        row["quantity"] += net.quantity
        row["revenue"] += net.revenue
        row["refunded"] += net.refunded
        row["extra_profit"] += net.extra_profit
        row["director_profit"] += net.director_profit
    return list(by_size.values())


def sale_rows(
    sale: Sale, items: Sequence[SaleItem], payments: Sequence[SalePayment], tz: ZoneInfo
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The rollup rows one sale adds: (sales row, payment rows, product rows, size rows),
    keys merged."""
    day = shop_day(sale, tz)
    nets = [(item, _net(item, item.returned_quantity, item.refunded_amount)) for item in items]
    sales_row = {
        "shop_day": day,
        "branch_id": sale.branch_id,
        "seller_id": sale.seller_id,
        "sale_count": 1,
        "item_count": len(items),
        "revenue": sum((n.revenue for _, n in nets), ZERO),
        "refunded": sum((n.refunded for _, n in nets), ZERO),
        "extra_profit": sum((n.extra_profit for _, n in nets), ZERO),
        "director_profit": sum((n.director_profit for _, n in nets), ZERO),
    }
    by_type: dict[str, Decimal] = {}
    for payment in payments:
        by_type[payment.payment_type] = by_type.get(payment.payment_type, ZERO) + payment.amount
    payment_rows = [
        {
            "shop_day": day,
            "branch_id": sale.branch_id,
            "seller_id": sale.seller_id,
            "payment_type": payment_type,
            "sale_count": 1,
            "amount": amount,
        }
        for payment_type, amount in by_type.items()
    ]
    by_product: dict[Any, dict[str, Any]] = {}
    for item, net in nets:
        row = by_product.setdefault(
            item.product_id,
            {
                "shop_day": day,
                "product_id": item.product_id,
                "branch_id": sale.branch_id,
                "item_count": 0,
                "quantity": ZERO,
                "revenue": ZERO,
                "refunded": ZERO,
                "extra_profit": ZERO,
                "director_profit": ZERO,
            },
        )
        row["item_count"] += 1
        row["quantity"] += net.quantity
        row["revenue"] += net.revenue
        row["refunded"] += net.refunded
        row["extra_profit"] += net.extra_profit
        row["director_profit"] += net.director_profit
    return (
        sales_row,
        payment_rows,
        list(by_product.values()),
        _size_rows(day, sale.branch_id, nets, 1),
    )


def _add_products(session: Session, rows: list[dict[str, Any]]) -> None:
    """Product rows of shop days, added to the daily and the monthly rollup."""
    _PRODUCTS.add(session, rows)
    monthly = [
        {
            "shop_month": row["shop_day"].replace(day=1),
            **{k: v for k, v in row.items() if k != "shop_day"},
        }
        for row in rows
    ]
    _PRODUCTS_MONTHLY.add(session, monthly)


def record_sale(
    session: Session,
    sale: Sale,
    items: Sequence[SaleItem],
    payments: Sequence[SalePayment],
    tz: ZoneInfo,
) -> None:
    """Add a new sale to the rollups. Call it in the sale's transaction, after the flush."""
    sales_row, payment_rows, product_rows, size_rows = sale_rows(sale, items, payments, tz)
    _SALES.add(session, [sales_row])
    _PAYMENTS.add(session, payment_rows)
    _add_products(session, product_rows)
    _SIZES.add(session, size_rows)


def record_return(
    session: Session,
    sale: Sale,
    item: SaleItem,
    *,
    quantity: Decimal,
    refund: Decimal,
    tz: ZoneInfo,
) -> None:
    """Take an approved return of `quantity` (refunding `refund`) of one item off the rollups.

    Call it after adding `quantity` and `refund` to the item's returned_quantity and
    refunded_amount, in the approval's transaction. The return counts against the day of
    the sale, as the receipts' figures do.
    """
    after = _net(item, item.returned_quantity, item.refunded_amount)
    before = _net(item, item.returned_quantity - quantity, item.refunded_amount - refund)
    change = after.minus(before)
    day = shop_day(sale, tz)
    figures = {
        "revenue": change.revenue,
        "refunded": change.refunded,
        "extra_profit": change.extra_profit,
        "director_profit": change.director_profit,
    }
    _SALES.add(
        session,
        [
            {
                "shop_day": day,
                "branch_id": sale.branch_id,
                "seller_id": sale.seller_id,
                "sale_count": 0,
                "item_count": 0,
                **figures,
            }
        ],
    )
    _add_products(
        session,
        [
            {
                "shop_day": day,
                "product_id": item.product_id,
                "branch_id": sale.branch_id,
                "item_count": 0,
                "quantity": change.quantity,
                **figures,
            }
        ],
    )
    _SIZES.add(session, _size_rows(day, sale.branch_id, [(item, change)], 0))


def _fold(
    rows: Sequence[Any], key: Any, figures: Sequence[str], tz: ZoneInfo
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Quarter-hour rows added up into shop days; `key(row, day)` gives the rollup key."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        day = datetime.fromtimestamp(int(row.bucket) * BUCKET_SECONDS, tz).date()
        k, fixed = key(row, day)
        target = out.setdefault(k, {**fixed, **{f: 0 for f in figures}})
        for f in figures:
            target[f] += getattr(row, f)
    return out


def fold_sizes(rows: Sequence[Any], tz: ZoneInfo) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The size rows of `receipt_buckets` added up into shop days."""
    return _fold(
        rows,
        lambda r, d: (
            (d, r.branch_id, r.product_type, r.size),
            {
                "shop_day": d,
                "branch_id": r.branch_id,
                "product_type": r.product_type,
                "size": r.size,
            },
        ),
        ("sale_count", "quantity", *FIGURES),
        tz,
    )


def _in_batches(session: Session, rollup: AddingUpsert, rows: list[dict[str, Any]]) -> None:
    # SQLite allows some thousands of bound values per statement.
    for start in range(0, len(rows), 500):
        rollup.add(session, rows[start : start + 500])


def rebuild(session: Session, tz: ZoneInfo) -> int:
    """Recompute every rollup from the receipts (after a restore, a bulk import, or to check
    them); returns the number of sales. Writes the whole tables: run it with the service
    stopped or quiet."""
    sales, payments, products, sizes = receipt_buckets(session)
    for model in (SalesDaily, PaymentsDaily, ProductsDaily, ProductsMonthly, SizesDaily):
        session.execute(delete(model))
    figures = FIGURES
    by_day = _fold(
        sales,
        lambda r, d: (
            (d, r.branch_id, r.seller_id),
            {"shop_day": d, "branch_id": r.branch_id, "seller_id": r.seller_id},
        ),
        ("sale_count", *figures),
        tz,
    )
    _in_batches(session, _SALES, list(by_day.values()))
    paid = _fold(
        payments,
        lambda r, d: (
            (d, r.branch_id, r.seller_id, r.payment_type),
            {
                "shop_day": d,
                "branch_id": r.branch_id,
                "seller_id": r.seller_id,
                "payment_type": r.payment_type,
            },
        ),
        ("sale_count", "amount"),
        tz,
    )
    _in_batches(session, _PAYMENTS, list(paid.values()))
    sold = _fold(
        products,
        lambda r, d: (
            (d, r.product_id),
            {"shop_day": d, "product_id": r.product_id, "branch_id": r.branch_id},
        ),
        ("quantity", *figures),
        tz,
    )
    _in_batches(session, _PRODUCTS, list(sold.values()))
    monthly: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (day, product_id), row in sold.items():
        month = day.replace(day=1)
        target = monthly.setdefault(
            (month, product_id),
            {"shop_month": month, "product_id": product_id, "branch_id": row["branch_id"]}
            | {f: 0 for f in ("quantity", *figures)},
        )
        for f in ("quantity", *figures):
            target[f] += row[f]
    _in_batches(session, _PRODUCTS_MONTHLY, list(monthly.values()))
    _in_batches(session, _SIZES, list(fold_sizes(sizes, tz).values()))
    session.flush()
    return sum(int(row["sale_count"]) for row in by_day.values())
