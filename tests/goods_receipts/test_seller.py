"""A seller who may add products records goods that came to their branch, never a price."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from carpet_shop.payables.models import Payable
from tests.factories import TwoBranches, assert_error, assert_ok
from tests.goods_receipts.receiving import item, product, receipt_body, receive, size_of

PRICE_FIELDS = {"buy_price", "buy_price_uzs", "amount", "amount_uzs", "currency"}
RECEIPT_PRICE_FIELDS = {"rate", "total_uzs", "total_usd", "on_credit", "due_date"}


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def assert_no_prices(receipt):
    assert not RECEIPT_PRICE_FIELDS & set(receipt), receipt
    for line in receipt["lines"]:
        assert not PRICE_FIELDS & set(line), line


def test_who_may_receive_and_where(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"])
    body = receipt_body(shop, supplier, item(carpet, 1))
    url = "/api/goods-receipts"
    # A seller without can_add_products may not; a seller of another branch may not.
    assert_error(shop.post("plain_a", url, body), 403, "FORBIDDEN")
    other = {**body, "branch_id": str(shop.branch_b.id)}
    assert_error(shop.post("editor_a", url, other), 403, "FORBIDDEN")
    # Never a price, a currency, nor more than ordered.
    priced = receipt_body(shop, supplier, item(carpet, 1, 5000))
    assert_error(shop.post("editor_a", url, priced), 403, "FORBIDDEN")
    currency = receipt_body(shop, supplier, item(carpet, 1, currency="UZS"))
    assert_error(shop.post("editor_a", url, currency), 403, "FORBIDDEN")
    over = {**body, "allow_over_receipt": True}
    assert_error(shop.post("editor_a", url, over), 403, "FORBIDDEN")
    # Nor the credit terms: whether the shop owes the supplier, and until when, is the
    # director's.
    due = (factory.today() + timedelta(days=20)).isoformat()
    for terms in ({"on_credit": True, "due_date": due}, {"on_credit": False}, {"due_date": due}):
        assert_error(shop.post("editor_a", url, {**body, **terms}), 403, "FORBIDDEN")
    assert product(shop, carpet.id)["quantity"] == 10


def test_a_sellers_receipt_waits_for_the_directors_cost(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=10, buy_price=100_000)
    due = (factory.today() + timedelta(days=20)).isoformat()
    body = receipt_body(shop, supplier, item(carpet, 5))
    receipt = receive(shop, body, who="editor_a")
    assert receipt["status"] == "awaiting_cost"
    assert_no_prices(receipt)
    # The stock is in at once; the cost is not known yet.
    data = product(shop, carpet.id)
    assert data["quantity"] == 15
    assert Decimal(str(size_of(data, "2×3")["buy_price"])) == 100_000

    # The director is told; the seller reads the receipt without any price.
    notes = shop.get("admin", "/api/notifications", type="RECEIPT_NEEDS_COST").json()["data"]
    assert [(n["related_entity_id"], n["data"]["number"]) for n in notes] == [
        (receipt["id"], receipt["number"])
    ]
    assert (
        shop.get("editor_a", "/api/notifications", type="RECEIPT_NEEDS_COST").json()["meta"][
            "total"
        ]
        == 0
    )
    seen = assert_ok(shop.get("editor_a", f"/api/goods-receipts/{receipt['id']}"))
    assert_no_prices(seen)
    for row in shop.get("editor_a", "/api/goods-receipts").json()["data"]:
        assert_no_prices(row)
    assert_error(shop.get("editor_b", f"/api/goods-receipts/{receipt['id']}"), 403, "FORBIDDEN")
    assert shop.get("editor_b", "/api/goods-receipts").json()["meta"]["total"] == 0
    assert_error(
        shop.get("editor_b", "/api/goods-receipts", branch_id=str(shop.branch_a.id)),
        403,
        "FORBIDDEN",
    )
    with factory.db.transaction() as session:
        assert session.scalars(select(Payable)).all() == []

    # The director prices it on 20 days' credit: the size's cost follows the rule, the
    # payable opens.
    [line] = receipt["lines"]
    costs_url = f"/api/goods-receipts/{receipt['id']}/costs"
    costs = {"lines": [{"line_id": line["id"], "buy_price": 130_000}], "on_credit": True}
    assert_error(shop.post("editor_a", costs_url, costs), 403, "FORBIDDEN")
    bad = {"lines": [{"line_id": receipt["id"], "buy_price": 1}]}
    assert_error(shop.post("admin", costs_url, bad), 422, "VALIDATION_ERROR")
    # On credit needs its due date; nothing is written without it.
    assert_error(shop.post("admin", costs_url, costs), 422, "VALIDATION_ERROR")
    costs["due_date"] = due
    priced = assert_ok(shop.post("admin", costs_url, costs))
    assert priced["status"] == "complete" and priced["total_uzs"] == 650_000
    # (10 × 100 000 + 5 × 130 000) / 15 = 110 000
    assert Decimal(str(size_of(product(shop, carpet.id), "2×3")["buy_price"])) == 110_000
    with factory.db.transaction() as session:
        [payable] = session.scalars(select(Payable)).all()
        assert (payable.total_amount, str(payable.goods_receipt_id)) == (650_000, receipt["id"])
        assert payable.due_date.isoformat() == due
    assert_error(shop.post("admin", costs_url, costs), 409, "CONFLICT")


def test_against_an_order_the_sellers_lines_cost_what_was_ordered(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=0, buy_price=100_000)
    order = assert_ok(
        shop.post(
            "admin",
            "/api/purchase-orders",
            {
                "supplier_id": str(supplier.id),
                "branch_id": str(shop.branch_a.id),
                "lines": [{"product_id": str(carpet.id), "quantity": 4, "buy_price": 80_000}],
            },
        ),
        201,
    )
    assert_ok(shop.post("admin", f"/api/purchase-orders/{order['id']}/order"))
    body = receipt_body(shop, supplier, item(carpet, 4), purchase_order_id=order["id"])
    receipt = receive(shop, body, who="editor_a")
    assert receipt["status"] == "complete"
    assert_no_prices(receipt)
    director = assert_ok(shop.get("admin", f"/api/goods-receipts/{receipt['id']}"))
    assert director["total_uzs"] == 320_000
    assert Decimal(str(size_of(product(shop, carpet.id), "2×3")["buy_price"])) == 80_000
    # More than ordered: refused, and the seller cannot allow it.
    again = receipt_body(shop, supplier, item(carpet, 1), purchase_order_id=order["id"])
    assert_error(shop.post("editor_a", "/api/goods-receipts", again), 409, "CONFLICT")
    assert (
        shop.get("admin", "/api/notifications", type="RECEIPT_NEEDS_COST").json()["meta"]["total"]
        == 0
    )


def test_the_director_prices_a_sellers_receipt_in_dollars(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=0)
    receipt = receive(shop, receipt_body(shop, supplier, item(carpet, 3)), who="editor_a")
    [line] = receipt["lines"]
    url = f"/api/goods-receipts/{receipt['id']}/costs"
    costs = {"lines": [{"line_id": line["id"], "buy_price": "40.05", "currency": "USD"}]}
    refused = assert_error(shop.post("admin", url, costs), 422, "VALIDATION_ERROR")
    assert refused["error"]["details"]["fields"][0]["field"] == "lines.0.currency"
    factory.usd_rate("12700.10")
    priced = assert_ok(shop.post("admin", url, costs))
    [done] = priced["lines"]
    # 40.05 × 12 700.10 = 508 639.005 → 508 639.01; 3 × 40.05 = 120.15 → 1 525 917.02 so'm.
    assert Decimal(str(done["buy_price_uzs"])) == Decimal("508639.01")
    assert Decimal(str(priced["total_usd"])) == Decimal("120.15")
    assert Decimal(str(priced["total_uzs"])) == Decimal("1525917.02")
    assert Decimal(str(size_of(product(shop, carpet.id), "2×3")["buy_price"])) == Decimal(
        "508639.01"
    )
