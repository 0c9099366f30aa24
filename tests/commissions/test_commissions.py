"""Commissions: rate × sale amount for sellers with a rate, lowered by approved returns."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.commissions.models import Commission
from tests.factories import assert_error, auth_headers
from tests.shop import Shop


def _earner(shop: Shop, rate="2.5"):
    seller = shop.factory.seller(shop.branch, commission_rate=Decimal(rate))
    return seller, auth_headers(shop.client, seller)


def _mine(shop: Shop, headers, **params):
    response = shop.client.get("/api/commissions/my", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_a_sale_by_a_seller_with_a_rate_earns_a_pending_commission(shop: Shop):
    seller, headers = _earner(shop)
    product = shop.factory.product(shop.branch, sell_price=1_000_000, buy_price=500_000)
    sale = shop.sell(headers, product, amount=1_234_567).json()["data"]
    [commission] = _mine(shop, headers)
    assert commission["sale_id"] == sale["id"]
    assert commission["receipt_number"] == sale["receipt_number"]
    assert commission["status"] == "PENDING"
    assert commission["commission_rate"] == 2.5
    assert commission["base_amount"] == 1_234_567
    assert commission["commission_amount"] == 30_864.18  # 30,864.175 rounded half up
    assert commission["seller_id"] == str(seller.id)


def test_no_rate_no_commission_and_admins_earn_none(shop: Shop):
    product = shop.factory.product(shop.branch)
    shop.sell(shop.seller_h, product)
    shop.sell(shop.admin_h, product)
    assert shop.count(Commission) == 0
    assert _mine(shop, shop.seller_h) == []
    assert _mine(shop, shop.admin_h) == []


def test_listing_and_who_may_see_it(shop: Shop, clock):
    seller, headers = _earner(shop)
    _, other_headers = _earner(shop, "1")
    product = shop.factory.product(shop.branch, stock=10)
    shop.sell(headers, product)
    shop.sell(other_headers, product)
    assert len(_mine(shop, headers)) == 1
    assert_error(shop.client.get("/api/commissions", headers=headers), 403, "FORBIDDEN")
    assert_error(shop.client.get("/api/commissions/my"), 401, "UNAUTHORIZED")

    def listed(**params):
        response = shop.client.get("/api/commissions", params=params, headers=shop.admin_h)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    assert len(listed()) == 2
    assert [c["seller_id"] for c in listed(seller_id=str(seller.id))] == [str(seller.id)]
    assert len(listed(status="PENDING")) == 2
    assert listed(status="PAID") == []
    assert len(listed(period="today")) == 2
    assert listed(date_from="2026-01-01", date_to="2026-01-31") == []
    assert len(listed(branch_id=str(shop.branch.id))) == 2
    assert listed(branch_id=str(shop.other_branch.id)) == []
    assert_error(
        shop.client.get("/api/commissions", params={"status": "LOST"}, headers=shop.admin_h),
        422,
        "VALIDATION_ERROR",
    )


def test_mark_paid_once_by_the_director(shop: Shop):
    _, headers = _earner(shop)
    product = shop.factory.product(shop.branch)
    shop.sell(headers, product)
    [commission] = _mine(shop, headers)
    url = f"/api/commissions/{commission['id']}/mark-paid"
    assert_error(shop.client.put(url, headers=headers), 403, "FORBIDDEN")
    paid = shop.client.put(url, headers=shop.admin_h)
    assert paid.status_code == 200, paid.text
    assert paid.json()["data"]["status"] == "PAID"
    assert paid.json()["data"]["paid_by_id"] == str(shop.admin.id)
    assert paid.json()["data"]["paid_at"] is not None
    assert_error(shop.client.put(url, headers=shop.admin_h), 409, "CONFLICT")
    missing = "/api/commissions/00000000-0000-4000-8000-000000000000/mark-paid"
    assert_error(shop.client.put(missing, headers=shop.admin_h), 404, "NOT_FOUND")
    audit = shop.scalars(select(AuditLog.changes).where(AuditLog.entity_type == "commission"))
    assert audit == [
        {
            "status": {"old": "PENDING", "new": "PAID"},
            "paid_at": {"old": None, "new": audit[0]["paid_at"]["new"]},
            "paid_by_id": {"old": None, "new": str(shop.admin.id)},
        }
    ]


def _return(shop: Shop, headers, sale, quantity):
    item = sale["items"][0]
    asked = shop.client.post(
        "/api/returns",
        json={
            "sale_id": sale["id"],
            "items": [{"sale_item_id": item["id"], "quantity": quantity}],
            "reason": "CUSTOMER_CHANGE_MIND",
        },
        headers=headers,
    )
    assert asked.status_code == 201, asked.text
    approved = shop.client.put(
        f"/api/returns/{asked.json()['data']['id']}/approve", headers=shop.admin_h
    )
    assert approved.status_code == 200, approved.text


def test_an_approved_return_lowers_a_pending_commission(shop: Shop):
    _, headers = _earner(shop, "10")
    product = shop.factory.product(shop.branch, stock=10)
    sale = shop.sell(headers, product, quantity=4, amount=600_000).json()["data"]
    _return(shop, headers, sale, 1)
    [commission] = _mine(shop, headers)
    assert commission["base_amount"] == 450_000
    assert commission["commission_amount"] == 45_000
    assert commission["status"] == "PENDING"


def test_after_a_payout_a_return_claws_back_from_the_next(shop: Shop):
    _, headers = _earner(shop, "10")
    product = shop.factory.product(shop.branch, stock=10)
    sale = shop.sell(headers, product, quantity=4, amount=600_000).json()["data"]
    [paid] = _mine(shop, headers)
    shop.client.put(f"/api/commissions/{paid['id']}/mark-paid", headers=shop.admin_h)
    _return(shop, headers, sale, 1)
    _return(shop, headers, sale, 3)
    rows = _mine(shop, headers)
    by_status = sorted((r["status"], r["commission_amount"]) for r in rows)
    assert by_status == [("PAID", 60_000), ("PENDING", -45_000), ("PENDING", -15_000)]
    assert sum(Decimal(str(r["commission_amount"])) for r in rows) == 0
    assert all(r["return_id"] for r in rows if r["status"] == "PENDING")
