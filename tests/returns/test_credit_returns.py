"""Returns on credit sales: the returned value first reduces what is still owed, and only the
rest is refunded in money (README, "Returns on credit sales")."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from tests.factories import assert_error, assert_ok
from tests.shop import Shop

DUE = (date(2026, 3, 10) + timedelta(days=30)).isoformat()


def _credit_sale(shop: Shop, cash: int = 400, debt: int = 600) -> dict[str, Any]:
    """A receipt worth 1,000: a carpet for 800 and a small one for 200, `cash` now and `debt`
    on credit."""
    big = shop.factory.product(shop.branch, stock=2, buy_price=100, sell_price=800)
    small = shop.factory.product(shop.branch, stock=2, buy_price=50, sell_price=200)
    payments = [("cash", cash), ("debt", debt)] if cash else [("debt", debt)]
    body = {
        "items": [
            {"product_id": str(big.id), "quantity": 1, "amount": 800},
            {"product_id": str(small.id), "quantity": 1, "amount": 200},
        ],
        "payments": [{"payment_type": t, "amount": a} for t, a in payments],
        "customer_name": "Aziz Rahimov",
        "customer_phone": "90 123 45 67",
        "debt_deadline": DUE,
    }
    return assert_ok(shop.client.post("/api/sales", json=body, headers=shop.seller_h), 201)


def _item(sale: dict[str, Any], amount: int) -> str:
    return next(i["id"] for i in sale["items"] if i["amount"] == amount)


def _ask(shop: Shop, sale: dict[str, Any], amount: int, **extra: Any) -> dict[str, Any]:
    body = {
        "sale_id": sale["id"],
        "items": [{"sale_item_id": _item(sale, amount), "quantity": 1}],
        "reason": "CUSTOMER_CHANGE_MIND",
        **extra,
    }
    return assert_ok(shop.client.post("/api/returns", json=body, headers=shop.seller_h), 201)


def _approve(shop: Shop, ret: dict[str, Any]) -> dict[str, Any]:
    url = f"/api/returns/{ret['id']}/approve"
    return assert_ok(shop.client.put(url, headers=shop.admin_h))


def _pay(shop: Shop, sale: dict[str, Any], amount: int) -> Any:
    url = f"/api/debts/{sale['debt']['id']}/payments"
    return shop.client.post(url, json={"amount": amount}, headers=shop.seller_h)


def _debt(shop: Shop, sale: dict[str, Any]) -> dict[str, Any]:
    return assert_ok(shop.client.get(f"/api/debts/{sale['debt']['id']}", headers=shop.seller_h))


@pytest.mark.parametrize(
    ("repaid", "returned", "debt_reduced", "cash_refund", "remaining", "status"),
    [
        pytest.param(0, 800, 600, 200, 0, "paid", id="the-whole-debt-then-cash"),
        # README's example: 500 of 600 repaid, goods worth 800 back: 100 clears the debt,
        # 700 is refunded, and the customer has paid 200 for what they kept.
        pytest.param(500, 800, 100, 700, 0, "paid", id="part-repaid"),
        pytest.param(0, 200, 200, 0, 400, "pending", id="within-the-debt"),
        pytest.param(600, 800, 0, 800, 0, "paid", id="debt-paid-all-cash"),
    ],
)
def test_an_approved_return_reduces_the_debt_first_and_refunds_the_rest(
    shop: Shop, repaid, returned, debt_reduced, cash_refund, remaining, status
):
    sale = _credit_sale(shop)
    if repaid:
        assert _pay(shop, sale, repaid).status_code == 201
    ret = _ask(shop, sale, returned)
    # Nothing is settled while the request waits for the director.
    assert (ret["debt_reduced"], ret["cash_refund"]) == (None, None)
    assert _debt(shop, sale)["remaining_amount"] == 600 - repaid

    approved = _approve(shop, ret)
    assert approved["refund_amount"] == returned
    assert (approved["debt_reduced"], approved["cash_refund"]) == (debt_reduced, cash_refund)
    read = assert_ok(shop.client.get(f"/api/returns/{ret['id']}", headers=shop.seller_h))
    assert (read["debt_reduced"], read["cash_refund"]) == (debt_reduced, cash_refund)

    debt = _debt(shop, sale)
    assert debt["remaining_amount"] == remaining
    assert debt["returned_amount"] == debt_reduced
    assert debt["paid_amount"] == repaid  # past payments are never rewritten
    assert debt["total_amount"] == 600
    assert debt["status"] == status
    card = assert_ok(shop.client.get(f"/api/sales/{sale['id']}", headers=shop.seller_h))
    assert card["refunded_amount"] == returned
    assert card["net_amount"] == 1000 - returned
    assert card["debt"]["remaining_amount"] == remaining
    assert card["debt"]["status"] == status


def test_the_rest_is_paid_off_after_a_return_and_no_more(shop: Shop):
    sale = _credit_sale(shop)
    _approve(shop, _ask(shop, sale, 200))
    assert_error(_pay(shop, sale, 401), 422, "PAYMENT_EXCEEDS_REMAINING")
    paid = assert_ok(_pay(shop, sale, 400), 201)
    assert paid["debt"]["remaining_amount"] == 0
    assert paid["debt"]["status"] == "paid"


def test_two_returns_in_turn_settle_against_what_is_left(shop: Shop):
    sale = _credit_sale(shop)
    first = _approve(shop, _ask(shop, sale, 200))
    assert (first["debt_reduced"], first["cash_refund"]) == (200, 0)
    second = _approve(shop, _ask(shop, sale, 800))
    assert (second["debt_reduced"], second["cash_refund"]) == (400, 400)
    debt = _debt(shop, sale)
    assert (debt["remaining_amount"], debt["returned_amount"], debt["status"]) == (0, 600, "paid")


def test_a_smaller_refund_than_the_goods_is_what_settles(shop: Shop):
    sale = _credit_sale(shop, cash=0, debt=1000)
    approved = _approve(shop, _ask(shop, sale, 800, refund_amount=300.5))
    assert (approved["debt_reduced"], approved["cash_refund"]) == (300.5, 0)
    assert _debt(shop, sale)["remaining_amount"] == 699.5


def test_a_rejected_return_settles_nothing(shop: Shop):
    sale = _credit_sale(shop)
    ret = _ask(shop, sale, 800)
    url = f"/api/returns/{ret['id']}/reject"
    rejected = assert_ok(shop.client.put(url, headers=shop.admin_h))
    assert (rejected["debt_reduced"], rejected["cash_refund"]) == (None, None)
    assert _debt(shop, sale)["remaining_amount"] == 600


def test_a_return_on_a_cash_sale_is_all_cash(shop: Shop):
    product = shop.factory.product(shop.branch, stock=2, buy_price=100, sell_price=800)
    sale = shop.factory.sale(shop.seller, (product, 1, 800)).sale
    card = assert_ok(shop.client.get(f"/api/sales/{sale.id}", headers=shop.seller_h))
    approved = _approve(shop, _ask(shop, card, 800))
    assert (approved["debt_reduced"], approved["cash_refund"]) == (0, 800)


def test_the_settlement_is_audited_on_the_return_and_the_debt(shop: Shop):
    sale = _credit_sale(shop)
    ret = _approve(shop, _ask(shop, sale, 800))
    [entry] = shop.scalars(
        select(AuditLog).where(AuditLog.entity_type == "return", AuditLog.action == "UPDATE")
    )
    assert entry.changes["status"] == {"old": "PENDING", "new": "APPROVED"}
    assert Decimal(entry.changes["debt_reduced"]["new"]) == 600
    assert Decimal(entry.changes["cash_refund"]["new"]) == 200
    [debt_entry] = shop.scalars(
        select(AuditLog).where(AuditLog.entity_type == "debt", AuditLog.action == "UPDATE")
    )
    assert Decimal(debt_entry.changes["remaining_amount"]["new"]) == 0
    assert debt_entry.changes["return"]["new"]["sale_id"] == sale["id"]
    assert ret["status"] == "APPROVED"
