"""GET /api/sales and /api/sales/{id}: cards with items and payments, filters, periods, scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from carpet_shop.catalog.models import ProductType
from tests.conftest import T0
from tests.factories import assert_error
from tests.shop import Shop

TASHKENT = ZoneInfo("Asia/Tashkent")


def _at(clock, local: str) -> None:
    clock.current = datetime.fromisoformat(local).replace(tzinfo=TASHKENT).astimezone(UTC)


def _receipts(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["receipt_number"] for s in response.json()["data"]]


def test_list_is_newest_first_with_items_payments_and_meta(shop: Shop, clock):
    product = shop.factory.product(shop.branch, stock=20, photo_thumb="/uploads/p/t.jpg")
    for minutes in range(3):
        clock.current = T0 + timedelta(minutes=minutes)
        shop.factory.sale(shop.seller, (product, 1, 150_000))
    response = shop.client.get("/api/sales", params={"page_size": 2}, headers=shop.admin_h)
    body = response.json()
    assert body["meta"] == {"page": 1, "page_size": 2, "total": 3}
    code = shop.branch.code
    assert [s["receipt_number"] for s in body["data"]] == [f"{code}-000003", f"{code}-000002"]
    card = body["data"][0]
    assert card["branch_name"] == shop.branch.name
    assert card["payments"] == [{"payment_type": "cash", "amount": 150_000}]
    [item] = card["items"]
    assert item["photo_thumb"] == "/uploads/p/t.jpg"
    assert item["collection_name"].startswith("Collection")
    page2 = shop.client.get("/api/sales", params={"page": 2, "page_size": 2}, headers=shop.admin_h)
    assert _receipts(page2) == [f"{code}-000001"]


def test_page_size_over_200_is_422(shop: Shop):
    assert_error(
        shop.client.get("/api/sales", params={"page_size": 201}, headers=shop.admin_h),
        422,
        "VALIDATION_ERROR",
    )


@contextmanager
def _count_queries(shop: Shop) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = shop.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_page_of_cards_takes_the_same_queries_for_1_or_25_sales(shop: Shop):
    products = [shop.factory.product(shop.branch, stock=50) for _ in range(3)]
    shop.factory.sale(shop.seller, (products[0], 1, 150_000))
    with _count_queries(shop) as few:
        assert len(shop.client.get("/api/sales", headers=shop.admin_h).json()["data"]) == 1
    for n in range(24):
        shop.factory.sale(
            shop.seller,
            (products[n % 3], 1, 150_000),
            (products[(n + 1) % 3], 1, 160_000),
            payments=[
                {"payment_type": "cash", "amount": 200_000},
                {"payment_type": "card", "amount": 110_000},
            ],
            payment_type=None,
        )
    with _count_queries(shop) as many:
        assert len(shop.client.get("/api/sales", headers=shop.admin_h).json()["data"]) == 25
    assert len(many) == len(few)


def test_seller_sees_own_branch_admin_sees_all(shop: Shop):
    here = shop.factory.product(shop.branch)
    there = shop.factory.product(shop.other_branch)
    mine = shop.factory.sale(shop.seller, (here, 1, 150_000)).sale
    theirs = shop.factory.sale(shop.other_seller, (there, 1, 150_000)).sale
    assert _receipts(shop.client.get("/api/sales", headers=shop.seller_h)) == [mine.receipt_number]
    assert set(_receipts(shop.client.get("/api/sales", headers=shop.admin_h))) == {
        mine.receipt_number,
        theirs.receipt_number,
    }
    by_branch = shop.client.get(
        "/api/sales", params={"branch_id": str(shop.other_branch.id)}, headers=shop.admin_h
    )
    assert _receipts(by_branch) == [theirs.receipt_number]
    own = shop.client.get(
        "/api/sales", params={"branch_id": str(shop.branch.id)}, headers=shop.seller_h
    )
    assert _receipts(own) == [mine.receipt_number]
    assert_error(
        shop.client.get(
            "/api/sales", params={"branch_id": str(shop.other_branch.id)}, headers=shop.seller_h
        ),
        403,
        "FORBIDDEN",
    )
    assert shop.client.get(f"/api/sales/{mine.id}", headers=shop.seller_h).status_code == 200
    assert_error(
        shop.client.get(f"/api/sales/{theirs.id}", headers=shop.seller_h), 403, "FORBIDDEN"
    )
    admin_view = shop.client.get(f"/api/sales/{theirs.id}", headers=shop.admin_h)
    assert admin_view.json()["data"]["receipt_number"] == theirs.receipt_number
    assert_error(shop.client.get("/api/sales", headers={}), 401, "UNAUTHORIZED")
    assert_error(shop.client.get(f"/api/sales/{mine.id}"), 401, "UNAUTHORIZED")


def test_unknown_sale_is_404(shop: Shop):
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(shop.client.get(f"/api/sales/{missing}", headers=shop.admin_h), 404, "NOT_FOUND")
    assert_error(shop.client.get("/api/sales/not-a-sale", headers=shop.admin_h), 404, "NOT_FOUND")


def test_seller_and_admin_shapes(shop: Shop):
    product = shop.factory.product(shop.branch, buy_price=100_000, sell_price=150_000)
    sale = shop.factory.sale(shop.seller, (product, 1, 170_000)).sale
    seller = shop.client.get(f"/api/sales/{sale.id}", headers=shop.seller_h).json()["data"]
    admin = shop.client.get(f"/api/sales/{sale.id}", headers=shop.admin_h).json()["data"]
    for secret in ("cost", "director_profit"):
        assert secret not in seller and secret in admin
    for secret in ("buy_price", "cost", "director_profit"):
        assert secret not in seller["items"][0] and secret in admin["items"][0]
    assert admin["director_profit"] == 50_000
    assert admin["items"][0]["buy_price"] == 100_000
    assert seller["profit"] == admin["profit"] == 20_000


def test_filters(shop: Shop):
    a = shop.factory.product(shop.branch, stock=10)
    b = shop.factory.product(shop.branch, stock=10)
    seller2 = shop.factory.seller(shop.branch)
    cash = shop.factory.sale(shop.seller, (a, 1, 150_000), customer_phone="+998901112233").sale
    card = shop.factory.sale(seller2, (b, 1, 150_000), payment_type="card").sale

    def get(**params):
        return set(_receipts(shop.client.get("/api/sales", params=params, headers=shop.admin_h)))

    assert get(payment_type="card") == {card.receipt_number}
    assert get(payment_type="cash") == {cash.receipt_number}
    assert get(seller_id=str(seller2.id)) == {card.receipt_number}
    assert get(product_id=str(a.id)) == {cash.receipt_number}
    assert get(customer_phone="+998901112233") == {cash.receipt_number}
    assert get(customer_phone="+998900000000") == set()
    assert_error(
        shop.client.get("/api/sales", params={"payment_type": "gold"}, headers=shop.admin_h),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        shop.client.get("/api/sales", params={"seller_id": "x"}, headers=shop.admin_h),
        422,
        "VALIDATION_ERROR",
    )


@pytest.fixture
def edge_sales(shop: Shop, clock) -> dict[str, str]:
    """Sales one minute either side of shop-time midnights (Asia/Tashkent, UTC+5)."""
    product = shop.factory.product(shop.branch, stock=20)
    moments = {
        "feb28_2359": "2026-02-28T23:59",
        "mar01_0001": "2026-03-01T00:01",
        "sun08_2359": "2026-03-08T23:59",
        "mon09_0001": "2026-03-09T00:01",
        "mon09_2359": "2026-03-09T23:59",
        "tue10_0001": "2026-03-10T00:01",
    }
    receipts = {}
    for name, local in moments.items():
        _at(clock, local)
        receipts[name] = shop.factory.sale(shop.seller, (product, 1, 150_000)).sale.receipt_number
    clock.current = T0  # Tuesday 10 March 2026, 10:00 in Tashkent
    return receipts


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"period": "today"}, {"tue10_0001"}),
        ({"period": "week"}, {"mon09_0001", "mon09_2359", "tue10_0001"}),
        (
            {"period": "month"},
            {"mar01_0001", "sun08_2359", "mon09_0001", "mon09_2359", "tue10_0001"},
        ),
        (
            {"period": "custom", "date_from": "2026-03-09", "date_to": "2026-03-09"},
            {"mon09_0001", "mon09_2359"},
        ),
        ({"date_from": "2026-02-28", "date_to": "2026-02-28"}, {"feb28_2359"}),
        ({"date_to": "2026-03-08"}, {"feb28_2359", "mar01_0001", "sun08_2359"}),
        (
            {},
            {
                "feb28_2359",
                "mar01_0001",
                "sun08_2359",
                "mon09_0001",
                "mon09_2359",
                "tue10_0001",
            },
        ),
    ],
)
def test_periods_turn_at_shop_midnight(shop: Shop, edge_sales, params, expected):
    response = shop.client.get("/api/sales", params=params, headers=shop.seller_h)
    assert set(_receipts(response)) == {edge_sales[name] for name in expected}


def test_bad_periods_are_422(shop: Shop):
    for params in (
        {"period": "year"},
        {"period": "custom"},
        {"date_from": "2026-03-10", "date_to": "2026-03-01"},
        {"date_from": "10.03.2026"},
    ):
        assert_error(
            shop.client.get("/api/sales", params=params, headers=shop.admin_h),
            422,
            "VALIDATION_ERROR",
        )


def test_meter_items_show_their_kind(shop: Shop):
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock="12.5", buy_price=50, sell_price=80
    )
    sale = shop.factory.sale(shop.seller, (roll, "1.25", 100)).sale
    item = shop.client.get(f"/api/sales/{sale.id}", headers=shop.seller_h).json()["data"]["items"][
        0
    ]
    assert item["product_type"] == "meter"
    assert item["quantity"] == 1.25
    assert item["size"] is None
