"""Cost and stock belong to the director: a seller never writes a buy price, and a stock edit
through PUT carries its reason onto the ledger and into the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from carpet_shop.catalog.models import Product
from carpet_shop.sales.models import Sale
from tests.factories import TwoBranches, assert_error, assert_ok


@pytest.fixture
def shop(client, factory) -> TwoBranches:
    return TwoBranches.build(client, factory)


def _buy_price(shop: TwoBranches, product_id) -> object:
    with shop.factory.db.transaction(write=False) as session:
        return session.scalar(select(Product.buy_price).where(Product.id == product_id))


def test_a_seller_cannot_rewrite_the_buy_price(shop):
    product = shop.product(buy_price=100_000)
    for body in ({"buy_price": 1}, {"buy_price": 1, "name": "Lara"}, {"buy_price": None}):
        refused = assert_error(
            shop.put("editor_a", f"/api/products/{product.id}", body), 403, "FORBIDDEN"
        )
        assert refused["error"]["details"]["fields"] == ["buy_price"]
    assert _buy_price(shop, product.id) == 100_000
    director = assert_ok(shop.get("admin", f"/api/products/{product.id}"))
    assert director["buy_price"] == 100000


def test_a_seller_cannot_set_a_buy_price_on_create(shop):
    refused = assert_error(
        shop.post("editor_a", "/api/products", shop.product_json()), 403, "FORBIDDEN"
    )
    assert refused["error"]["details"]["fields"] == ["buy_price"]
    assert shop.factory.db is not None
    with shop.factory.db.transaction(write=False) as session:
        assert session.scalars(select(Product)).all() == []


def test_a_product_a_seller_adds_waits_for_the_directors_cost(shop):
    body = shop.product_json()
    del body["buy_price"]
    made = assert_ok(shop.post("editor_a", "/api/products", body), 201)
    assert "buy_price" not in made
    seen = assert_ok(shop.get("admin", f"/api/products/{made['id']}"))
    assert seen["buy_price"] is None

    waiting = assert_ok(shop.get("admin", "/api/products/without-cost"))
    assert [p["id"] for p in waiting] == [made["id"]]
    assert_error(shop.get("editor_a", "/api/products/without-cost"), 403, "FORBIDDEN")

    # It cannot be sold below an unknown cost: not sold at all until the director prices it.
    sale = {"product_id": made["id"], "quantity": 1, "amount": 150000, "payment_type": "cash"}
    for who in ("editor_a", "admin"):
        refused = assert_error(shop.post(who, "/api/sales", sale), 409, "CONFLICT")
        assert refused["error"]["details"]["reason"] == "cost_unknown"
    with shop.factory.db.transaction(write=False) as session:
        assert session.scalars(select(Sale)).all() == []
    assert assert_ok(shop.get("admin", f"/api/products/{made['id']}"))["quantity"] == 4

    assert_ok(shop.put("admin", f"/api/products/{made['id']}", {"buy_price": 90000}))
    assert assert_ok(shop.get("admin", "/api/products/without-cost")) == []
    assert_ok(shop.post("editor_a", "/api/sales", sale), 201)


def test_the_director_gives_a_cost_on_create(shop):
    body = shop.product_json()
    del body["buy_price"]
    refused = assert_error(shop.post("admin", "/api/products", body), 422, "VALIDATION_ERROR")
    assert [f["field"] for f in refused["error"]["details"]["fields"]] == ["buy_price"]


@pytest.mark.parametrize("who", ["editor_a", "admin"])
def test_a_stock_edit_needs_a_reason(shop, who):
    product = shop.product(stock=2)
    url = f"/api/products/{product.id}"
    refused = assert_error(shop.put(who, url, {"quantity": 99}), 422, "VALIDATION_ERROR")
    assert [f["field"] for f in refused["error"]["details"]["fields"]] == ["stock_reason"]
    assert assert_ok(shop.get(who, url))["quantity"] == 2

    # Sending the level it already has changes nothing and needs no reason.
    assert_ok(shop.put(who, url, {"quantity": 2, "name": "Lara yangi"}))

    done = assert_ok(shop.put(who, url, {"quantity": 5, "stock_reason": "Recount after delivery"}))
    assert done["quantity"] == 5
    movements = assert_ok(shop.get("admin", f"{url}/movements"))
    edit = next(m for m in movements if m["kind"] == "edit")
    assert (edit["delta"], edit["reason"]) == (3, "Recount after delivery")


def test_a_roll_length_edit_needs_a_reason(shop):
    roll = shop.product(type="meter", stock=30, sizes=[])
    url = f"/api/products/{roll.id}"
    refused = assert_error(
        shop.put("editor_a", url, {"remaining_length": 12}), 422, "VALIDATION_ERROR"
    )
    assert [f["field"] for f in refused["error"]["details"]["fields"]] == ["stock_reason"]
    done = assert_ok(
        shop.put("editor_a", url, {"remaining_length": 12, "stock_reason": "Cut was not rung up"})
    )
    assert done["remaining_length"] == 12


def test_a_reason_without_a_stock_change_is_refused(shop):
    product = shop.product(stock=2)
    refused = assert_error(
        shop.put("admin", f"/api/products/{product.id}", {"stock_reason": "why"}),
        422,
        "VALIDATION_ERROR",
    )
    assert [f["field"] for f in refused["error"]["details"]["fields"]] == ["stock_reason"]


def test_a_sellers_stock_edit_is_in_the_directors_audit_log(shop):
    product = shop.product(stock=2)
    assert_ok(
        shop.put(
            "editor_a", f"/api/products/{product.id}", {"quantity": 7, "stock_reason": "Found 5"}
        )
    )
    logs = assert_ok(
        shop.get("admin", "/api/audit-logs", entity_type="product", entity_id=str(product.id))
    )
    update = next(entry for entry in logs if entry["action"] == "UPDATE")
    assert update["user_id"] == str(shop.users["editor_a"].id)
    assert update["changes"]["quantity"] == {"old": 2, "new": 7}
    assert update["changes"]["stock_reason"] == {"old": None, "new": "Found 5"}
