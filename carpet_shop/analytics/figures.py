"""What a sale counts for once returns are approved: the one definition, exact to the tiyin.

An item sold `quantity` for `amount`, with its frozen `extra_profit` and `director_profit`,
of which `returned_quantity` came back and `refunded_amount` was paid back:

- revenue (net) = amount − refunded_amount
- quantity (net) = quantity − returned_quantity
- extra_profit (net) = extra_profit × (quantity − returned_quantity) / quantity
- director_profit (net) = director_profit × (quantity − returned_quantity) / quantity

The two scaled profits are computed in whole hundredths and truncated toward zero, which is
what integer division does in SQLite and PostgreSQL alike, so the rollups (computed here, in
Python) and the queries over receipts (computed in SQL, see `repository.py`) agree to the
tiyin. An item with nothing returned keeps its frozen figures exactly; one returned in full
counts for nothing but its refund difference (amount − refund, normally 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def to_cents(value: Decimal) -> int:
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than two decimal places")
    return int(scaled)


def from_cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def scale_cents(value: int, kept: int, quantity: int) -> int:
    """value × kept / quantity in whole hundredths, truncated toward zero (as SQL does)."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    product = value * kept
    magnitude = abs(product) // quantity
    return magnitude if product >= 0 else -magnitude


@dataclass(frozen=True)
class ItemNet:
    """One item's contribution to the analytics, net of its approved returns."""

    quantity: Decimal
    revenue: Decimal
    refunded: Decimal
    extra_profit: Decimal
    director_profit: Decimal

    def minus(self, other: ItemNet) -> ItemNet:
        return ItemNet(
            self.quantity - other.quantity,
            self.revenue - other.revenue,
            self.refunded - other.refunded,
            self.extra_profit - other.extra_profit,
            self.director_profit - other.director_profit,
        )


def item_net(
    *,
    quantity: Decimal,
    amount: Decimal,
    extra_profit: Decimal,
    director_profit: Decimal,
    returned_quantity: Decimal,
    refunded_amount: Decimal,
) -> ItemNet:
    """`revenue` is the gross amount; net revenue is `revenue - refunded`."""
    q, kept = to_cents(quantity), to_cents(quantity - returned_quantity)
    return ItemNet(
        quantity=quantity - returned_quantity,
        revenue=amount,
        refunded=refunded_amount,
        extra_profit=from_cents(scale_cents(to_cents(extra_profit), kept, q)),
        director_profit=from_cents(scale_cents(to_cents(director_profit), kept, q)),
    )


def shares_percent(values: list[Decimal]) -> list[Decimal]:
    """Each value's share of their positive total in percent, two places, summing to 100.00.

    A pie chart has no negative slices: a value at or below zero gets 0. The hundredths of a
    percent left over by rounding down go to the largest remainders (ties: the earlier value),
    so the shares always add up to exactly 100.00 when any value is positive, else all are 0.
    """
    parts = [max(to_cents(v), 0) for v in values]
    total = sum(parts)
    if total == 0:
        return [Decimal("0.00") for _ in values]
    units = [p * 10_000 // total for p in parts]
    left = 10_000 - sum(units)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(parts[i] * 10_000 % total), i))
    for i in by_remainder[:left]:
        units[i] += 1
    return [from_cents(u) for u in units]


ZERO = Decimal("0.00")


@dataclass
class Figures:
    """Sums over a group of sales. `revenue` is gross; `net_revenue` takes refunds off."""

    sale_count: int = 0
    item_count: int = 0
    revenue: Decimal = ZERO
    refunded: Decimal = ZERO
    extra_profit: Decimal = ZERO
    director_profit: Decimal = ZERO

    @property
    def net_revenue(self) -> Decimal:
        return self.revenue - self.refunded

    def add(self, other: Figures) -> None:
        self.sale_count += other.sale_count
        self.item_count += other.item_count
        self.revenue += other.revenue
        self.refunded += other.refunded
        self.extra_profit += other.extra_profit
        self.director_profit += other.director_profit
