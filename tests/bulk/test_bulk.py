"""Bulk prices, deletes and transfers: all or nothing, one audit entry per product."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import Category, ProductType
from tests.factories import TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def price(shop, product, field="sell_price"):
    return Decimal(str(shop.get("admin", f"/api/products/{product.id}").json()["data"][field]))


def audits(db, entity_id, action="UPDATE"):
    with db.transaction() as session:
        stmt = select(func.count()).where(
            AuditLog.entity_id == entity_id, AuditLog.action == action
        )
        return session.scalar(stmt)


def bulk_price(shop, body, who="admin", dry_run=False):
    url = "/api/products/bulk-price-update" + ("?dry_run=true" if dry_run else "")
    return shop.put(who, url, body)


def test_a_percentage_rise_rounded_to_a_thousand(shop, db):
    a = shop.product(sell_price=150_000, buy_price=100_000)
    b = shop.product(sell_price=99_400, buy_price=50_000)
    body = {
        "product_ids": [str(a.id), str(b.id)],
        "field": "sell_price",
        "change_type": "percentage",
        "value": 10,
        "round_to": 1000,
    }
    preview = bulk_price(shop, body, dry_run=True)
    assert preview.status_code == 200, preview.text
    data = preview.json()["data"]
    assert data["dry_run"] is True and data["matched"] == 2 and data["changed"] == 2
    news = {p["product_id"]: p["changes"]["sell_price"]["new"] for p in data["products"]}
    assert news == {str(a.id): 165000, str(b.id): 109000}  # 109,340 rounds to 109,000
    assert price(shop, a) == 150_000  # nothing written by the dry run
    assert audits(db, a.id) == 0

    done = bulk_price(shop, body)
    assert done.status_code == 200, done.text
    assert price(shop, a) == 165_000 and price(shop, b) == 109_000
    assert price(shop, a, "buy_price") == 100_000
    assert audits(db, a.id) == 1 and audits(db, b.id) == 1


def test_by_the_product_lists_filters(shop):
    rug = shop.product(category=Category.KOVRIY, sell_price=200_000)
    other = shop.product(category=Category.GILAMLAR, sell_price=200_000)
    elsewhere = shop.product(shop.branch_b, category=Category.KOVRIY, sell_price=200_000)
    roll = shop.product(
        category=Category.KOVRIY,
        type=ProductType.METER,
        stock="20",
        sizes=[],
        sell_price=90_000,
        sell_price_per_meter=90_000,
        buy_price=60_000,
    )
    body = {
        "filters": {"category": "Kovriy", "branch_id": str(shop.branch_a.id)},
        "field": "both",
        "change_type": "fixed",
        "value": -5000,
    }
    done = bulk_price(shop, body)
    assert done.status_code == 200, done.text
    assert done.json()["data"]["matched"] == 2
    assert price(shop, rug) == 195_000 and price(shop, rug, "buy_price") == 95_000
    assert price(shop, roll, "sell_price_per_meter") == 85_000
    assert price(shop, other) == 200_000 and price(shop, elsewhere) == 200_000


def test_one_bad_price_refuses_the_whole_change(shop, db):
    cheap = shop.product(sell_price=3_000, buy_price=1_000)
    dear = shop.product(sell_price=300_000, buy_price=100_000)
    body = {
        "product_ids": [str(dear.id), str(cheap.id)],
        "field": "sell_price",
        "change_type": "fixed",
        "value": -5000,
    }
    error = assert_error(bulk_price(shop, body), 422, "VALIDATION_ERROR")
    assert [p["product_id"] for p in error["error"]["details"]["products"]] == [str(cheap.id)]
    assert price(shop, dear) == 300_000 and audits(db, dear.id) == 0
    preview = bulk_price(shop, body, dry_run=True).json()["data"]
    assert len(preview["errors"]) == 1 and preview["changed"] == 1


def test_bulk_price_rules(shop):
    product = shop.product()
    base = {"field": "sell_price", "change_type": "set", "value": 5}
    assert_error(bulk_price(shop, base), 422, "VALIDATION_ERROR")  # no selection
    both = {**base, "product_ids": [str(product.id)], "filters": {}}
    assert_error(bulk_price(shop, both), 422, "VALIDATION_ERROR")
    ids = {**base, "product_ids": [str(product.id)]}
    assert_error(bulk_price(shop, ids, who="editor_a"), 403, "FORBIDDEN")
    missing = {**base, "product_ids": ["00000000-0000-0000-0000-000000000001"]}
    assert_error(bulk_price(shop, missing), 404, "NOT_FOUND")
    assert_error(bulk_price(shop, {**ids, "value": 0}), 422, "VALIDATION_ERROR")
    assert_error(
        bulk_price(shop, {**ids, "change_type": "percentage", "value": -100}),
        422,
        "VALIDATION_ERROR",
    )


def bulk_delete(shop, ids, who="admin"):
    return shop.client.request(
        "DELETE",
        "/api/products/bulk-delete",
        json={"product_ids": [str(i) for i in ids]},
        headers=shop.headers[who],
    )


def test_bulk_delete_is_all_or_nothing(shop, factory, db):
    free = shop.product()
    sold = shop.product(stock=5)
    factory.sale(shop.users["plain_a"], (sold, 1, 150_000))
    refused = bulk_delete(shop, [free.id, sold.id])
    error = assert_error(refused, 409, "CONFLICT")
    assert error["error"]["details"]["blocked"] == [
        {
            "product_id": str(sold.id),
            "name": sold.name,
            "reason": "sales_history",
            "message": "This product has sales history and cannot be deleted",
        }
    ]
    assert shop.get("admin", f"/api/products/{free.id}").status_code == 200

    also = shop.product()
    assert_error(bulk_delete(shop, [free.id], who="editor_a"), 403, "FORBIDDEN")
    done = bulk_delete(shop, [free.id, also.id])
    assert done.status_code == 200, done.text
    assert done.json()["data"]["deleted"] == 2
    assert shop.get("admin", f"/api/products/{free.id}").status_code == 404
    assert audits(db, free.id, "DELETE") == 1 and audits(db, also.id, "DELETE") == 1
    assert_error(bulk_delete(shop, [free.id]), 409, "CONFLICT")  # already deleted


def stock(shop, product_id):
    return shop.get("admin", f"/api/products/{product_id}").json()["data"]["stock"]


def test_a_bulk_transfer_is_one_document(shop, db):
    rug = shop.product(quantity=5)
    roll = shop.product(type=ProductType.METER, stock="30", sizes=[])
    body = {
        "to_branch_id": str(shop.branch_b.id),
        "items": [
            {"product_id": str(rug.id), "quantity": 2},
            {"product_id": str(roll.id), "quantity": "7.50"},
        ],
    }
    started = shop.post("admin", "/api/products/bulk-transfer", body)
    assert started.status_code == 201, started.text
    batch = started.json()["data"]
    assert batch["status"] == "in_transit" and len(batch["transfers"]) == 2
    assert stock(shop, rug.id) == 3 and stock(shop, roll.id) == 22.5
    one = batch["transfers"][0]["id"]
    # Never received or cancelled one by one.
    assert_error(shop.post("admin", f"/api/transfers/{one}/receive"), 409, "CONFLICT")
    assert_error(shop.post("admin", f"/api/transfers/{one}/cancel"), 409, "CONFLICT")
    url = f"/api/products/bulk-transfer/{batch['batch_id']}"
    assert shop.get("editor_b", url).json()["data"]["batch_id"] == batch["batch_id"]
    assert_error(shop.post("editor_a", f"{url}/receive"), 403, "FORBIDDEN")
    received = shop.post("editor_b", f"{url}/receive")
    assert received.status_code == 200, received.text
    done = received.json()["data"]
    assert done["status"] == "completed"
    assert all(t["target_product_id"] for t in done["transfers"])
    assert_error(shop.post("admin", f"{url}/cancel"), 409, "CONFLICT")
    with db.transaction() as session:
        created = session.scalar(
            select(func.count()).where(
                AuditLog.entity_type == "transfer", AuditLog.action == "CREATE"
            )
        )
    assert created == 2


def test_a_bulk_transfer_short_of_stock_moves_nothing(shop):
    a = shop.product(quantity=5)
    b = shop.product(quantity=1)
    c = shop.product(quantity=1)
    body = {
        "to_branch_id": str(shop.branch_b.id),
        "items": [
            {"product_id": str(a.id), "quantity": 2},
            {"product_id": str(b.id), "quantity": 3},
            {"product_id": str(c.id), "quantity": 2},
        ],
    }
    error = assert_error(
        shop.post("admin", "/api/products/bulk-transfer", body), 409, "INSUFFICIENT_STOCK"
    )
    short = {p["product_id"] for p in error["error"]["details"]["products"]}
    assert short == {str(b.id), str(c.id)}
    assert stock(shop, a.id) == 5


def test_a_cancelled_bulk_transfer_gives_everything_back(shop):
    a = shop.product(quantity=5)
    b = shop.product(quantity=4)
    body = {
        "to_branch_id": str(shop.branch_b.id),
        "items": [
            {"product_id": str(a.id), "quantity": 2},
            {"product_id": str(b.id), "quantity": 4},
        ],
    }
    batch = shop.post("admin", "/api/products/bulk-transfer", body).json()["data"]
    url = f"/api/products/bulk-transfer/{batch['batch_id']}"
    assert_error(shop.post("editor_b", f"{url}/cancel"), 403, "FORBIDDEN")
    cancelled = shop.post("admin", f"{url}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert stock(shop, a.id) == 5 and stock(shop, b.id) == 4
    twice = {**body, "items": [body["items"][0], body["items"][0]]}
    assert_error(shop.post("admin", "/api/products/bulk-transfer", twice), 422, "VALIDATION_ERROR")
    assert_error(
        shop.get("admin", "/api/products/bulk-transfer/00000000-0000-0000-0000-000000000001"),
        404,
        "NOT_FOUND",
    )
