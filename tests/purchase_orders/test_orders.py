"""Purchase orders over HTTP: draft → ordered → (partially) received, or cancelled."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.currency.models import Currency
from tests.factories import TwoBranches, assert_error, assert_ok


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def order_body(shop, supplier, *lines, **fields):
    return {
        "supplier_id": str(supplier.id),
        "branch_id": str(shop.branch_a.id),
        "lines": list(lines),
        **fields,
    }


def line(product, quantity, price, **fields):
    return {"product_id": str(product.id), "quantity": quantity, "buy_price": price, **fields}


def test_a_draft_is_numbered_and_edited_then_ordered(shop, factory):
    supplier = factory.supplier(currency=Currency.USD)
    carpet = shop.product(sizes=["2×3", "3×4"])
    created = assert_ok(
        shop.post(
            "admin",
            "/api/purchase-orders",
            order_body(shop, supplier, line(carpet, 5, 40, size="2x3"), note="spring"),
        ),
        201,
    )
    assert created["number"] == "PO-000001"
    assert created["status"] == "draft"
    [first] = created["lines"]
    # The supplier's currency by default; the size in its canonical spelling.
    assert (first["size"], first["currency"], first["quantity"]) == ("2×3", "USD", 5)
    assert (first["received_quantity"], first["remaining"]) == (0, 5)

    url = f"/api/purchase-orders/{created['id']}"
    edited = assert_ok(
        shop.put(
            "admin",
            url,
            {
                "lines": [
                    line(carpet, 3, 41, size="3×4"),
                    line(carpet, 2, 150000, size="2×3", currency="UZS"),
                ]
            },
        )
    )
    assert [(x["size"], x["quantity"], x["currency"]) for x in edited["lines"]] == [
        ("3×4", 3, "USD"),
        ("2×3", 2, "UZS"),
    ]
    second = assert_ok(
        shop.post(
            "admin",
            "/api/purchase-orders",
            order_body(shop, supplier, line(carpet, 1, 1, size="2×3")),
        ),
        201,
    )
    assert second["number"] == "PO-000002"

    ordered = assert_ok(shop.post("admin", f"{url}/order"))
    assert ordered["status"] == "ordered" and ordered["ordered_at"]
    # Frozen once ordered; ordering twice is a conflict too.
    body = assert_error(shop.put("admin", url, {"note": "late"}), 409, "CONFLICT")
    assert body["error"]["details"]["status"] == "ordered"
    assert_error(shop.post("admin", f"{url}/order"), 409, "CONFLICT")

    read = assert_ok(shop.get("admin", url))
    assert read["status"] == "ordered" and len(read["lines"]) == 2
    listed = shop.get("admin", "/api/purchase-orders", status="ordered").json()
    assert [o["id"] for o in listed["data"]] == [created["id"]]
    assert listed["meta"]["total"] == 1
    by_supplier = shop.get("admin", "/api/purchase-orders", supplier_id=str(supplier.id)).json()
    assert by_supplier["meta"]["total"] == 2
    other_branch = shop.get("admin", "/api/purchase-orders", branch_id=str(shop.branch_b.id))
    assert other_branch.json()["meta"]["total"] == 0

    with factory.db.transaction() as session:
        trail = session.scalars(
            select(AuditLog.action).where(AuditLog.entity_id == uuid.UUID(created["id"]))
            .order_by(AuditLog.timestamp)
        ).all()  # fmt: skip
    assert [a.value for a in trail] == ["CREATE", "UPDATE", "UPDATE"]


def test_sizes_and_quantities_follow_the_sales_rules(shop, factory):
    supplier = factory.supplier()
    two_sizes = shop.product(sizes=["2×3", "3×4"])
    one_size = shop.product(sizes=["2×3"])
    url = "/api/purchase-orders"
    missing = assert_error(
        shop.post("admin", url, order_body(shop, supplier, line(two_sizes, 1, 10))),
        422,
        "VALIDATION_ERROR",
    )
    assert missing["error"]["details"]["fields"][0]["field"] == "lines.0.size"
    implied = assert_ok(shop.post("admin", url, order_body(shop, supplier, line(one_size, 1, 10))),
                        201)  # fmt: skip
    assert implied["lines"][0]["size"] == "2×3"
    # A size of the collection the product lacks yet is fine: receiving it adds it.
    new_size = assert_ok(
        shop.post("admin", url, order_body(shop, supplier, line(one_size, 1, 10, size="2×4"))),
        201,
    )
    assert new_size["lines"][0]["size"] == "2×4"
    assert_error(
        shop.post("admin", url, order_body(shop, supplier, line(one_size, 1, 10, size="7×7"))),
        422,
        "VALIDATION_ERROR",
    )
    fraction = assert_error(
        shop.post("admin", url, order_body(shop, supplier, line(one_size, "1.5", 10))),
        422,
        "VALIDATION_ERROR",
    )
    assert fraction["error"]["details"]["fields"][0]["field"] == "lines.0.quantity"
    roll = shop.product(type="meter", stock=20, sizes=["4×20"])
    metres = assert_ok(
        shop.post("admin", url, order_body(shop, supplier, line(roll, "25.5", 9, size="4×25.5"))),
        201,
    )
    assert metres["lines"][0]["quantity"] == 25.5
    twice = order_body(shop, supplier, line(one_size, 1, 10), line(one_size, 2, 10))
    assert_error(shop.post("admin", url, twice), 422, "VALIDATION_ERROR")
    for bad in (
        order_body(shop, supplier),
        order_body(shop, supplier, line(one_size, 0, 10)),
        order_body(shop, supplier, line(one_size, 1, -1)),
        {**order_body(shop, supplier, line(one_size, 1, 10)), "supplier_id": str(shop.branch_a.id)},
        {**order_body(shop, supplier, line(one_size, 1, 10)), "branch_id": str(supplier.id)},
    ):
        assert_error(shop.post("admin", url, bad), 422, "VALIDATION_ERROR")


def test_only_the_director_orders(shop, factory):
    supplier = factory.supplier()
    product = shop.product()
    body = order_body(shop, supplier, line(product, 1, 10))
    for who in ("editor_a", "plain_a"):
        assert_error(shop.post(who, "/api/purchase-orders", body), 403, "FORBIDDEN")
        assert_error(shop.get(who, "/api/purchase-orders"), 403, "FORBIDDEN")
    order = assert_ok(shop.post("admin", "/api/purchase-orders", body), 201)
    assert_error(shop.get("editor_a", f"/api/purchase-orders/{order['id']}"), 403, "FORBIDDEN")
    assert_error(shop.get("admin", f"/api/purchase-orders/{supplier.id}"), 404, "NOT_FOUND")


def test_cancel_a_draft_or_an_order_nothing_came_for(shop, factory):
    supplier = factory.supplier()
    product = shop.product()
    body = order_body(shop, supplier, line(product, 4, 10))
    draft = assert_ok(shop.post("admin", "/api/purchase-orders", body), 201)
    cancelled = assert_ok(shop.post("admin", f"/api/purchase-orders/{draft['id']}/cancel"))
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    assert_error(shop.post("admin", f"/api/purchase-orders/{draft['id']}/order"), 409, "CONFLICT")
    assert_error(shop.post("admin", f"/api/purchase-orders/{draft['id']}/cancel"), 409,
                 "CONFLICT")  # fmt: skip

    ordered = assert_ok(shop.post("admin", "/api/purchase-orders", body), 201)
    url = f"/api/purchase-orders/{ordered['id']}"
    assert_ok(shop.post("admin", f"{url}/order"))
    receipt = {
        "purchase_order_id": ordered["id"],
        "supplier_id": str(supplier.id),
        "branch_id": str(shop.branch_a.id),
        "lines": [{"product_id": str(product.id), "quantity": 1}],
    }
    assert_ok(shop.post("admin", "/api/goods-receipts", receipt), 201)
    partly = assert_ok(shop.get("admin", url))
    assert partly["status"] == "partially_received"
    assert (partly["lines"][0]["received_quantity"], partly["lines"][0]["remaining"]) == (1, 3)
    refused = assert_error(shop.post("admin", f"{url}/cancel"), 409, "CONFLICT")
    assert refused["error"]["details"]["status"] == "partially_received"
    receipt["lines"][0]["quantity"] = 3
    assert_ok(shop.post("admin", "/api/goods-receipts", receipt), 201)
    assert assert_ok(shop.get("admin", url))["status"] == "received"
