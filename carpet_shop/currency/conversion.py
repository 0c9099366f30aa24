"""So'm and dollars, exactly: the one rounding rule of every conversion.

A dollar amount times the day's rate (so'm per dollar) is rounded half up to the tiyin
(0.01 so'm); so'm divided by the rate is rounded half up to the cent. Both are Decimal
throughout, so a purchase's so'm amount is the same whichever worker computes it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from carpet_shop.currency.models import Currency

HUNDREDTH = Decimal("0.01")


def usd_to_uzs(amount_usd: Decimal, rate: Decimal) -> Decimal:
    return (amount_usd * rate).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def uzs_to_usd(amount_uzs: Decimal, rate: Decimal) -> Decimal:
    return (amount_uzs / rate).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def convert(amount: Decimal, source: Currency, target: Currency, rate: Decimal | None) -> Decimal:
    """`amount` in `source` expressed in `target`; `rate` is needed only when they differ."""
    if source == target:
        return amount
    if rate is None:
        raise ValueError("a conversion between currencies needs the day's rate")
    if source == Currency.USD:
        return usd_to_uzs(amount, rate)
    return uzs_to_usd(amount, rate)
