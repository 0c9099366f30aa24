from __future__ import annotations

from datetime import timedelta

from tests.factories import assert_error


def _pay(client, debt, headers, amount, key=None, **extra):
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(
        f"/api/debts/{debt.id}/payments", json={"amount": amount, **extra}, headers=headers
    )


def _read(client, debt, headers):
    return client.get(f"/api/debts/{debt.id}", headers=headers).json()["data"]


def test_partial_payments_until_paid(client, shop, factory, clock):
    debt = factory.debt(branch=shop.branch_a, total="1000.50")
    first = _pay(client, debt, shop.as_a, 400.25, payment_type="card", note="first")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["message"] == "Payment recorded"
    payment, after = body["data"]["payment"], body["data"]["debt"]
    assert payment["amount"] == 400.25 and payment["payment_type"] == "card"
    assert payment["recorded_by"] == str(shop.seller_a.id)
    assert payment["note"] == "first" and payment["debt_id"] == str(debt.id)
    assert after["remaining_amount"] == 600.25 and after["paid_amount"] == 400.25
    assert after["status"] == "pending"

    clock.advance(timedelta(hours=1))
    last = _pay(client, debt, shop.as_admin, "600.25")
    assert last.status_code == 201
    assert last.json()["data"]["payment"]["payment_type"] == "cash"  # the default
    final = _read(client, debt, shop.as_a)
    assert final["remaining_amount"] == 0 and final["paid_amount"] == 1000.5
    assert final["status"] == "paid"

    history = client.get(f"/api/debts/{debt.id}/payments", headers=shop.as_a).json()
    assert history["meta"]["total"] == 2
    assert [p["amount"] for p in history["data"]] == [600.25, 400.25]  # newest first
    assert history["data"][0]["recorded_by"] == str(shop.admin.id)


def test_a_payment_above_what_remains_is_refused(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, total=1000)
    factory.payment(debt, 700)
    body = assert_error(_pay(client, debt, shop.as_a, 300.01), 422, "PAYMENT_EXCEEDS_REMAINING")
    assert body["error"]["details"]["remaining_amount"] == "300.00"
    after = _read(client, debt, shop.as_a)
    assert after["remaining_amount"] == 300 and after["status"] == "pending"
    assert _pay(client, debt, shop.as_a, 300).status_code == 201
    # Nothing remains: even the smallest payment is refused.
    assert_error(_pay(client, debt, shop.as_a, 0.01), 422, "PAYMENT_EXCEEDS_REMAINING")
    history = client.get(f"/api/debts/{debt.id}/payments", headers=shop.as_a).json()
    assert history["meta"]["total"] == 2
    audit = client.get(
        "/api/audit-logs", params={"entity_type": "debt_payment"}, headers=shop.as_admin
    ).json()
    assert audit["meta"]["total"] == 2  # refused payments leave no trace


def test_invalid_payments(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, total=1000)
    for amount in (0, -1, 1.001, "abc", None):
        assert_error(_pay(client, debt, shop.as_a, amount), 422, "VALIDATION_ERROR")
    assert_error(_pay(client, debt, shop.as_a, 10, payment_type="debt"), 422, "VALIDATION_ERROR")
    assert_error(_pay(client, debt, shop.as_a, 10, recorded_by="x"), 422, "VALIDATION_ERROR")
    assert _read(client, debt, shop.as_a)["remaining_amount"] == 1000


def test_a_payment_is_audited_with_the_remaining_before_and_after(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, total=1000)
    payment = _pay(client, debt, shop.as_a, 250).json()["data"]["payment"]
    entries = client.get(
        "/api/audit-logs", params={"entity_id": payment["id"]}, headers=shop.as_admin
    ).json()["data"]
    [entry] = entries
    assert entry["action"] == "CREATE" and entry["entity_type"] == "debt_payment"
    assert entry["user_id"] == str(shop.seller_a.id)
    assert entry["changes"]["remaining_amount"] == {"old": "1000.00", "new": "750.00"}
    assert entry["changes"]["debt_id"]["new"] == str(debt.id)


def test_paying_an_overdue_debt_keeps_it_overdue_until_paid(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, total=500, deadline=-1)
    after = _pay(client, debt, shop.as_a, 100).json()["data"]["debt"]
    assert after["status"] == "overdue" and after["days_overdue"] == 1
    after = _pay(client, debt, shop.as_a, 400).json()["data"]["debt"]
    assert after["status"] == "paid" and after["days_overdue"] == 0


def test_a_retry_with_the_same_idempotency_key_pays_once(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, total=1000)
    first = _pay(client, debt, shop.as_a, 300, key="retry-1")
    again = _pay(client, debt, shop.as_a, 300, key="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["message"] == "Payment already recorded"
    assert again.json()["data"]["payment"]["id"] == first.json()["data"]["payment"]["id"]
    assert _read(client, debt, shop.as_a)["remaining_amount"] == 700
    assert_error(_pay(client, debt, shop.as_a, 350, key="retry-1"), 409, "CONFLICT")
    # A new key is a new payment; a key is per debt.
    assert _pay(client, debt, shop.as_a, 100, key="retry-2").status_code == 201
    other = factory.debt(branch=shop.branch_a, total=1000)
    assert _pay(client, other, shop.as_a, 300, key="retry-1").status_code == 201
    assert _read(client, debt, shop.as_a)["remaining_amount"] == 600
    assert_error(_pay(client, debt, shop.as_a, 1, key="k" * 101), 422, "VALIDATION_ERROR")


def test_payment_history_is_paginated_and_scoped(client, shop, factory, clock):
    debt = factory.debt(branch=shop.branch_a, total=1000)
    for _ in range(3):
        factory.payment(debt, 10)
        clock.advance(timedelta(minutes=1))
    page = client.get(
        f"/api/debts/{debt.id}/payments", params={"page_size": 2}, headers=shop.as_admin
    ).json()
    assert page["meta"] == {"page": 1, "page_size": 2, "total": 3}
    assert len(page["data"]) == 2
    assert_error(client.get(f"/api/debts/{debt.id}/payments", headers=shop.as_b), 403, "FORBIDDEN")
