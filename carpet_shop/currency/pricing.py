"""What a dollar list price shows in so'm: for the product reads (catalog.views).

A product's `sell_price_usd` is shown beside its so'm price as `sell_price_usd_uzs`: the
dollar price at the rate in force today, rounded as every conversion is (currency/conversion.py,
half up to the tiyin); none without a dollar price or without any rate recorded yet.
"""

from __future__ import annotations

from decimal import Decimal

from carpet_shop.currency.conversion import usd_to_uzs


def som_price(price_usd: Decimal | None, rate: Decimal | None) -> Decimal | None:
    if price_usd is None or rate is None:
        return None
    return usd_to_uzs(price_usd, rate)
