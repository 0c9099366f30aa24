"""Prices and profits of a sale line: pure, exact Decimal arithmetic, no database.

Rounding rule: a product of a price and a quantity (so'm per metre × metres can have four
decimal places) is quantized to 0.01 so'm with ROUND_HALF_UP, each product on its own:

    standard_total = round(standard_price × quantity)
    cost           = round(buy_price × quantity)
    extra_profit   = amount − standard_total                 (exact; negative below standard)
    director_profit = standard_total − cost + min(extra_profit, 0)

so `amount = cost + director_profit + max(extra_profit, 0)` holds to the tiyin. For whole
pieces nothing is ever rounded. A percentage discount rounds the discounted unit price the
same way (see discounts.service.discounted_price).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from carpet_shop.core.money import CENT, ZERO, round_money


@dataclass(frozen=True)
class LinePrice:
    """What a sale line is worth, frozen at sale time."""

    quantity: Decimal
    amount: Decimal
    list_price: Decimal
    standard_price: Decimal
    buy_price: Decimal
    standard_total: Decimal
    discount_amount: Decimal
    cost: Decimal
    extra_profit: Decimal
    director_profit: Decimal

    @property
    def below_cost(self) -> bool:
        return self.amount < self.cost


def price_line(
    *,
    quantity: Decimal,
    amount: Decimal,
    list_price: Decimal,
    standard_price: Decimal,
    buy_price: Decimal,
) -> LinePrice:
    standard_total = round_money(standard_price * quantity)
    cost = round_money(buy_price * quantity)
    extra = amount - standard_total
    return LinePrice(
        quantity=quantity,
        amount=amount,
        list_price=list_price,
        standard_price=standard_price,
        buy_price=buy_price,
        standard_total=standard_total,
        # The line's whole discount, not per unit: what the promotion cost this sale.
        discount_amount=round_money(list_price * quantity) - standard_total,
        cost=cost,
        extra_profit=extra,
        director_profit=standard_total - cost + min(extra, ZERO),
    )


@dataclass(frozen=True)
class NetFigures:
    """A sale line's figures net of approved returns: the same formulas applied to what stays
    sold, with the amount reduced by what was refunded. Analytics count these."""

    quantity: Decimal
    amount: Decimal
    cost: Decimal
    extra_profit: Decimal
    director_profit: Decimal


def net_of_returns(
    line: LinePrice, returned_quantity: Decimal, refunded_amount: Decimal
) -> NetFigures:
    quantity = line.quantity - returned_quantity
    amount = line.amount - refunded_amount
    standard_total = round_money(line.standard_price * quantity)
    cost = round_money(line.buy_price * quantity)
    extra = amount - standard_total
    return NetFigures(
        quantity=quantity,
        amount=amount,
        cost=cost,
        extra_profit=extra,
        director_profit=standard_total - cost + min(extra, ZERO),
    )


def share_of_amount(amount: Decimal, quantity: Decimal, before: Decimal, taken: Decimal) -> Decimal:
    """What was paid for `taken` units of a line, after `before` units were already taken back.

    Cumulative rounding (round(amount × (before + taken) / quantity) − round(amount × before /
    quantity)) makes the shares of a line's units add up to its amount exactly, however the
    returns split it.
    """

    def upto(units: Decimal) -> Decimal:
        return round_money(amount * units / quantity)

    return upto(before + taken) - upto(before)


def allocate(total: Decimal, caps: list[Decimal]) -> list[Decimal]:
    """Split `total` over lines in proportion to their caps, to the tiyin, never above a cap.

    Largest remainder: every line gets its proportional share rounded down, and the tiyins
    left over go to the lines that lost the most to rounding. `total` must not exceed the sum
    of the caps.
    """
    whole = sum(caps, ZERO)
    if whole <= 0:
        return [ZERO for _ in caps]
    exact = [total * cap / whole for cap in caps]
    shares = [x.quantize(CENT, rounding=ROUND_DOWN) for x in exact]
    left = int((total - sum(shares, ZERO)) / CENT)
    by_remainder = sorted(range(len(caps)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[:left]:
        shares[i] += CENT
    return shares
