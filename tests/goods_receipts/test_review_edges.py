"""Edges found in review: an order's price never changes currency by a label, amounts beyond
what the shop records are refused rather than failing, and a seller's receipt can still be
priced after its supplier is deleted or its size is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from carpet_shop.catalog.models import ProductSize
from carpet_shop.currency.models import Currency
from tests.factories import TwoBranches, assert_error, assert_ok
from tests.goods_receipts.receiving import item, product, receipt_body, receive


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _dollar_order(shop, supplier, carpet, quantity=2, price=100):
    order = assert_ok(
        shop.post(
            "admin",
            "/api/purchase-orders",
            {
                "supplier_id": str(supplier.id),
                "branch_id": str(shop.branch_a.id),
                "lines": [{"product_id": str(carpet.id), "quantity": quantity, "buy_price": price}],
            },
        ),
        201,
    )
    assert_ok(shop.post("admin", f"/api/purchase-orders/{order['id']}/order"))
    return order


def test_an_orders_dollar_price_is_not_relabelled_as_som(shop, factory):
    supplier = factory.supplier(currency=Currency.USD)
    factory.usd_rate("12650.00")
    carpet = shop.product(sizes=["2×3"], stock=0)
    order = _dollar_order(shop, supplier, carpet)
    relabelled = receipt_body(
        shop, supplier, item(carpet, 1, currency="UZS"), purchase_order_id=order["id"]
    )
    refused = assert_error(
        shop.post("admin", "/api/goods-receipts", relabelled), 422, "VALIDATION_ERROR"
    )
    assert refused["error"]["details"]["fields"][0]["field"] == "lines.0.currency"
    assert product(shop, carpet.id)["quantity"] == 0
    # With its price in so'm it is the director's word, and taken as said.
    priced = receipt_body(
        shop, supplier, item(carpet, 1, 1_300_000, currency="UZS"), purchase_order_id=order["id"]
    )
    [line] = receive(shop, priced)["lines"]
    assert (line["currency"], line["buy_price"]) == ("UZS", 1_300_000)
    # Left to the order, the line keeps the order's dollars.
    same = receipt_body(shop, supplier, item(carpet, 1), purchase_order_id=order["id"])
    [line] = receive(shop, same)["lines"]
    assert (line["currency"], line["buy_price"], line["buy_price_uzs"]) == ("USD", 100, 1_265_000)


def test_an_amount_beyond_what_the_shop_records_is_refused_not_a_500(shop, factory):
    supplier = factory.supplier(currency=Currency.USD)
    factory.usd_rate("12650.00")
    carpet = shop.product(sizes=["2×3"], stock=0)
    huge = receipt_body(shop, supplier, item(carpet, 1, 9_999_999_999_999))
    refused = assert_error(shop.post("admin", "/api/goods-receipts", huge), 422, "VALIDATION_ERROR")
    assert refused["error"]["details"]["fields"][0]["field"] == "lines.0.quantity"
    assert product(shop, carpet.id)["quantity"] == 0
    # A so'm payable paid with more dollars than money holds: more than is owed.
    local = factory.supplier()
    due = (factory.today() + timedelta(days=10)).isoformat()
    body = receipt_body(shop, local, item(carpet, 1, 1000), on_credit=True, due_date=due)
    receive(shop, body)
    [payable] = assert_ok(shop.get("admin", "/api/payables", supplier_id=str(local.id)))
    paid = shop.post(
        "admin",
        f"/api/payables/{payable['id']}/payments",
        {"amount": 9_999_999_999_999.99, "currency": "USD", "payment_type": "cash"},
    )
    assert_error(paid, 422, "PAYMENT_EXCEEDS_REMAINING")


def test_a_sellers_receipt_is_priced_after_its_supplier_is_deleted(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=0)
    receipt = receive(shop, receipt_body(shop, supplier, item(carpet, 2)), who="editor_a")
    assert_ok(shop.delete("admin", f"/api/suppliers/{supplier.id}"))
    [line] = receipt["lines"]
    costs = {"lines": [{"line_id": line["id"], "buy_price": 50_000}]}
    priced = assert_ok(shop.post("admin", f"/api/goods-receipts/{receipt['id']}/costs", costs))
    assert (priced["status"], priced["total_uzs"]) == ("complete", 100_000)


def test_a_size_removed_before_its_cost_is_set_is_a_conflict(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3", "3×4"], stock=0)
    receipt = receive(
        shop, receipt_body(shop, supplier, item(carpet, 1, size="3×4")), who="editor_a"
    )
    # Gone as an edit of the product's sizes would take it.
    with factory.db.transaction() as session:
        session.execute(
            delete(ProductSize).where(
                ProductSize.product_id == carpet.id, ProductSize.size == "3×4"
            )
        )
    [line] = receipt["lines"]
    costs = {"lines": [{"line_id": line["id"], "buy_price": 50_000}]}
    refused = assert_error(
        shop.post("admin", f"/api/goods-receipts/{receipt['id']}/costs", costs), 409, "CONFLICT"
    )
    assert refused["error"]["details"]["reason"] == "size_gone"
