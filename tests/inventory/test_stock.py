from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import ProductType
from tests.factories import TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def adjust(shop, who, product, **body):
    return shop.post(who, f"/api/products/{product.id}/adjust", {"reason": "count", **body})


def test_who_may_adjust(shop):
    product = shop.product(quantity=5)
    assert adjust(shop, "editor_a", product, quantity=4).status_code == 200
    assert adjust(shop, "admin", product, quantity=3).status_code == 200
    assert_error(adjust(shop, "plain_a", product, quantity=1), 403, "FORBIDDEN")
    assert_error(adjust(shop, "editor_b", product, quantity=1), 403, "FORBIDDEN")
    assert shop.get("admin", f"/api/products/{product.id}").json()["data"]["quantity"] == 3


def test_an_adjustment_is_a_movement_with_its_reason_and_audit(shop, db):
    product = shop.product(quantity=5)
    response = shop.post(
        "editor_a",
        f"/api/products/{product.id}/adjust",
        {"quantity": 7, "reason": "Found two in the store room"},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["product"]["quantity"] == 7
    movement = data["movement"]
    assert (movement["kind"], movement["delta"], movement["balance_after"]) == ("adjustment", 2, 7)
    assert movement["reason"] == "Found two in the store room"
    assert movement["user_id"] == str(shop.users["editor_a"].id)
    same = adjust(shop, "editor_a", product, quantity=7)
    assert same.json()["data"]["movement"] is None
    with db.transaction() as session:
        entry = session.scalars(
            select(AuditLog).where(AuditLog.entity_id == product.id, AuditLog.changes.is_not(None))
        ).all()
    adjusted = [e for e in entry if "adjustment_reason" in e.changes]
    assert len(adjusted) == 1
    assert adjusted[0].changes["quantity"] == {"old": 5, "new": 7}


def test_meter_products_are_counted_in_metres(shop):
    product = shop.product(type=ProductType.METER, length="20")
    counted = adjust(shop, "admin", product, remaining_length=18.35)
    assert counted.json()["data"]["product"]["remaining_length"] == 18.35
    assert counted.json()["data"]["movement"]["delta"] == -1.65
    more = adjust(shop, "admin", product, remaining_length=25)
    assert more.json()["data"]["product"]["total_length"] == 25


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        (ProductType.UNIT, {"remaining_length": 3}, "remaining_length"),
        (ProductType.UNIT, {}, "quantity"),
        (ProductType.UNIT, {"quantity": -1}, "quantity"),
        (ProductType.UNIT, {"quantity": 2.5}, "quantity"),
        (ProductType.METER, {"quantity": 3}, "quantity"),
        (ProductType.METER, {"remaining_length": 1.234}, "remaining_length"),
        (ProductType.METER, {"remaining_length": 5, "reason": ""}, "reason"),
    ],
)
def test_bad_counts_name_the_field(shop, kind, body, field):
    product = shop.product(type=kind)
    response = shop.post("admin", f"/api/products/{product.id}/adjust", {"reason": "count", **body})
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert field in {f["field"] for f in error["error"]["details"]["fields"]}


def test_movements_are_paginated_and_scoped(shop):
    product = shop.product(quantity=10)
    for n in range(4):
        adjust(shop, "admin", product, quantity=9 - n)
    url = f"/api/products/{product.id}/movements"
    page = shop.get("plain_a", url, page=1, page_size=2)
    assert page.json()["meta"] == {"page": 1, "page_size": 2, "total": 5}
    everything = shop.get("plain_a", url).json()["data"]
    assert sum(Decimal(str(m["delta"])) for m in everything) == 6
    only = shop.get("plain_a", url, kind="initial").json()["data"]
    assert [m["delta"] for m in only] == [10]
    assert_error(shop.get("editor_b", url), 403, "FORBIDDEN")
    assert_error(shop.get("admin", url, kind="theft"), 422, "VALIDATION_ERROR")


def test_low_stock_uses_each_products_threshold_or_the_default(shop):
    # Defaults: 2 pieces, 10 metres.
    shop.product(name="two left", quantity=2)
    shop.product(name="three left", quantity=3)
    shop.product(name="none left", quantity=0)
    shop.product(name="own threshold", quantity=5, low_stock_threshold=Decimal(5))
    shop.product(name="short roll", type=ProductType.METER, length="9.99")
    shop.product(name="long roll", type=ProductType.METER, length="10.01")
    shop.product(branch=shop.branch_b, name="elsewhere", quantity=0)
    low = shop.get("plain_a", "/api/inventory/low-stock")
    assert low.status_code == 200
    data = low.json()["data"]
    assert [p["name"] for p in data] == ["none left", "two left", "own threshold", "short roll"]
    assert all(p["is_low_stock"] for p in data)
    assert [p["low_stock_level"] for p in data] == [2, 2, 5, 10]
    everywhere = shop.get("admin", "/api/inventory/low-stock").json()["meta"]["total"]
    assert everywhere == 5
    assert_error(
        shop.get("plain_a", "/api/inventory/low-stock", branch_id=str(shop.branch_b.id)),
        403,
        "FORBIDDEN",
    )
    normal = shop.get("plain_a", "/api/products", q="three left").json()["data"][0]
    assert normal["is_low_stock"] is False


def test_a_branch_with_products_cannot_be_deleted(shop):
    product = shop.product()
    url = f"/api/branches/{shop.branch_b.id}"
    shop.client.delete(f"/api/users/{shop.users['editor_b'].id}", headers=shop.headers["admin"])
    other = shop.product(branch=shop.branch_b)
    body = assert_error(shop.delete("admin", url), 409, "CONFLICT")
    assert body["error"]["details"] == {"products": 1}
    shop.delete("admin", f"/api/products/{other.id}")
    assert shop.delete("admin", url).status_code == 200
    assert product.branch_id == shop.branch_a.id
