"""Sizes are stock: each size of a product keeps its own stock and prices, every stock
document names its size, and lists and the drill-down go by each size's own stock."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from carpet_shop.catalog.models import Product, ProductSize, stock_of
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


def test_a_bulk_transfer_sends_sizes_each_its_own(client, factory):
    shop = TwoBranches.build(client, factory)
    product = _sized(shop)
    url = "/api/products/bulk-transfer"
    body = {
        "to_branch_id": str(shop.branch_b.id),
        "items": [{"product_id": product["id"], "quantity": 1}],
        "complete": True,
    }
    missing = shop.client.post(url, json=body, headers=shop.headers["admin"])
    assert missing.status_code == 422, missing.text
    assert missing.json()["error"]["details"]["fields"][0]["field"] == "items.0.size"
    body["items"] = [
        {"product_id": product["id"], "size": "2x3", "quantity": 3},
        {"product_id": product["id"], "size": "3×4", "quantity": 1},
    ]
    sent = shop.client.post(url, json=body, headers=shop.headers["admin"])
    assert sent.status_code == 201, sent.text
    transfers = sent.json()["data"]["transfers"]
    assert [t["size"] for t in transfers] == ["2×3", "3×4"]
    target = transfers[0]["target_product_id"]
    assert {s: v["quantity"] for s, v in _sizes(shop, "admin", target)[1].items()} == {
        "2×3": 3,
        "3×4": 1,
    }
    assert {s: v["quantity"] for s, v in _sizes(shop, "admin", product["id"])[1].items()} == {
        "2×3": 1,
        "3×4": 1,
    }
    _ledger_holds(factory.db)


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
    # The sum sent back unchanged (a client or an import that knows nothing of sizes) is fine.
    same = shop.client.put(
        f"/api/products/{product['id']}",
        json={"quantity": 5, "stock_reason": "Import", "name": "Lara bej 2"},
        headers=shop.headers["admin"],
    )
    assert same.status_code == 200, same.text
    assert {s["size"]: s["quantity"] for s in same.json()["data"]["sizes"]} == {"2×3": 5, "3×4": 0}


def _ledger_holds(db) -> None:
    """The ledger per (product, size) sums to that size's stock (pieces, or metres left on
    the roll), nothing is below zero, and each product's stock is the sum of its sizes'."""
    with db.transaction() as session:
        sums: dict[tuple, Decimal] = defaultdict(Decimal)
        for product_id, size, delta in session.execute(
            select(StockMovement.product_id, StockMovement.size, StockMovement.delta)
        ):
            sums[(product_id, size)] += delta
        totals: dict[object, Decimal] = defaultdict(Decimal)
        for row, kind in session.execute(
            select(ProductSize, Product.type).join(Product, Product.id == ProductSize.product_id)
        ):
            stock = stock_of(kind, row.quantity, row.remaining_length)
            assert stock >= 0
            assert sums.get((row.product_id, row.size), Decimal(0)) == stock, row.size
            totals[row.product_id] += stock
        for product in session.scalars(select(Product).where(Product.id.in_(list(totals)))):
            assert product.stock == totals[product.id], product.name


def _stock_everywhere(db, name: str) -> dict[str, Decimal]:
    """Each size's stock summed over every branch's product of that name."""
    with db.transaction() as session:
        found: dict[str, Decimal] = defaultdict(Decimal)
        for row, kind in session.execute(
            select(ProductSize, Product.type)
            .join(Product, Product.id == ProductSize.product_id)
            .where(Product.name == name, Product.deleted_at.is_(None))
        ):
            found[row.size] += stock_of(kind, row.quantity, row.remaining_length)
        return dict(found)


def _return(shop: TwoBranches, sale: dict, quantity) -> int:
    body = {
        "sale_id": sale["id"],
        "items": [{"sale_item_id": sale["items"][0]["id"], "quantity": quantity}],
        "reason": "OTHER",
    }
    made = shop.client.post("/api/returns", json=body, headers=shop.headers["admin"])
    if made.status_code != 201:
        return made.status_code
    approved = shop.client.put(
        f"/api/returns/{made.json()['data']['id']}/approve", json={}, headers=shop.headers["admin"]
    )
    assert approved.status_code == 200, approved.text
    return 201


_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["sell", "return", "transfer", "count", "cut", "send_roll"]),
        st.sampled_from(["2×3", "3×4"]),
        st.integers(min_value=0, max_value=5),
    ),
    max_size=12,
)

_CUT = Decimal("0.75")


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=_STEPS)
def test_ledger_per_size_sums_to_stock_and_totals_across_branches_are_conserved(
    client, factory, db, steps
):
    """Random sales, returns, transfers, counts and roll cuts across sizes and branches: the
    ledger per (product, size) always sums to its stock, nothing goes below zero, and what the
    branches hold together changes only by what was sold, returned or counted."""
    shop = TwoBranches.build(client, factory)
    # Examples share the database: names of their own.
    carpet, metraj = (f"{name} {uuid.uuid4().hex[:8]}" for name in ("Lara bej", "Lara metraj"))
    product = _sized(shop, name=carpet)
    roll = _sized(
        shop,
        name=metraj,
        type="meter",
        category="Metrajlar",
        sizes=[{"size": "3×20", "sell_price_per_meter": 250_000, "buy_price_per_meter": 180_000}],
        sell_price_per_m2=None,
        buy_price_per_m2=None,
    )
    pieces = {"2×3": Decimal(4), "3×4": Decimal(2)}
    metres = Decimal(20)
    sold: list[tuple[dict, Decimal]] = []  # (sale, what can still come back)
    for action, size, n in steps:
        if action == "sell" and n:
            answer = _sell(shop, "admin", product["id"], n, 2_000_000 * n, size=size)
            if answer.status_code == 201:
                pieces[size] -= n
                sold.append((answer.json()["data"], Decimal(n)))
            else:
                assert answer.status_code == 409, answer.text
        elif action == "cut" and n:
            length = _CUT * n
            answer = _sell(shop, "admin", roll["id"], str(length), int(length * 250_000))
            if answer.status_code == 201:
                assert answer.json()["data"]["items"][0]["cut_size"] == f"3×{length.normalize()}"
                metres -= length
                event("cut a roll")
                sold.append((answer.json()["data"], length))
            else:
                assert answer.status_code == 409, answer.text
        elif action == "return" and sold:
            sale, left = sold[n % len(sold)]
            item = sale["items"][0]
            back = Decimal(1) if item.get("cut_size") is None else left
            if left >= back > 0 and _return(shop, sale, str(back)) == 201:
                event("returned a cut" if item.get("cut_size") else "returned pieces")
                sold[n % len(sold)] = (sale, left - back)
                if item.get("cut_size") is None:
                    pieces[item["size"]] += back
                else:
                    metres += back
        elif action == "transfer" and n:
            shop.client.post(
                f"/api/products/{product['id']}/transfer",
                json={"to_branch_id": str(shop.branch_b.id), "quantity": n, "size": size,
                      "complete": True},
                headers=shop.headers["admin"],
            )  # fmt: skip
        elif action == "send_roll" and n:
            shop.client.post(
                f"/api/products/{roll['id']}/transfer",
                json={"to_branch_id": str(shop.branch_b.id), "quantity": str(_CUT * n),
                      "complete": True},
                headers=shop.headers["admin"],
            )  # fmt: skip
        elif action == "count":
            here = _sizes(shop, "admin", product["id"])[1][size]["quantity"]
            answer = shop.client.post(
                f"/api/products/{product['id']}/adjust",
                json={"size": size, "quantity": n, "reason": "Count"},
                headers=shop.headers["admin"],
            )
            assert answer.status_code == 200, answer.text
            pieces[size] += n - here
        _ledger_holds(db)
        # Transfers move stock between branches; only sales, returns and counts change the
        # total the branches hold together.
        assert _stock_everywhere(db, carpet) == pieces
        assert _stock_everywhere(db, metraj) == {"3×20": metres}


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
