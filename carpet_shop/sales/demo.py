"""Demo sales for `seed --demo`: a dozen receipts over the last days, by both sellers and the
director, cash, card, transfer, credit (nasiya) and mixed, pieces and metres. Idempotent.

The demo products come from the catalog's seed (issue 3). Once they exist, `seed_demo` calls
`seed_sales(session, clock, foundation, products, tz, low_stock)` after seeding them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carpet_shop.catalog.models import Product, ProductType, stock_of
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, FrozenClock, shop_today
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.money import round_money
from carpet_shop.sales import service
from carpet_shop.sales.models import Sale
from carpet_shop.sales.schemas import SaleCreate

if TYPE_CHECKING:
    from carpet_shop.demo import DemoFoundation

SEED_META = RequestMeta(ip_address=None, user_agent="carpet-shop seed")
THOUSAND = Decimal("1000")
CREDIT_DAYS = 30  # a demo credit sale is due this many days after it was made


@dataclass(frozen=True)
class _Plan:
    days_ago: int
    hour: int
    seller: str | None  # a demo seller's username, or None for the director
    quantity: str
    markup: str  # the price against the standard price, e.g. "1.05" for 5% above
    payments: tuple[str, ...]
    customer: tuple[str, str] | None = None


PLANS = [
    _Plan(9, 11, "seller1", "1", "1.00", ("cash",), ("Aziz Rahimov", "+998901234567")),
    _Plan(8, 15, "seller2", "2", "1.05", ("card",)),
    _Plan(7, 12, None, "1", "1.00", ("transfer",)),
    _Plan(6, 17, "seller1", "3.5", "1.00", ("cash", "card")),
    _Plan(5, 10, "seller2", "1", "0.97", ("cash",), ("Bekzod Tursunov", "+998935556677")),
    _Plan(4, 13, "seller1", "2", "1.10", ("card",)),
    _Plan(3, 16, None, "2.25", "1.00", ("cash",)),
    _Plan(2, 11, "seller2", "1", "1.00", ("transfer",)),
    _Plan(1, 18, "seller1", "1", "1.02", ("cash", "debt"), ("Malika Yo'ldosheva", "+998971112233")),
    _Plan(1, 12, "seller2", "4", "1.00", ("cash",)),
    _Plan(0, 10, "seller1", "1", "1.00", ("card",)),
    _Plan(0, 11, None, "1", "1.05", ("cash",)),
]


def _body(plan: _Plan, product: Product, day: date) -> dict[str, Any] | None:
    quantity = Decimal(plan.quantity)
    if product.type == ProductType.UNIT:
        quantity = quantity.to_integral_value()
    if quantity > product.stock or product.buy_price is None:
        return None
    # Sizes are stock: the line names a size that has the quantity (the first such).
    size = None
    if product.available_sizes:
        stocked = {r.size: stock_of(product.type, r.quantity, r.remaining_length)
                   for r in product.size_rows}  # fmt: skip
        size = next((s for s in product.available_sizes if stocked.get(s, 0) >= quantity), None)
        if size is None:
            return None
    # Round so'm prices to the thousand, as a shop would; never below the buy price.
    amount = round_money(product.standard_price * quantity * Decimal(plan.markup)) / THOUSAND
    amount = max(amount.to_integral_value() * THOUSAND, round_money(product.buy_price * quantity))
    parts = len(plan.payments)
    first = (amount / parts / THOUSAND).to_integral_value() * THOUSAND if parts > 1 else amount
    payments = [{"payment_type": plan.payments[0], "amount": str(first)}]
    if parts > 1:
        payments.append({"payment_type": plan.payments[1], "amount": str(amount - first)})
    body: dict[str, Any] = {
        "items": [
            {"product_id": str(product.id), "quantity": str(quantity), "amount": str(amount)}
            | ({} if size is None else {"size": size})
        ],
        "payments": payments,
    }
    if plan.customer:
        body["customer_name"], body["customer_phone"] = plan.customer
    if "debt" in plan.payments:
        body["debt_deadline"] = (day + timedelta(days=CREDIT_DAYS)).isoformat()
    return body


def seed_sales(
    session: Session,
    clock: Clock,
    foundation: DemoFoundation,
    products: Sequence[Product],
    tz: ZoneInfo,
    low_stock: LowStockDefaults,
) -> int:
    """Ring up the demo sales through the sales service (stock, numbers, commissions and audit
    as for any sale). Does nothing when the shop has sales already; returns how many it made."""
    if session.scalar(select(func.count(Sale.id))):
        return 0
    now = clock.now()
    made = 0
    for n, plan in enumerate(PLANS):
        user = foundation.sellers[plan.seller] if plan.seller else foundation.admin.user
        candidates = [
            p
            for p in products
            if p.deleted_at is None
            and (user.branch_id is None or p.branch_id == user.branch_id)
            and p.stock > 0
        ]
        if not candidates:
            continue
        product = candidates[n % len(candidates)]
        day = shop_today(clock, tz) - timedelta(days=plan.days_ago)
        body = _body(plan, product, day)
        if body is None:
            continue
        at = min(datetime.combine(day, time(plan.hour, 7 * n % 60), tz).astimezone(UTC), now)
        service.create_sale(
            session,
            Actor(user=user, meta=SEED_META),
            FrozenClock(at),
            SaleCreate.model_validate(body),
            tz=tz,
            low_stock=low_stock,
        )
        made += 1
    return made
