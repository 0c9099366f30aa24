"""Discounts: the director's CRUD, and the best running discount applied at sale time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import Category
from carpet_shop.discounts.models import DiscountScope, DiscountType
from tests.conftest import T0
from tests.factories import assert_error
from tests.shop import Shop


def _body(**change):
    return {
        "name": "Navro'z",
        "discount_type": "PERCENTAGE",
        "discount_value": 10,
        "applicable_to": "ALL",
        "start_date": "2026-03-01T00:00:00+05:00",
        **change,
    }


def test_admin_creates_reads_updates_and_deletes(shop: Shop):
    created = shop.client.post("/api/discounts", json=_body(), headers=shop.admin_h)
    assert created.status_code == 201, created.text
    discount = created.json()["data"]
    assert discount["discount_value"] == 10
    assert discount["is_active"] is True
    assert discount["end_date"] is None
    url = f"/api/discounts/{discount['id']}"
    assert shop.client.get(url, headers=shop.admin_h).json()["data"]["name"] == "Navro'z"
    updated = shop.client.put(
        url,
        json={"discount_value": 12.5, "end_date": "2026-04-01T00:00:00+05:00"},
        headers=shop.admin_h,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["discount_value"] == 12.5
    assert updated.json()["data"]["name"] == "Navro'z"
    assert shop.client.delete(url, headers=shop.admin_h).status_code == 200
    assert_error(shop.client.get(url, headers=shop.admin_h), 404, "NOT_FOUND")
    assert_error(shop.client.put(url, json={}, headers=shop.admin_h), 404, "NOT_FOUND")
    actions = shop.scalars(select(AuditLog.action).where(AuditLog.entity_type == "discount"))
    assert set(actions) == {"CREATE", "UPDATE", "DELETE"}


def test_sellers_read_but_never_write(shop: Shop):
    everywhere = shop.factory.discount(value=5)
    mine = shop.factory.discount(value=7, branch_id=shop.branch.id)
    theirs = shop.factory.discount(value=9, branch_id=shop.other_branch.id)
    listed = shop.client.get("/api/discounts", headers=shop.seller_h).json()["data"]
    assert {d["id"] for d in listed} == {str(everywhere.id), str(mine.id)}
    assert len(shop.client.get("/api/discounts", headers=shop.admin_h).json()["data"]) == 3
    assert_error(
        shop.client.get(f"/api/discounts/{theirs.id}", headers=shop.seller_h), 403, "FORBIDDEN"
    )
    assert shop.client.get(f"/api/discounts/{mine.id}", headers=shop.seller_h).status_code == 200
    assert_error(
        shop.client.post("/api/discounts", json=_body(), headers=shop.seller_h), 403, "FORBIDDEN"
    )
    assert_error(
        shop.client.put(f"/api/discounts/{mine.id}", json={}, headers=shop.seller_h),
        403,
        "FORBIDDEN",
    )
    assert_error(
        shop.client.delete(f"/api/discounts/{mine.id}", headers=shop.seller_h), 403, "FORBIDDEN"
    )
    assert_error(shop.client.get("/api/discounts"), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"discount_value": 100.01}, "discount_value"),
        ({"discount_value": 0}, "discount_value"),
        ({"discount_type": "BOGO"}, "discount_type"),
        ({"applicable_to": "CATEGORY"}, "target_category"),
        ({"applicable_to": "CATEGORY", "target_category": "Shoes"}, "target_category"),
        ({"applicable_to": "COLLECTION"}, "target_id"),
        (
            {"applicable_to": "COLLECTION", "target_id": "00000000-0000-4000-8000-000000000000"},
            "target_id",
        ),
        (
            {"applicable_to": "PRODUCT", "target_id": "00000000-0000-4000-8000-000000000000"},
            "target_id",
        ),
        ({"target_id": "00000000-0000-4000-8000-000000000000"}, "target_id"),
        ({"target_category": "Gilamlar"}, "target_category"),
        ({"end_date": "2026-02-01T00:00:00+05:00"}, "end_date"),
        ({"start_date": "2026-03-01T00:00:00"}, "start_date"),
        ({"branch_id": "00000000-0000-4000-8000-000000000000"}, "branch_id"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_discounts_are_422(shop: Shop, change, field):
    response = shop.client.post("/api/discounts", json=_body(**change), headers=shop.admin_h)
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert field in {f["field"] for f in error["error"]["details"]["fields"]}


def test_an_update_is_checked_as_a_whole(shop: Shop):
    discount = shop.factory.discount(value=50)
    url = f"/api/discounts/{discount.id}"
    error = assert_error(
        shop.client.put(url, json={"discount_value": 150}, headers=shop.admin_h),
        422,
        "VALIDATION_ERROR",
    )
    assert error["error"]["details"]["fields"][0]["field"] == "discount_value"
    # As a fixed amount, 150 so'm is fine.
    both = shop.client.put(
        url, json={"discount_value": 150, "discount_type": "FIXED_AMOUNT"}, headers=shop.admin_h
    )
    assert both.status_code == 200
    assert_error(
        shop.client.put(url, json={"name": None}, headers=shop.admin_h), 422, "VALIDATION_ERROR"
    )


def _sell(shop: Shop, product, headers=None, quantity=1, amount=150_000, **extra):
    response = shop.client.post(
        "/api/sales",
        json={
            "product_id": str(product.id),
            "quantity": quantity,
            "amount": amount,
            "payment_type": "cash",
            **extra,
        },
        headers=headers or shop.seller_h,
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]["items"][0]


def test_the_best_running_discount_lowers_the_standard_price(shop: Shop, clock):
    collection = shop.factory.collection()
    product = shop.factory.product(
        shop.branch, collection=collection, sell_price=150_000, buy_price=100_000
    )
    shop.factory.discount(value=5)  # ALL: 142,500
    shop.factory.discount(
        value=10, applicable_to=DiscountScope.COLLECTION, target_id=collection.id
    )  # 135,000
    best = shop.factory.discount(
        value=20_000,
        kind=DiscountType.FIXED_AMOUNT,
        applicable_to=DiscountScope.PRODUCT,
        target_id=product.id,
    )  # 130,000
    # Better ones that do not count: stopped, over, not started, another branch, deleted.
    shop.factory.discount(value=50, is_active=False)
    shop.factory.discount(value=50, start=T0 - timedelta(days=9), end_date=T0)
    shop.factory.discount(value=50, start=T0 + timedelta(seconds=1))
    shop.factory.discount(value=50, branch_id=shop.other_branch.id)
    gone = shop.factory.discount(value=60)
    shop.client.delete(f"/api/discounts/{gone.id}", headers=shop.admin_h)
    shop.factory.discount(
        value=50, applicable_to=DiscountScope.CATEGORY, target_category=Category.KOVRIY
    )

    item = _sell(shop, product, quantity=2, amount=270_000)
    assert item["list_price"] == 150_000
    assert item["standard_price"] == 130_000
    assert item["discount_id"] == str(best.id)
    assert item["discount_amount"] == 40_000
    assert item["extra_profit"] == 10_000  # 270,000 − 2 × 130,000
    admin_item = shop.client.get("/api/sales", headers=shop.admin_h).json()["data"][0]["items"][0]
    assert admin_item["director_profit"] == 60_000  # (130,000 − 100,000) × 2


def test_category_discounts_and_the_seller_floor(shop: Shop):
    product = shop.factory.product(
        shop.branch, category=Category.PALOSLAR, sell_price=150_000, buy_price=100_000
    )
    shop.factory.discount(
        value=40, applicable_to=DiscountScope.CATEGORY, target_category=Category.PALOSLAR
    )
    item = _sell(shop, product, amount=100_000)
    assert item["standard_price"] == 90_000
    assert item["extra_profit"] == 10_000
    admin_view = shop.client.get("/api/sales", headers=shop.admin_h).json()["data"][0]
    # The discount sold below cost: the director's loss shows.
    assert admin_view["director_profit"] == -10_000
    # A seller still cannot go below the buy price, discount or not.
    refused = shop.client.post(
        "/api/sales",
        json={
            "product_id": str(product.id),
            "quantity": 1,
            "amount": 90_000,
            "payment_type": "cash",
        },
        headers=shop.seller_h,
    )
    assert_error(refused, 422, "PRICE_BELOW_COST")


def test_a_back_filled_sale_takes_the_discounts_of_its_day(shop: Shop):
    product = shop.factory.product(shop.branch, sell_price=200_000, buy_price=100_000)
    shop.factory.discount(value=25, start=T0 - timedelta(days=30), end_date=T0 - timedelta(days=20))
    then = _sell(
        shop,
        product,
        headers=shop.admin_h,
        amount=150_000,
        date=(T0 - timedelta(days=25)).isoformat(),
    )
    assert then["standard_price"] == 150_000
    now = _sell(shop, product, headers=shop.admin_h, amount=200_000)
    assert now["standard_price"] == 200_000
    assert now["discount_id"] is None


def test_running_now_filter(shop: Shop):
    running = shop.factory.discount(value=5)
    shop.factory.discount(value=5, start=T0 + timedelta(days=1))
    listed = shop.client.get(
        "/api/discounts", params={"running_now": True}, headers=shop.admin_h
    ).json()["data"]
    assert [d["id"] for d in listed] == [str(running.id)]
