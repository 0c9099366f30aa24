"""Profit arithmetic against an independent reference (exact fractions), property-based."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carpet_shop.catalog.models import ProductType
from carpet_shop.discounts.models import DiscountType
from carpet_shop.discounts.service import discounted_price
from carpet_shop.sales.pricing import allocate, net_of_returns, price_line, share_of_amount
from tests.shop import Shop


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Two-place decimals from low/100 to high/100."""
    return st.integers(low, high).map(lambda n: Decimal(n) / 100)


def ref_round(x: Fraction) -> Fraction:
    """Half up to the tiyin, for non-negative values: the documented rule, done independently."""
    assert x >= 0
    return Fraction(math.floor(x * 100 + Fraction(1, 2)), 100)


PRICES = cents(1, 2_000_000_000)  # up to 20,000,000 so'm
PIECES = st.integers(1, 500).map(Decimal)
METRES = cents(1, 50_000)  # up to 500 m, to the centimetre
AMOUNTS = cents(1, 100_000_000_000)


@given(
    standard=PRICES,
    buy=PRICES,
    quantity=st.one_of(PIECES, METRES),
    amount=AMOUNTS,
)
def test_line_profit_matches_the_reference_formula(standard, buy, quantity, amount):
    line = price_line(
        quantity=quantity,
        amount=amount,
        list_price=standard,
        standard_price=standard,
        buy_price=buy,
    )
    q, sp, bp, amt = (Fraction(v) for v in (quantity, standard, buy, amount))
    standard_total = ref_round(sp * q)
    cost = ref_round(bp * q)
    extra = amt - standard_total
    director = standard_total - cost + min(extra, Fraction(0))
    assert Fraction(line.standard_total) == standard_total
    assert Fraction(line.cost) == cost
    assert Fraction(line.extra_profit) == extra
    assert Fraction(line.director_profit) == director
    assert line.discount_amount == 0
    # Nothing is lost: the money splits into cost, the director's profit and the extra profit.
    assert line.amount == line.cost + line.director_profit + max(line.extra_profit, Decimal(0))
    # Within rounding of the specification's formula computed exactly.
    exact = (sp - bp) * q + min(amt - sp * q, Fraction(0))
    assert abs(Fraction(line.director_profit) - exact) <= Fraction(2, 100)
    for value in (line.standard_total, line.cost, line.extra_profit, line.director_profit):
        assert value == value.quantize(Decimal("0.01"))
    assert line.below_cost == (amount < cost)


@given(quantity=PIECES, standard=PRICES, buy=PRICES, amount=AMOUNTS)
def test_whole_pieces_are_never_rounded(quantity, standard, buy, amount):
    line = price_line(
        quantity=quantity,
        amount=amount,
        list_price=standard,
        standard_price=standard,
        buy_price=buy,
    )
    assert line.director_profit == (standard - buy) * quantity + min(
        amount - standard * quantity, Decimal(0)
    )


@given(price=PRICES, value=cents(1, 10_000))
def test_percentage_discount(price, value):
    got = discounted_price(price, DiscountType.PERCENTAGE, value)
    assert Fraction(got) == ref_round(Fraction(price) * (100 - Fraction(value)) / 100)
    assert 0 <= got <= price


@given(price=PRICES, value=PRICES)
def test_fixed_discount_never_below_zero(price, value):
    assert discounted_price(price, DiscountType.FIXED_AMOUNT, value) == max(price - value, 0)


@given(
    list_price=PRICES,
    off=cents(0, 10_000),
    quantity=st.one_of(PIECES, METRES),
    amount=AMOUNTS,
)
def test_discount_amount_is_the_lines_whole_discount(list_price, off, quantity, amount):
    standard = discounted_price(list_price, DiscountType.PERCENTAGE, off)
    line = price_line(
        quantity=quantity,
        amount=amount,
        list_price=list_price,
        standard_price=standard,
        buy_price=Decimal("0.01"),
    )
    assert Fraction(line.discount_amount) == ref_round(
        Fraction(list_price) * Fraction(quantity)
    ) - (ref_round(Fraction(standard) * Fraction(quantity)))
    assert line.discount_amount >= 0


@given(
    amount=AMOUNTS,
    parts=st.lists(st.integers(1, 300), min_size=1, max_size=8),
    metres=st.booleans(),
)
def test_shares_of_a_line_add_up_to_its_amount(amount, parts, metres):
    unit = Decimal("0.01") if metres else Decimal(1)
    pieces = [Decimal(p) * unit for p in parts]
    quantity = sum(pieces, Decimal(0))
    before = Decimal(0)
    shares = []
    for piece in pieces:
        shares.append(share_of_amount(amount, quantity, before, piece))
        before += piece
    assert sum(shares, Decimal(0)) == amount
    assert all(s >= 0 for s in shares)


@given(
    caps=st.lists(cents(0, 10_000_000), min_size=1, max_size=10),
    fraction=st.fractions(0, 1),
)
def test_allocation_adds_up_and_never_passes_a_cap(caps, fraction):
    whole = sum(caps, Decimal(0))
    total = (whole * Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(
        Decimal("0.01"), rounding="ROUND_DOWN"
    )
    shares = allocate(total, caps)
    assert sum(shares, Decimal(0)) == total
    assert all(Decimal(0) <= s <= c for s, c in zip(shares, caps, strict=True))


@given(
    standard=PRICES,
    buy=PRICES,
    quantity=PIECES,
    amount=AMOUNTS,
)
def test_a_full_return_nets_to_zero(standard, buy, quantity, amount):
    line = price_line(
        quantity=quantity,
        amount=amount,
        list_price=standard,
        standard_price=standard,
        buy_price=buy,
    )
    net = net_of_returns(line, quantity, amount)
    assert (net.quantity, net.amount, net.cost, net.extra_profit, net.director_profit) == (
        0,
        0,
        0,
        0,
        0,
    )
    untouched = net_of_returns(line, Decimal(0), Decimal(0))
    assert untouched.director_profit == line.director_profit
    assert untouched.cost == line.cost


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from([ProductType.UNIT, ProductType.METER]),
    standard=cents(100, 100_000_000),
    buy=cents(1, 100_000_000),
    units=st.integers(1, 900),
    amount=cents(1, 5_000_000_000),
)
def test_the_api_stores_what_the_formula_says(shop: Shop, kind, standard, buy, units, amount):
    quantity = Decimal(units) / (100 if kind == ProductType.METER else 1)
    product = shop.factory.product(
        shop.branch, type=kind, stock=1000, buy_price=buy, sell_price=standard
    )
    response = shop.client.post(
        "/api/sales",
        json={
            "product_id": str(product.id),
            "quantity": str(quantity),
            "amount": str(amount),
            "payment_type": "cash",
        },
        headers=shop.admin_h,
    )
    assert response.status_code == 201, response.text
    sale = response.json()["data"]
    line = price_line(
        quantity=quantity,
        amount=amount,
        list_price=standard,
        standard_price=standard,
        buy_price=buy,
    )
    assert Decimal(str(sale["profit"])) == line.extra_profit
    assert Decimal(str(sale["director_profit"])) == line.director_profit
    assert Decimal(str(sale["cost"])) == line.cost
    assert Decimal(str(sale["items"][0]["director_profit"])) == line.director_profit


@pytest.mark.parametrize(
    ("quantity", "price", "amount", "standard_total"),
    [
        # 1.33 m × 99,999.99 = 132,999.9867 → 132,999.99 (half up)
        ("1.33", "99999.99", "133000", "132999.99"),
        # 0.05 m × 10.10 = 0.505 → 0.51 (exactly half: up)
        ("0.05", "10.10", "1", "0.51"),
        # 2.5 m × 0.01 = 0.025 → 0.03
        ("2.5", "0.01", "1", "0.03"),
    ],
)
def test_metre_rounding_examples(shop: Shop, quantity, price, amount, standard_total):
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock=10, buy_price="0.01", sell_price=price
    )
    response = shop.client.post(
        "/api/sales",
        json={
            "product_id": str(roll.id),
            "quantity": quantity,
            "amount": amount,
            "payment_type": "cash",
        },
        headers=shop.admin_h,
    )
    assert response.status_code == 201, response.text
    item = response.json()["data"]["items"][0]
    assert Decimal(str(item["extra_profit"])) == Decimal(amount) - Decimal(standard_total)
