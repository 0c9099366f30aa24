"""Sizes are stock: each size of a product keeps its own stock and prices, every stock
document names its size, and lists and the drill-down go by each size's own stock."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from carpet_shop.catalog.models import Product, ProductSize
from carpet_shop.inventory.models import StockMovement
from tests.factories import TwoBranches
from tests.inventory.test_concurrency import _all_at_once, _token, server  # noqa: F401


def _sized(shop: TwoBranches, **fields):
    body = shop.product_json(
        name=fields.pop("name", "Lara bej"),
        quantity=0,
        available_sizes=[],
        sizes=fields.pop(
            "sizes",
            [
                {"size": "2×3", "quantity": 4, "sell_price": 1_500_000, "buy_price": 1_000_000},
                {"size": "3×4", "quantity": 2},
            ],
        ),
        sell_price_per_m2=fields.pop("sell_price_per_m2", 150_000),
        buy_price_per_m2=fields.pop("buy_price_per_m2", 100_000),
        price_step=1000,
        **fields,
    )
    body.pop("sell_price")
    body.pop("buy_price")
    body = {name: value for name, value in body.items() if value is not None}
    response = shop.client.post("/api/products", json=body, headers=shop.headers["admin"])
    assert response.status_code == 201, response.text
    return response.json()["data"]


def _sizes(shop, who, product_id):
    data = shop.get(who, f"/api/products/{product_id}").json()["data"]
    return data, {s["size"]: s for s in data["sizes"]}


def _sell(shop, who, product_id, quantity, amount, size=None):
    item = {"product_id": product_id, "quantity": quantity, "amount": amount}
    if size is not None:
        item["size"] = size
    return shop.client.post(
        "/api/sales",
        json={"items": [item], "payment_type": "cash"},
        headers=shop.headers[who],
    )


def test_each_size_has_its_stock_and_prices_and_the_summary_stays(client, factory):
    shop = TwoBranches.build(client, factory)
    product = _sized(shop)
    data, sizes = _sizes(shop, "admin", product["id"])
    assert data["available_sizes"] == ["2×3", "3×4"]
    assert data["quantity"] == 6
    assert sizes["2×3"]["quantity"] == 4 and sizes["2×3"]["sell_price"] == 1_500_000
    # 3×4 = 12 m² × 150,000 = 1,800,000; buy 12 × 100,000.
    assert sizes["3×4"]["sell_price"] == 1_800_000 and sizes["3×4"]["buy_price"] == 1_200_000
    assert data["sell_price"] == 1_500_000  # the lowest of several


def test_a_seller_never_sees_a_buy_price_per_size_or_per_m2(client, factory):
    shop = TwoBranches.build(client, factory)
    product = _sized(shop)
    for url in (f"/api/products/{product['id']}", "/api/products"):
        text = shop.get("plain_a", url).text
        assert "buy_price" not in text, url


def test_a_sale_names_its_size_and_takes_only_that_sizes_stock(client, factory):
    shop = TwoBranches.build(client, factory)
    product = _sized(shop)
    missing = _sell(shop, "plain_a", product["id"], 1, 1_800_000)
    assert missing.status_code == 422, missing.text
    sold = _sell(shop, "plain_a", product["id"], 2, 3_600_000, size="3x4")
    assert sold.status_code == 201, sold.text
    assert sold.json()["data"]["items"][0]["size"] == "3×4"
    more = _sell(shop, "plain_a", product["id"], 1, 1_800_000, size="3×4")
    assert more.status_code == 409 and more.json()["error"]["code"] == "INSUFFICIENT_STOCK"
    data, sizes = _sizes(shop, "admin", product["id"])
    assert sizes["3×4"]["quantity"] == 0 and sizes["2×3"]["quantity"] == 4
    assert data["quantity"] == 4
    # Only the 2×3 is in stock now: the list by size says so.
    listed = shop.get("plain_a", "/api/products", width=3, height=4, in_stock="true").json()
    assert [p["id"] for p in listed["data"]] == []
    listed = shop.get("plain_a", "/api/products", width=2, height=3, in_stock="true").json()
    assert [p["id"] for p in listed["data"]] == [product["id"]]
    facets = shop.get("plain_a", "/api/catalog/facets", width=3).json()["data"]
    assert facets["items"] == [
        {"value": "4", "metres": 4, "id": None, "icon": None, "count": 1, "in_stock": 0}
    ]


def test_a_roll_cut_records_the_piece_and_flags_an_offcut(client, factory):
    shop = TwoBranches.build(client, factory)
    roll = _sized(
        shop,
        name="Lara metraj",
        type="meter",
        category="Metrajlar",
        sizes=[{"size": "3×20", "sell_price_per_meter": 250_000, "buy_price_per_meter": 180_000}],
        sell_price_per_m2=None,
        buy_price_per_m2=None,
    )
    sold = _sell(shop, "plain_a", roll["id"], "19.6", 4_900_000)
    assert sold.status_code == 201, sold.text
    assert sold.json()["data"]["items"][0]["cut_size"] == "3×19.6"
    data, sizes = _sizes(shop, "admin", roll["id"])
    assert sizes["3×20"]["remaining_length"] == 0.4
    assert sizes["3×20"]["is_offcut"] is True
    assert data["remaining_length"] == 0.4


def test_returns_transfers_and_counts_go_by_size(client, factory):
    shop = TwoBranches.build(client, factory)
    product = _sized(shop)
    sale = _sell(shop, "plain_a", product["id"], 1, 1_800_000, size="3×4").json()["data"]
    body = {
        "sale_id": sale["id"],
        "items": [{"sale_item_id": sale["items"][0]["id"], "quantity": 1}],
        "reason": "OTHER",
    }
    made = shop.client.post("/api/returns", json=body, headers=shop.headers["plain_a"])
    assert made.status_code == 201, made.text
    approved = shop.client.put(
        f"/api/returns/{made.json()['data']['id']}/approve", json={}, headers=shop.headers["admin"]
    )
    assert approved.status_code == 200, approved.text
    assert _sizes(shop, "admin", product["id"])[1]["3×4"]["quantity"] == 2

    moved = shop.client.post(
        f"/api/products/{product['id']}/transfer",
        json={
            "to_branch_id": str(shop.branch_b.id),
            "quantity": 1,
            "size": "3×4",
            "complete": True,
        },
        headers=shop.headers["admin"],
    )
    assert moved.status_code == 201, moved.text
    target = moved.json()["data"]["target_product_id"]
    assert _sizes(shop, "admin", target)[1]["3×4"]["quantity"] == 1
    assert _sizes(shop, "admin", product["id"])[1]["3×4"]["quantity"] == 1

    counted = shop.client.post(
        f"/api/products/{product['id']}/adjust",
        json={"size": "2×3", "quantity": 3, "reason": "Count"},
        headers=shop.headers["admin"],
    )
    assert counted.status_code == 200, counted.text
    assert _sizes(shop, "admin", product["id"])[1]["2×3"]["quantity"] == 3


def test_one_quantity_for_several_sizes_goes_on_the_first_and_asks_for_a_count(client, factory):
    shop = TwoBranches.build(client, factory)
    body = shop.product_json(quantity=6, available_sizes=["2×3", "3×4"])
    made = shop.client.post("/api/products", json=body, headers=shop.headers["admin"])
    assert made.status_code == 201, made.text
    product = made.json()["data"]
    sizes = {s["size"]: s["quantity"] for s in product["sizes"]}
    assert sizes == {"2×3": 6, "3×4": 0}
    listed = shop.get("admin", "/api/inventory/needs-count").json()["data"]
    assert [p["id"] for p in listed] == [product["id"]]
    # CONTRACT.md: the size may be left out only when the product has one, even when only
    # one of several has stock; a line that names it sells.
    missing = _sell(shop, "plain_a", product["id"], 1, 150_000)
    assert missing.status_code == 422, missing.text
    assert missing.json()["error"]["details"]["fields"][0]["field"] == "items.0.size"
    assert _sell(shop, "plain_a", product["id"], 1, 150_000, size="2x3").status_code == 201
    # One level for several sizes is refused too: each size's stock is edited in `sizes`.
    edited = shop.client.put(
        f"/api/products/{product['id']}",
        json={"quantity": 3, "stock_reason": "Count"},
        headers=shop.headers["admin"],
    )
    assert edited.status_code == 422, edited.text
    assert edited.json()["error"]["details"]["fields"][0]["field"] == "quantity"


def _ledger_holds(db) -> None:
    with db.transaction() as session:
        sums: dict[tuple, Decimal] = defaultdict(Decimal)
        for product_id, size, delta in session.execute(
            select(StockMovement.product_id, StockMovement.size, StockMovement.delta)
        ):
            sums[(product_id, size)] += delta
        for row in session.scalars(select(ProductSize)):
            assert row.quantity >= 0
            assert sums.get((row.product_id, row.size), Decimal(0)) == row.quantity
        sized = select(ProductSize.product_id)
        for product in session.scalars(select(Product).where(Product.id.in_(sized))):
            total = session.scalar(
                select(func.coalesce(func.sum(ProductSize.quantity), 0)).where(
                    ProductSize.product_id == product.id
                )
            )
            assert product.quantity == total


_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["sell", "transfer", "count"]),
        st.sampled_from(["2×3", "3×4"]),
        st.integers(min_value=0, max_value=5),
    ),
    max_size=12,
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=_STEPS)
def test_ledger_per_size_sums_to_stock_and_never_goes_below_zero(client, factory, db, steps):
    shop = TwoBranches.build(client, factory)
    product = _sized(shop)
    total = 6
    for action, size, n in steps:
        if action == "sell" and n:
            answer = _sell(shop, "admin", product["id"], n, 2_000_000 * n, size=size)
            total -= n if answer.status_code == 201 else 0
        elif action == "transfer" and n:
            shop.client.post(
                f"/api/products/{product['id']}/transfer",
                json={"to_branch_id": str(shop.branch_b.id), "quantity": n, "size": size,
                      "complete": True},
                headers=shop.headers["admin"],
            )  # fmt: skip
        elif action == "count":
            answer = shop.client.post(
                f"/api/products/{product['id']}/adjust",
                json={"size": size, "quantity": n, "reason": "Count"},
                headers=shop.headers["admin"],
            )
            assert answer.status_code == 200, answer.text
        _ledger_holds(db)


@pytest.mark.slow
def test_thirty_sellers_race_for_the_last_five_of_one_size(client, factory, db, server):  # noqa: F811
    shop = TwoBranches.build(client, factory)
    product = _sized(
        shop,
        sizes=[{"size": "2×3", "quantity": 100}, {"size": "3×4", "quantity": 5}],
    )
    seller = _token(server, shop.users["plain_a"].username)

    def sale(size: str) -> tuple[str, str, dict, dict]:
        item = {"product_id": product["id"], "quantity": 1, "amount": 2_000_000, "size": size}
        return ("POST", "/api/sales", seller, {"items": [item], "payment_type": "cash"})

    calls = [sale("3×4") for _ in range(30)] + [sale("2×3") for _ in range(20)]
    responses = _all_at_once(server, calls)
    contested = Counter(r.status_code for r in responses[:30])
    free = Counter(r.status_code for r in responses[30:])
    assert contested == {201: 5, 409: 25}, contested
    assert free == {201: 20}, free
    _ledger_holds(db)


@pytest.mark.slow
def test_forty_cuts_of_75_cm_from_a_20_m_roll(client, factory, db, server):  # noqa: F811
    shop = TwoBranches.build(client, factory)
    roll = _sized(
        shop,
        name="Lara metraj",
        type="meter",
        category="Metrajlar",
        sizes=[{"size": "3×20", "sell_price_per_meter": 250_000, "buy_price_per_meter": 180_000}],
        sell_price_per_m2=None,
        buy_price_per_m2=None,
    )
    seller = _token(server, shop.users["plain_a"].username)
    item = {"product_id": roll["id"], "quantity": "0.75", "amount": 200_000}
    calls = [("POST", "/api/sales", seller, {"items": [item], "payment_type": "cash"})] * 40
    responses = _all_at_once(server, calls)
    assert Counter(r.status_code for r in responses) == {201: 26, 409: 14}
    data, sizes = _sizes(shop, "admin", roll["id"])
    assert sizes["3×20"]["remaining_length"] == 0.5
    assert data["remaining_length"] == 0.5
