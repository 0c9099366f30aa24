"""The hooks the integrator wires: credit sales, returns, dashboard, search, find_or_create."""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from carpet_shop.core.actor import Actor
from carpet_shop.core.errors import Conflict, Forbidden, ValidationFailed
from carpet_shop.core.repository import ALL_BRANCHES, BranchScope
from carpet_shop.customers import service as customers_service
from carpet_shop.debts import service as debts_service
from carpet_shop.debts.schemas import PaymentCreate
from carpet_shop.sales.models import Sale
from tests.factories import META, SHOP_TZ, assert_error

_receipts = itertools.count(1)


def _sale(db, clock, branch, seller, amount, phone=None):
    """A bare sale row: the sales service (issue 4) is not on this branch yet."""
    with db.transaction() as session:
        sale = Sale(
            receipt_number=f"T-{next(_receipts):06d}-{uuid.uuid4().hex[:6]}",
            branch_id=branch.id,
            seller_id=seller.id,
            customer_phone=phone,
            date=clock.now(),
            created_at=clock.now(),
            amount=Decimal(amount),
            profit=Decimal(0),
            director_profit=Decimal(0),
            cost=Decimal(0),
        )
        session.add(sale)
        session.flush()
        return sale


def _credit_sale(db, clock, shop, amount, debt_part, days=30):
    sale = _sale(db, clock, shop.branch_a, shop.seller_a, amount)
    actor = Actor(user=shop.seller_a, meta=META)
    with db.transaction() as session:
        customer = customers_service.find_or_create(
            session, actor, clock, "Aziz Rahimov", "90 123 45 67"
        )
        debt = debts_service.create_for_sale(
            session,
            actor,
            clock,
            session.get(Sale, sale.id),
            customer,
            Decimal(debt_part),
            clock.now().astimezone(SHOP_TZ).date() + timedelta(days=days),
            tz=SHOP_TZ,
        )
    return sale, debt


def test_a_credit_sale_opens_its_debt(client, shop, db, clock):
    sale, debt = _credit_sale(db, clock, shop, 1000, 600)
    data = client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]
    assert data["sale_id"] == str(sale.id)
    assert data["seller_id"] == str(shop.seller_a.id)
    assert data["total_amount"] == data["remaining_amount"] == 600
    assert data["customer_phone"] == "+998901234567"
    # The customer's profile lists the sale as a purchase, through the debt.
    profile = client.get(f"/api/customers/{debt.customer_id}", headers=shop.as_a).json()["data"]
    assert [p["id"] for p in profile["purchases"]] == [str(sale.id)]
    assert profile["purchases"][0]["amount"] == 1000
    assert "cost" not in profile["purchases"][0]
    assert (
        client.get(f"/api/customers/{debt.customer_id}", headers=shop.as_b).json()["data"][
            "purchases"
        ]
        == []
    )
    # A sale's debt total is not edited by hand.
    assert_error(
        client.put(f"/api/debts/{debt.id}", json={"total_amount": 500}, headers=shop.as_a),
        422,
        "VALIDATION_ERROR",
    )


def test_create_for_sale_refuses_bad_input(shop, db, clock):
    sale = _sale(db, clock, shop.branch_a, shop.seller_a, 1000)
    actor = Actor(user=shop.seller_a, meta=META)
    today = clock.now().astimezone(SHOP_TZ).date()
    with db.transaction() as session:
        customer = customers_service.find_or_create(session, actor, clock, "A", "901234567")
    cases = [
        (actor, Decimal(500), today, ValidationFailed),  # deadline not in the future
        (actor, Decimal(1001), today + timedelta(days=3), ValidationFailed),
        (actor, Decimal(0), today + timedelta(days=3), ValidationFailed),
        (Actor(user=shop.seller_b, meta=META), Decimal(5), today + timedelta(days=3), Forbidden),
    ]
    for who, amount, deadline, error in cases:
        with pytest.raises(error), db.transaction() as session:
            debts_service.create_for_sale(
                session,
                who,
                clock,
                session.get(Sale, sale.id),
                customer,
                amount,
                deadline,
                tz=SHOP_TZ,
            )
    with db.transaction() as session:
        debts_service.create_for_sale(
            session,
            actor,
            clock,
            session.get(Sale, sale.id),
            customer,
            Decimal(5),
            today + timedelta(days=3),
            tz=SHOP_TZ,
        )
    with pytest.raises(Conflict), db.transaction() as session:
        debts_service.create_for_sale(
            session,
            actor,
            clock,
            session.get(Sale, sale.id),
            customer,
            Decimal(5),
            today + timedelta(days=3),
            tz=SHOP_TZ,
        )


def test_a_manual_debt_for_a_sale(client, shop, db, clock):
    sale = _sale(db, clock, shop.branch_a, shop.seller_a, 1000, phone="+998901234567")
    body = {
        "customer_name": "Aziz",
        "customer_phone": "901234567",
        "total_amount": 400,
        "payment_deadline": "2026-04-01",
        "sale_id": str(sale.id),
    }
    assert_error(client.post("/api/debts", json=body, headers=shop.as_b), 403, "FORBIDDEN")
    too_much = client.post("/api/debts", json={**body, "total_amount": 1001}, headers=shop.as_a)
    assert_error(too_much, 422, "VALIDATION_ERROR")
    wrong_branch = client.post(
        "/api/debts", json={**body, "branch_id": str(shop.branch_b.id)}, headers=shop.as_admin
    )
    assert_error(wrong_branch, 422, "VALIDATION_ERROR")
    created = client.post("/api/debts", json=body, headers=shop.as_admin)  # branch from the sale
    assert created.status_code == 201, created.text
    assert created.json()["data"]["branch_id"] == str(shop.branch_a.id)
    assert created.json()["data"]["seller_id"] == str(shop.seller_a.id)
    assert_error(client.post("/api/debts", json=body, headers=shop.as_a), 409, "CONFLICT")
    # The sale is also a purchase by phone.
    profile = client.get(
        f"/api/customers/{created.json()['data']['customer_id']}", headers=shop.as_a
    ).json()["data"]
    assert profile["purchases_count"] == 1


def _settle(db, clock, shop, sale, refund):
    with db.transaction() as session:
        return debts_service.settle_return(
            session, Actor(user=shop.admin, meta=META), clock, sale.id, Decimal(refund), tz=SHOP_TZ
        )


def test_a_return_reduces_the_debt_first_then_refunds(client, shop, db, clock, factory):
    # Sale 1000: 400 paid at the till, 600 on credit.
    sale, debt = _credit_sale(db, clock, shop, 1000, 600)
    factory.payment(debt, 200)  # 400 still owed
    assert _settle(db, clock, shop, sale, 300) == (Decimal(300), Decimal(0))
    data = client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]
    assert (data["total_amount"], data["paid_amount"], data["returned_amount"]) == (600, 200, 300)
    assert data["remaining_amount"] == 100 and data["status"] == "pending"

    # Goods worth 250 more come back: 100 clears the debt, 150 is refunded in cash.
    assert _settle(db, clock, shop, sale, 250) == (Decimal(100), Decimal(150))
    data = client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]
    assert data["remaining_amount"] == 0 and data["status"] == "paid"
    assert data["returned_amount"] == 400 and data["paid_amount"] == 200
    # Paid off: a further return is all cash; a sale without a debt too.
    assert _settle(db, clock, shop, sale, 50) == (Decimal(0), Decimal(50))
    plain = _sale(db, clock, shop.branch_a, shop.seller_a, 300)
    assert _settle(db, clock, shop, plain, 300) == (Decimal(0), Decimal(300))
    entries = client.get(
        "/api/audit-logs",
        params={"entity_id": str(debt.id), "action": "UPDATE"},
        headers=shop.as_admin,
    ).json()["data"]
    assert len(entries) == 2 and all("return" in e["changes"] for e in entries)
    with pytest.raises(ValidationFailed):
        _settle(db, clock, shop, sale, -1)


def test_a_return_after_payments_exceed_the_new_value_refunds_the_excess(shop, db, clock):
    # Sale 1000: 400 cash + 600 credit, of which 500 already paid (100 owed). Goods worth 800
    # come back: the sale is now worth 200 but the customer has paid 900.
    sale, debt = _credit_sale(db, clock, shop, 1000, 600)
    with db.transaction() as session:
        debts_service.record_payment(
            session,
            Actor(user=shop.seller_a, meta=META),
            clock,
            debt.id,
            PaymentCreate(amount=Decimal(500)),
            tz=SHOP_TZ,
        )
    debt_reduced, cash = _settle(db, clock, shop, sale, 800)
    assert (debt_reduced, cash) == (Decimal(100), Decimal(700))
    assert 400 + 500 - cash == 200  # what the customer keeps paid equals the new value


def test_search_providers(shop, factory, db, clock):
    aziz = factory.customer("Aziz Rahimov", "+998901234567")
    factory.customer("Bobur", "+998935550011")
    mine = factory.debt(branch=shop.branch_a, customer=aziz, total=700)
    factory.debt(branch=shop.branch_b, customer=aziz, total=900)
    with db.transaction(write=False) as session:
        seller_scope = BranchScope(allowed_branch_id=shop.branch_a.id)
        [hit] = customers_service.search(session, seller_scope, "aziz", 10)
        assert (hit.type, hit.id, hit.title, hit.subtitle) == (
            "customer",
            aziz.id,
            "Aziz Rahimov",
            "+998901234567",
        )
        assert len(customers_service.search(session, ALL_BRANCHES, "+998 9", 1)) == 1
        assert customers_service.search(session, ALL_BRANCHES, "  ", 10) == []
        [debt_hit] = debts_service.search(
            session, seller_scope, "90 123", 10, clock=clock, tz=SHOP_TZ
        )
        assert debt_hit.id == mine.id and debt_hit.type == "debt"
        assert debt_hit.remaining_amount == 700 and debt_hit.status == "pending"

        def everywhere(q, limit):
            return debts_service.search(session, ALL_BRANCHES, q, limit, clock=clock, tz=SHOP_TZ)

        assert len(everywhere("aziz", 10)) == 2
        assert everywhere("nobody", 10) == []
        assert everywhere("aziz", 0) == []


def test_find_or_create_under_concurrency_makes_one_customer(shop, db, clock):
    actor = Actor(user=shop.seller_a, meta=META)
    found, errors = [], []
    start = threading.Barrier(6)

    def worker(spelling):
        try:
            start.wait(timeout=10)
            with db.transaction() as session:
                found.append(
                    customers_service.find_or_create(session, actor, clock, "Aziz", spelling).id
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    spellings = ["901234567", "998901234567", "+998 (90) 123-45-67"] * 2
    threads = [threading.Thread(target=worker, args=(s,)) for s in spellings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(found) == 6 and len(set(found)) == 1
    with db.transaction() as session, pytest.raises(ValidationFailed):
        customers_service.find_or_create(session, actor, clock, "Aziz", "12")
