"""The project's one rounding rule for money: to the tiyin (0.01 so'm), half up.

Used wherever a price meets a fraction: a price per metre times metres, a percentage.
Sums and differences of two-place amounts are exact and never rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(rate: Decimal, amount: Decimal) -> Decimal:
    """`rate` percent of `amount`, rounded to the tiyin."""
    return round_money(amount * rate / HUNDRED)
