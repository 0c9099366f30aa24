"""The specification's return body, `{sale_id, product_id, quantity, reason, reason_note,
refund_amount}`, is accepted beside `items: [...]` and means the same return."""

from __future__ import annotations

from tests.factories import assert_error, assert_ok
from tests.shop import Shop


def _post(shop: Shop, body, headers=None):
    return shop.client.post("/api/returns", json=body, headers=headers or shop.seller_h)


def test_the_specifications_body_asks_for_a_return_of_that_product(shop: Shop):
    carpet = shop.factory.product(shop.branch, stock=5, buy_price=100_000, sell_price=150_000)
    view = shop.factory.sale(shop.seller, (carpet, 3, 450_000))
    body = {
        "sale_id": str(view.sale.id),
        "product_id": str(carpet.id),
        "quantity": 1,
        "reason": "DEFECTIVE",
        "reason_note": "Chetida dog' bor",
        "refund_amount": 140000,
    }
    made = assert_ok(_post(shop, body), 201)
    assert made["status"] == "PENDING"
    assert made["refund_amount"] == 140000
    assert [(i["product_id"], i["quantity"]) for i in made["items"]] == [(str(carpet.id), 1)]
    assert [i["sale_item_id"] for i in made["items"]] == [str(view.items[0].item.id)]
    approved = assert_ok(
        shop.client.put(f"/api/returns/{made['id']}/approve", headers=shop.admin_h)
    )
    assert approved["status"] == "APPROVED"
    assert shop.stock(carpet) == 3


def test_the_specifications_body_names_its_own_fields_when_wrong(shop: Shop):
    carpet = shop.factory.product(shop.branch, stock=5)
    other = shop.factory.product(shop.branch, stock=5)
    view = shop.factory.sale(shop.seller, (carpet, 2, 300_000))
    base = {"sale_id": str(view.sale.id), "product_id": str(carpet.id), "reason": "DEFECTIVE"}
    for body, field in (
        ({**base, "quantity": 3}, "quantity"),
        ({**base, "product_id": str(other.id), "quantity": 1}, "product_id"),
        ({**base}, "quantity"),
        (
            {
                **base,
                "quantity": 1,
                "items": [{"sale_item_id": str(view.items[0].item.id), "quantity": 1}],
            },
            "items",
        ),
        ({"sale_id": str(view.sale.id), "reason": "DEFECTIVE"}, "items"),
    ):
        refused = assert_error(_post(shop, body), 422, "VALIDATION_ERROR")
        assert field in [f["field"] for f in refused["error"]["details"]["fields"]], body
