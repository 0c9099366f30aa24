"""The cost a receipt gives a size: the last price, or the moving weighted average."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import TwoBranches, assert_error, assert_ok
from tests.goods_receipts.receiving import item, product, receipt_body, receive, size_of


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def cost(shop, product_id, size="2×3"):
    return Decimal(str(size_of(product(shop, product_id), size)["buy_price"]))


def test_the_rule_is_the_directors_and_weighted_average_by_default(shop):
    url = "/api/goods-receipts/settings"
    assert assert_ok(shop.get("admin", url)) == {"cost_rule": "weighted_average"}
    for who in ("editor_a", "plain_a"):
        assert_error(shop.get(who, url), 403, "FORBIDDEN")
        assert_error(shop.put(who, url, {"cost_rule": "last_price"}), 403, "FORBIDDEN")
    assert_error(shop.put("admin", url, {"cost_rule": "fifo"}), 422, "VALIDATION_ERROR")
    assert assert_ok(shop.put("admin", url, {"cost_rule": "last_price"})) == {
        "cost_rule": "last_price"
    }
    assert assert_ok(shop.get("admin", url)) == {"cost_rule": "last_price"}


def test_weighted_average_and_last_price(shop, factory):
    supplier = factory.supplier()
    # 10 on hand at 100 000 (the factory's buy price).
    carpet = shop.product(sizes=["2×3"], stock=10, buy_price=100_000)
    receive(shop, receipt_body(shop, supplier, item(carpet, 5, 130_000)))
    # (10 × 100 000 + 5 × 130 000) / 15 = 110 000
    assert cost(shop, carpet.id) == Decimal(110_000)
    receive(shop, receipt_body(shop, supplier, item(carpet, 3, "100000.01")))
    # (15 × 110 000 + 3 × 100 000.01) / 18 = 108 333.335 → 108 333.34 (half up)
    assert cost(shop, carpet.id) == Decimal("108333.34")

    assert_ok(shop.put("admin", "/api/goods-receipts/settings", {"cost_rule": "last_price"}))
    receive(shop, receipt_body(shop, supplier, item(carpet, 1, 90_000)))
    assert cost(shop, carpet.id) == Decimal(90_000)


def test_nothing_on_hand_takes_the_received_price(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=0, buy_price=100_000)
    receive(shop, receipt_body(shop, supplier, item(carpet, 2, 70_000)))
    assert cost(shop, carpet.id) == Decimal(70_000)


def test_a_later_sale_freezes_the_received_cost_in_the_directors_profit(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=0, buy_price=100_000, sell_price=200_000)
    receive(shop, receipt_body(shop, supplier, item(carpet, 4, 120_000)))
    sale = assert_ok(
        shop.post(
            "plain_a",
            "/api/sales",
            {
                "items": [{"product_id": str(carpet.id), "quantity": 2, "amount": 400_000}],
                "payment_type": "cash",
            },
        ),
        201,
    )
    seen = assert_ok(shop.get("admin", f"/api/sales/{sale['id']}"))
    [line] = seen["items"]
    assert (line["buy_price"], line["cost"], line["director_profit"]) == (
        120_000,
        240_000,
        160_000,
    )
    # A later receipt changes the size's cost, not the sale already made.
    receive(shop, receipt_body(shop, supplier, item(carpet, 2, 150_000)))
    assert cost(shop, carpet.id) == Decimal(135_000)
    again = assert_ok(shop.get("admin", f"/api/sales/{sale['id']}"))
    assert again["items"][0]["buy_price"] == 120_000


def _reference(start_qty, start_cost, receipts):
    """The weighted average, computed independently in exact fractions, rounded half up
    to the tiyin after each receipt (as stored)."""
    from fractions import Fraction

    qty, unit = Fraction(start_qty), Fraction(start_cost)
    for received, price in receipts:
        if qty <= 0:
            unit = Fraction(price)
        else:
            unit = (qty * unit + received * Fraction(price)) / (qty + received)
        unit = Fraction(
            Decimal(unit.numerator / Decimal(unit.denominator)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        )
        qty += received
    return Decimal(unit.numerator) / Decimal(unit.denominator)


prices = st.decimals(min_value=0, max_value=5_000_000, places=2, allow_nan=False)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.integers(0, 40),
    receipts=st.lists(st.tuples(st.integers(1, 30), prices), min_size=1, max_size=5),
)
def test_weighted_average_matches_a_reference(shop, factory, start, receipts):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=start, buy_price=100_000)
    for quantity, price in receipts:
        receive(shop, receipt_body(shop, supplier, item(carpet, quantity, str(price))))
    assert cost(shop, carpet.id) == _reference(start, 100_000, receipts).quantize(Decimal("0.01"))
