"""The four reports as tables (see `table.py`): which columns, which rows, which totals.

Each report reads what its list or analytics reads, with the same filters and scoping, and
its totals are added up from the very rows it writes, the same way the analytics add them
(`analytics.figures`): a sales file's totals equal `GET /api/sales/analytics` for the same
filters. A seller's report has no cost, buy price or director's profit column: they are
left out of the table, not blanked.

Sizes: a sales line shows the size sold (a roll's cut, or a piece's size); a line sold before
sizes were stock shows its product's sizes. The inventory has a row per size in stock.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.analytics import service as analytics_service
from carpet_shop.analytics.figures import Figures, shares_percent, to_cents
from carpet_shop.catalog.filters import ProductFilters
from carpet_shop.catalog.models import ProductType, standard_price_of
from carpet_shop.catalog.sizes import size_price
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.repository import BranchScope
from carpet_shop.currency.models import Currency
from carpet_shop.debts.repository import DebtFilters
from carpet_shop.debts.status import days_overdue, status_of
from carpet_shop.payables.models import PayableStatus
from carpet_shop.payables.repository import PayableFilters
from carpet_shop.payables.status import days_overdue as payable_days_overdue
from carpet_shop.payables.status import status_of as payable_status_of
from carpet_shop.reports import repository
from carpet_shop.reports.table import (
    Column,
    Kind,
    Table,
    Total,
    hundredths_decimal,
    picker,
    visible,
)
from carpet_shop.sales.filters import SaleFilters
from carpet_shop.sales.models import PaymentType

T, M, Q, N = Kind.TEXT, Kind.MONEY, Kind.QUANTITY, Kind.INTEGER
PAYMENT_ORDER = {t.value: i for i, t in enumerate(PaymentType)}

SALES_COLUMNS = (
    Column("receipt_number", "Receipt", T, 12),
    Column("date", "Date and time", Kind.DATETIME, 19),
    Column("branch", "Branch", T, 18),
    Column("seller", "Seller", T, 18),
    Column("customer_name", "Customer", T, 20),
    Column("customer_phone", "Phone", T, 15),
    Column("product", "Product", T, 28),
    Column("category", "Category", T, 12),
    Column("collection", "Collection", T, 14),
    Column("size", "Size", T, 10),
    Column("unit", "Unit", T, 6),
    Column("quantity", "Quantity", Q, 9),
    Column("returned_quantity", "Returned", Q, 9),
    Column("amount", "Amount", M, 16),
    Column("refunded", "Refunded", M, 14),
    Column("revenue", "Revenue (net)", M, 16),
    Column("payment_types", "Payment", T, 14),
    Column("extra_profit", "Extra profit", M, 14),
    Column("cost", "Cost", M, 16, director_only=True),
    Column("director_profit", "Director's profit", M, 16, director_only=True),
)


def _sizes(value: Any) -> str:
    """A product's sizes as text: from a list, or from the JSON text SQLite gives."""
    if isinstance(value, str):
        value = json.loads(value)
    return ", ".join(value) if value else ""


def _utc(value: Any) -> datetime:
    """An instant as the driver gives it: SQLite's UTC text, or PostgreSQL's datetime."""
    if isinstance(value, str):
        # The offset appended to the text, not `replace(tzinfo=...)` on the result: a million
        # rows, and `replace` with a keyword costs several times the parse.
        return datetime.fromisoformat(value + "+00:00")
    moment: datetime = value
    return moment


def _payment_types(joined: str | None) -> str:
    if not joined:
        return ""
    kinds = set(joined.split(","))
    return ", ".join(sorted(kinds, key=lambda k: PAYMENT_ORDER.get(k, 99)))


def _unit(type_: str) -> str:
    return "m" if type_ == "meter" else "pcs"


def _times(value: int, quantity_hundredths: int) -> int:
    """price (hundredths) × quantity (hundredths), in hundredths, rounded half up."""
    return (value * quantity_hundredths + 50) // 100


def sales_table(
    session: Session, filters: SaleFilters, tz: ZoneInfo, *, director: bool, today: date
) -> Table:
    columns, positions = visible(SALES_COLUMNS, director=director)
    pick = picker(positions, len(SALES_COLUMNS))
    sums = {
        "sale_count": 0,
        "item_count": 0,
        "amount": 0,
        "refunded": 0,
        "extra_profit": 0,
        "cost": 0,
        "director_profit": 0,
    }

    def rows() -> Iterator[Sequence[Any]]:
        # The busiest loop of the reports (a million lines a year): locals, not lookups.
        sale_count = item_count = amount_sum = refunded_sum = extra_sum = cost_sum = 0
        director_sum = 0
        last_receipt = last_payments = None
        payment_text = ""
        units = {"meter": "m", "unit": "pcs"}
        for (
            receipt,
            when,
            branch,
            seller,
            customer_name,
            customer_phone,
            product,
            category,
            collection,
            size,
            product_sizes,
            type_,
            quantity,
            returned,
            amount,
            refunded,
            buy_price,
            extra,
            director_profit,
            payments,
        ) in repository.sale_lines(session, filters):
            if receipt != last_receipt:
                last_receipt = receipt
                sale_count += 1
            if payments != last_payments:
                last_payments, payment_text = payments, _payment_types(payments)
            if size is None:  # sold before sizes were stock
                size = _sizes(product_sizes)
            cost = (buy_price * (quantity - returned) + 50) // 100
            item_count += 1
            amount_sum += amount
            refunded_sum += refunded
            extra_sum += extra
            cost_sum += cost
            director_sum += director_profit
            yield pick(
                (
                    receipt,
                    _utc(when).astimezone(tz),
                    branch,
                    seller,
                    customer_name,
                    customer_phone,
                    product,
                    category,
                    collection,
                    size,
                    units.get(type_, type_),
                    quantity,
                    returned,
                    amount,
                    refunded,
                    amount - refunded,
                    payment_text,
                    extra,
                    cost,
                    director_profit,
                )
            )
        sums.update(
            sale_count=sale_count,
            item_count=item_count,
            amount=amount_sum,
            refunded=refunded_sum,
            extra_profit=extra_sum,
            cost=cost_sum,
            director_profit=director_sum,
        )

    def totals() -> list[Total]:
        out = [
            Total("sale_count", N, sums["sale_count"]),
            Total("item_count", N, sums["item_count"]),
            Total("amount", M, sums["amount"]),
            Total("gross_revenue", M, sums["amount"]),
            Total("refunded", M, sums["refunded"]),
            Total("revenue", M, sums["amount"] - sums["refunded"]),
            Total("extra_profit", M, sums["extra_profit"]),
        ]
        if director:
            out += [
                Total("cost", M, sums["cost"]),
                Total("director_profit", M, sums["director_profit"]),
            ]
        return out

    window = filters.window
    return Table(
        name="sales",
        columns=columns,
        rows=rows(),
        totals=totals,
        first_day=window.first_day if window else None,
        last_day=window.last_day if window else today,
    )


INVENTORY_COLUMNS = (
    Column("branch", "Branch", T, 18),
    Column("product", "Product", T, 28),
    Column("category", "Category", T, 12),
    Column("collection", "Collection", T, 14),
    Column("size", "Size", T, 14),
    Column("unit", "Unit", T, 6),
    Column("stock", "Stock", Q, 9),
    Column("price", "Price", M, 16),
    Column("stock_value", "Value at price", M, 18),
    Column("buy_price", "Buy price", M, 16, director_only=True),
    Column("stock_cost", "Value at buy price", M, 18, director_only=True),
    Column("low_stock_threshold", "Low-stock level", Q, 10),
    Column("low_stock", "Low stock", Kind.BOOL, 10),
)


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else to_cents(value)


def _size_prices(r: Any, meter: bool) -> tuple[int | None, int | None]:
    """A row's sell and buy price in hundredths, per piece or metre: the size's own, else
    from the product's rate per m², else the product's (as the catalog shows them)."""
    own = standard_price_of(ProductType(r.type), r.sell_price, r.sell_price_per_meter)
    if r.size is None:
        return _cents(own), _cents(r.buy_price)
    area = (r.width, r.height, r.price_step)
    sell = size_price(r.size_sell_price, r.sell_price_per_m2, *area, own, meter=meter)
    buy = size_price(r.size_buy_price, r.buy_price_per_m2, *area, r.buy_price, meter=meter)
    return _cents(sell), _cents(buy)


def inventory_table(
    session: Session,
    scope: BranchScope,
    filters: ProductFilters,
    defaults: LowStockDefaults,
    *,
    director: bool,
    low_stock_only: bool,
    today: date,
) -> Table:
    columns, positions = visible(INVENTORY_COLUMNS, director=director)
    pick = picker(positions, len(INVENTORY_COLUMNS))
    sums = {
        "product_count": 0,
        "size_count": 0,
        "low_stock_count": 0,
        "stock_value": 0,
        "stock_cost": 0,
    }

    def rows() -> Iterator[Sequence[Any]]:
        last_product = None
        for r in repository.inventory_rows(session, scope, filters):
            meter = r.type == "meter"
            price, buy = _size_prices(r, meter)
            level = r.low_stock_threshold
            if level is None:
                level = defaults.metres_hundredths if meter else defaults.pieces_hundredths
            low = r.stock <= level
            if low_stock_only and not low:
                continue
            if filters.in_stock is not None and (r.stock > 0) != filters.in_stock:
                continue  # the list keeps a product with any size in stock; a row is a size
            value = _times(price, r.stock) if price is not None else 0
            cost = _times(buy, r.stock) if buy is not None else 0
            if r.product_id != last_product:  # a product's sizes come one after another
                last_product = r.product_id
                sums["product_count"] += 1
            sums["size_count"] += 1
            sums["low_stock_count"] += int(low)
            sums["stock_value"] += value
            sums["stock_cost"] += cost
            yield pick(
                (
                    r.branch,
                    r.product,
                    r.category,
                    r.collection,
                    r.size or "",
                    _unit(r.type),
                    r.stock,
                    price,
                    value,
                    buy,
                    cost,
                    level,
                    low,
                )
            )

    def totals() -> list[Total]:
        out = [
            Total("product_count", N, sums["product_count"]),
            Total("size_count", N, sums["size_count"]),
            Total("low_stock_count", N, sums["low_stock_count"]),
            Total("stock_value", M, sums["stock_value"]),
        ]
        if director:
            out.append(Total("stock_cost", M, sums["stock_cost"]))
        return out

    return Table("inventory", columns, rows(), totals, today, today)


DEBT_COLUMNS = (
    Column("customer", "Customer", T, 22),
    Column("phone", "Phone", T, 15),
    Column("branch", "Branch", T, 18),
    Column("seller", "Seller", T, 18),
    Column("created", "Opened", Kind.DATE, 11),
    Column("total", "Total", M, 16),
    Column("paid", "Paid", M, 16),
    Column("returned", "Returned goods", M, 14),
    Column("remaining", "Remaining", M, 16),
    Column("deadline", "Deadline", Kind.DATE, 11),
    Column("days_overdue", "Days overdue", N, 8),
    Column("status", "Status", T, 9),
    Column("note", "Note", T, 24),
)


def debts_table(
    session: Session, scope: BranchScope, filters: DebtFilters, tz: ZoneInfo, *, today: date
) -> Table:
    sums = {
        "debt_count": 0,
        "overdue_count": 0,
        "total": 0,
        "paid": 0,
        "returned": 0,
        "remaining": 0,
    }

    def rows() -> Iterator[Sequence[Any]]:
        for r in repository.debt_rows(session, scope, filters, today):
            remaining = hundredths_decimal(r.remaining)
            status = status_of(remaining, r.payment_deadline, today)
            paid = r.total - r.returned - r.remaining
            sums["debt_count"] += 1
            sums["overdue_count"] += int(status == "overdue")
            sums["total"] += r.total
            sums["paid"] += paid
            sums["returned"] += r.returned
            sums["remaining"] += r.remaining
            yield (
                r.customer,
                r.phone,
                r.branch,
                r.seller,
                r.created_at.astimezone(tz).date(),
                r.total,
                paid,
                r.returned,
                r.remaining,
                r.payment_deadline,
                days_overdue(remaining, r.payment_deadline, today),
                status.value,
                r.note,
            )

    def totals() -> list[Total]:
        return [
            Total("debt_count", N, sums["debt_count"]),
            Total("overdue_count", N, sums["overdue_count"]),
            *(Total(k, M, sums[k]) for k in ("total", "paid", "returned", "remaining")),
        ]

    return Table("debts", DEBT_COLUMNS, rows(), totals, today, today)


PROFIT_COLUMNS = (
    Column("period", "Period from", Kind.DATE, 11),
    Column("branch", "Branch", T, 18),
    Column("sale_count", "Receipts", N, 9),
    Column("gross_revenue", "Amount", M, 16),
    Column("refunded", "Refunded", M, 14),
    Column("revenue", "Revenue (net)", M, 16),
    Column("extra_profit", "Extra profit", M, 14),
    Column("director_profit", "Director's profit", M, 16),
    Column("share_percent", "Share of the period, %", Kind.PERCENT, 12),
)


def _figure_totals(figures: Figures) -> list[Total]:
    return [
        Total("sale_count", N, figures.sale_count),
        Total("item_count", N, figures.item_count),
        Total("gross_revenue", M, to_cents(figures.revenue)),
        Total("refunded", M, to_cents(figures.refunded)),
        Total("revenue", M, to_cents(figures.net_revenue)),
        Total("extra_profit", M, to_cents(figures.extra_profit)),
        Total("director_profit", M, to_cents(figures.director_profit)),
    ]


def profit_table(
    session: Session,
    filters: SaleFilters,
    tz: ZoneInfo,
    group_by: analytics_service.GroupBy,
    *,
    today: date,
) -> Table:
    """The director's profit per period and branch, each branch's share of the period's
    profit (the pie chart's), and the totals of `GET /api/sales/profit`."""
    report: list[analytics_service.ProfitReport] = []

    def rows() -> Iterator[Sequence[Any]]:
        overall = analytics_service.profit_report(session, filters, tz, group_by)
        report.append(overall)
        per_period: dict[date, list[tuple[str, Figures]]] = {}
        for share in overall.by_branch:
            scoped = dataclasses.replace(
                filters, scope=BranchScope(allowed_branch_id=None, requested_branch_id=share.row.id)
            )
            branch = analytics_service.profit_report(session, scoped, tz, group_by)
            for point in branch.series:
                if point.figures.sale_count or point.figures.item_count:
                    day = point.start.astimezone(tz).date()
                    per_period.setdefault(day, []).append((share.row.name, point.figures))
        for day in sorted(per_period):
            entries = per_period[day]
            shares = shares_percent([f.director_profit for _, f in entries])
            for (name, f), share_value in zip(entries, shares, strict=True):
                yield (
                    day,
                    name,
                    f.sale_count,
                    to_cents(f.revenue),
                    to_cents(f.refunded),
                    to_cents(f.net_revenue),
                    to_cents(f.extra_profit),
                    to_cents(f.director_profit),
                    to_cents(share_value),
                )

    def totals() -> list[Total]:
        return _figure_totals(report[0].totals) if report else []

    window = filters.window
    return Table(
        name="profit",
        columns=PROFIT_COLUMNS,
        rows=rows(),
        totals=totals,
        first_day=window.first_day if window else None,
        last_day=window.last_day if window else today,
        extra={"group_by": group_by.value},
    )


Builder = Callable[[Session], Table]


# Purchases by supplier, and the payables list (director).

PURCHASE_COLUMNS = (
    Column("supplier", "Supplier", T, 26),
    Column("receipt_count", "Receipts", N, 9),
    Column("total_uzs", "Total, so'm", M, 18),
    Column("total_usd", "Total, USD", M, 14),
)


def purchases_table(session: Session, filters: repository.PurchaseFilters, *, today: date) -> Table:
    """Goods receipts per supplier in the period: so'm totals include the dollar lines at
    their receipt's rate; the dollar column is the dollar lines alone, in dollars."""
    sums = {"supplier_count": 0, "receipt_count": 0, "total_uzs": 0, "total_usd": 0}

    def rows() -> Iterator[Sequence[Any]]:
        for r in repository.purchase_rows(session, filters):
            sums["supplier_count"] += 1
            sums["receipt_count"] += r.receipt_count
            sums["total_uzs"] += int(r.total_uzs)
            sums["total_usd"] += int(r.total_usd)
            yield (r.supplier, r.receipt_count, int(r.total_uzs), int(r.total_usd))

    def totals() -> list[Total]:
        return [
            Total("supplier_count", N, sums["supplier_count"]),
            Total("receipt_count", N, sums["receipt_count"]),
            Total("total_uzs", M, sums["total_uzs"]),
            Total("total_usd", M, sums["total_usd"]),
        ]

    return Table(
        "purchases", PURCHASE_COLUMNS, rows(), totals, filters.date_from, filters.date_to or today
    )


PAYABLE_COLUMNS = (
    Column("supplier", "Supplier", T, 24),
    Column("receipt_number", "Receipt", T, 12),
    Column("received_on", "Received", Kind.DATE, 11),
    Column("branch", "Branch", T, 18),
    Column("due_date", "Due date", Kind.DATE, 11),
    Column("currency", "Currency", T, 8),
    Column("total", "Total", M, 16),
    Column("paid", "Paid", M, 16),
    Column("remaining", "Remaining", M, 16),
    Column("days_overdue", "Days overdue", N, 8),
    Column("status", "Status", T, 9),
)


def payables_table(session: Session, filters: PayableFilters, *, today: date) -> Table:
    """The payables list as a file. Amounts are in each payable's currency, so the totals
    are per currency (`remaining_uzs`, `remaining_usd`, ...), never one mixed sum."""
    sums: dict[str, int] = {"payable_count": 0, "overdue_count": 0}
    for currency in ("uzs", "usd"):
        for key in ("total", "paid", "remaining"):
            sums[f"{key}_{currency}"] = 0

    def rows() -> Iterator[Sequence[Any]]:
        for r in repository.payable_rows(session, filters, today):
            remaining = hundredths_decimal(r.remaining)
            status = payable_status_of(remaining, r.due_date, today)
            paid = r.total - r.remaining
            currency = Currency(r.currency)
            suffix = currency.value.lower()
            sums["payable_count"] += 1
            sums["overdue_count"] += int(status == PayableStatus.OVERDUE)
            sums[f"total_{suffix}"] += r.total
            sums[f"paid_{suffix}"] += paid
            sums[f"remaining_{suffix}"] += r.remaining
            yield (
                r.supplier,
                r.receipt_number,
                r.received_on,
                r.branch,
                r.due_date,
                currency.value,
                r.total,
                paid,
                r.remaining,
                payable_days_overdue(remaining, r.due_date, today),
                status.value,
            )

    def totals() -> list[Total]:
        return [
            Total("payable_count", N, sums["payable_count"]),
            Total("overdue_count", N, sums["overdue_count"]),
            *(Total(k, M, v) for k, v in sums.items() if k[-4:] in ("_uzs", "_usd")),
        ]

    return Table("payables", PAYABLE_COLUMNS, rows(), totals, None, today)
