"""A small shop with known sales, and the figures any filter should report, computed here
from the rows themselves (not through the service's code)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from carpet_shop.catalog.models import Category, Product, ProductType
from carpet_shop.sales.models import PaymentType
from tests.factories import Factory

TASHKENT = timedelta(hours=5)  # UTC+5 all year: the expected days are computed without zoneinfo
TODAY = date(2026, 3, 10)  # the `clock` fixture's day in Tashkent


def shop_day(instant: datetime) -> date:
    return (instant.astimezone(UTC) + TASHKENT).date()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - TASHKENT


def kept_share(value: Decimal, quantity: Decimal, returned: Decimal) -> Decimal:
    """value × kept / quantity, truncated toward zero to the tiyin."""
    numerator = int(value * 100) * int((quantity - returned) * 100)
    denominator = int(quantity * 100)
    cents = abs(numerator) // denominator
    return Decimal(cents if numerator >= 0 else -cents) / 100


@dataclass
class Line:
    sale_key: int
    date: datetime
    branch_id: Any
    seller_id: Any
    product: Product
    quantity: Decimal
    amount: Decimal
    extra: Decimal
    director: Decimal
    payments: list[tuple[PaymentType, Decimal]]
    phone: str | None
    returned: Decimal = Decimal("0")
    refunded: Decimal = Decimal("0")

    @property
    def net_extra(self) -> Decimal:
        return kept_share(self.extra, self.quantity, self.returned)

    @property
    def net_director(self) -> Decimal:
        return kept_share(self.director, self.quantity, self.returned)


@dataclass
class Shop:
    branches: list[Any]
    sellers: list[Any]
    products: list[Product]
    lines: list[Line] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def build_shop(factory: Factory, *, sales: int = 36, seed: int = 4) -> Shop:
    rnd = random.Random(seed)
    branches = [factory.branch(), factory.branch()]
    sellers = [factory.seller(branch=b) for b in branches for _ in range(2)]
    collections = [factory.collection(), factory.collection(), factory.collection()]
    products = []
    for branch in branches:
        for i, category in enumerate((Category.GILAMLAR, Category.KOVRIY, Category.METRAJLAR)):
            meter = category == Category.METRAJLAR
            products.append(
                factory.product(
                    branch,
                    collection=collections[i % 3 if branch is branches[0] else (i + 1) % 3],
                    category=category,
                    type=ProductType.METER if meter else ProductType.UNIT,
                    buy_price=Decimal("120.50") if meter else Decimal("1000.00"),
                    sell_price=Decimal("150.25") if meter else Decimal("1300.00"),
                    stock=Decimal("900.00") if meter else 500,
                )
            )
    shop = Shop(branches, sellers, products, phones=["+998901112233", "+998907778899"])
    # Days from February to the week after "today", with sales at the edges of shop days.
    days = [date(2026, 2, 1) + timedelta(days=d) for d in range(0, 45, 3)] + [TODAY]
    for key in range(sales):
        seller = rnd.choice(sellers)
        branch = next(b for b in branches if b.id == seller.branch_id)
        day = rnd.choice(days)
        when = rnd.choice([local(day, 0, 1), local(day, 23, 59), local(day, rnd.randint(9, 20))])
        choices = [p for p in products if p.branch_id == branch.id]
        items = []
        for product in rnd.sample(choices, rnd.choice([1, 1, 2])):
            if product.type == ProductType.METER:
                quantity = Decimal(rnd.choice(["1.50", "2.35", "4.00"]))
            else:
                quantity = Decimal(rnd.choice([1, 1, 2, 3]))
            standard = (product.standard_price * quantity).quantize(Decimal("0.01"))
            # Above, at, and below the standard price (an admin's discount).
            amount = standard + Decimal(rnd.choice(["0", "0", "75.50", "-10.01", "0.03"]))
            items.append((product, quantity, amount))
        total = sum((a for _, _, a in items), Decimal("0"))
        if rnd.random() < 0.3:
            first = (total / 3).quantize(Decimal("0.01"))
            payments = [(PaymentType.CASH, first), (PaymentType.CARD, total - first)]
        else:
            payments = [
                (rnd.choice([PaymentType.CASH, PaymentType.CARD, PaymentType.TRANSFER]), total)
            ]
        phone = rnd.choice([None, None, *shop.phones])
        receipt = factory.receipt(seller, items, payments, date=when, customer_phone=phone)
        for item, (product, _, _) in zip(receipt.items, items, strict=True):
            line = Line(
                key,
                when,
                branch.id,
                seller.id,
                product,
                item.quantity,
                item.amount,
                item.extra_profit,
                item.director_profit,
                payments,
                phone,
            )
            shop.lines.append(line)
            if rnd.random() < 0.2:
                back = item.quantity if rnd.random() < 0.5 else min(item.quantity, Decimal("1"))
                refund = (item.amount * back / item.quantity).quantize(Decimal("0.01"))
                factory.approve_return(receipt, item, back, refund)
                line.returned, line.refunded = back, refund
    return shop


@dataclass(frozen=True)
class Query:
    first_day: date | None
    last_day: date | None
    branch_id: Any = None
    seller_id: Any = None
    payment_type: PaymentType | None = None
    product_id: Any = None
    customer_phone: str | None = None


def selected(shop: Shop, q: Query) -> list[Line]:
    """Every item of every sale the filters select (a filter on product or payment type
    selects whole sales, as the sales list does)."""
    by_sale: dict[int, list[Line]] = defaultdict(list)
    for line in shop.lines:
        by_sale[line.sale_key].append(line)
    chosen = []
    for lines in by_sale.values():
        head = lines[0]
        day = shop_day(head.date)
        if (q.first_day and day < q.first_day) or (q.last_day and day > q.last_day):
            continue
        if q.branch_id and head.branch_id != q.branch_id:
            continue
        if q.seller_id and head.seller_id != q.seller_id:
            continue
        if q.customer_phone and head.phone != q.customer_phone:
            continue
        if q.payment_type and all(t != q.payment_type for t, _ in head.payments):
            continue
        if q.product_id and all(line.product.id != q.product_id for line in lines):
            continue
        chosen.extend(lines)
    return chosen


def totals(lines: list[Line]) -> dict[str, Any]:
    return {
        "sale_count": len({line.sale_key for line in lines}),
        "item_count": len(lines),
        "revenue": sum((line.amount - line.refunded for line in lines), Decimal("0")),
        "gross_revenue": sum((line.amount for line in lines), Decimal("0")),
        "refunded": sum((line.refunded for line in lines), Decimal("0")),
        "extra_profit": sum((line.net_extra for line in lines), Decimal("0")),
        "director_profit": sum((line.net_director for line in lines), Decimal("0")),
    }


def grouped(lines: list[Line], key: Any) -> dict[Any, dict[str, Any]]:
    groups: dict[Any, list[Line]] = defaultdict(list)
    for line in lines:
        groups[key(line)].append(line)
    return {k: totals(v) for k, v in groups.items()}


def payments(lines: list[Line]) -> dict[str, tuple[int, Decimal]]:
    sales: dict[int, list[tuple[PaymentType, Decimal]]] = {}
    for line in lines:
        sales[line.sale_key] = line.payments
    out: dict[str, tuple[int, Decimal]] = {t.value: (0, Decimal("0")) for t in PaymentType}
    for paid in sales.values():
        for t in {t for t, _ in paid}:
            count, amount = out[t.value]
            out[t.value] = (count + 1, amount + sum((a for u, a in paid if u == t), Decimal("0")))
    return out


def money(value: Any) -> Decimal:
    """A JSON number of the API as an exact Decimal (at most two places, so repr is exact)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def figures(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: money(data[k]) if k not in ("sale_count", "item_count") else data[k] for k in keys}
