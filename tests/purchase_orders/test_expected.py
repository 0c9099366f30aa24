"""A branch taking goods in finds what it waits for: orders still expecting goods, with their
supplier and what remains of each line, and no price anywhere."""

from __future__ import annotations

import pytest

from tests.factories import TwoBranches, assert_error, assert_ok
from tests.goods_receipts.receiving import item, receipt_body, receive
from tests.purchase_orders.test_orders import line, order_body

PRICES = {"buy_price", "currency", "amount", "total_uzs", "total_usd"}


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _order(shop, supplier, product, quantity, branch=None, place=True):
    body = order_body(shop, supplier, line(product, quantity, 80_000))
    if branch is not None:
        body["branch_id"] = str(branch.id)
    order = assert_ok(shop.post("admin", "/api/purchase-orders", body), 201)
    if place:
        assert_ok(shop.post("admin", f"/api/purchase-orders/{order['id']}/order"))
    return order


def test_a_seller_who_takes_goods_in_sees_their_branchs_expected_orders_without_prices(
    shop, factory
):
    supplier = factory.supplier("Samarqand Gilam")
    carpet = shop.product(name="Lara", sizes=["2×3"], stock=0)
    other = shop.product(branch=shop.branch_b, sizes=["2×3"], stock=0)
    expected = _order(shop, supplier, carpet, 5)
    _order(shop, supplier, carpet, 2, place=False)  # a draft: not expected yet
    _order(shop, supplier, other, 3, branch=shop.branch_b)
    receive(shop, receipt_body(shop, supplier, item(carpet, 2), purchase_order_id=expected["id"]))

    [seen] = assert_ok(shop.get("editor_a", "/api/purchase-orders/expected"))
    assert (seen["number"], seen["supplier_name"], seen["status"]) == (
        expected["number"],
        "Samarqand Gilam",
        "partially_received",
    )
    [row] = seen["lines"]
    assert (row["product_name"], row["size"], row["quantity"], row["remaining"]) == (
        "Lara",
        "2×3",
        5,
        3,
    )
    assert not PRICES & (set(seen) | set(row))
    # What the seller needs to take the rest in.
    rest = receipt_body(shop, supplier, item(carpet, 3), purchase_order_id=seen["id"])
    assert receive(shop, rest, who="editor_a")["status"] == "complete"
    assert assert_ok(shop.get("editor_a", "/api/purchase-orders/expected")) == []
    # The director sees every branch's; a seller who adds no products, none.
    assert len(assert_ok(shop.get("admin", "/api/purchase-orders/expected"))) == 1
    assert_error(shop.get("plain_a", "/api/purchase-orders/expected"), 403, "FORBIDDEN")
