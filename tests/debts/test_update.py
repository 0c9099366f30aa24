from __future__ import annotations

import uuid
from datetime import date, timedelta

from tests.factories import assert_error

TODAY = date(2026, 3, 10)


def _put(client, debt, headers, **body):
    return client.put(f"/api/debts/{debt.id}", json=body, headers=headers)


def _updates(client, shop, entity_id):
    response = client.get(
        "/api/audit-logs",
        params={"entity_id": str(entity_id), "action": "UPDATE"},
        headers=shop.as_admin,
    )
    return response.json()["data"]


def test_reschedule_moves_the_deadline_and_is_audited(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, deadline=-4)  # overdue
    assert client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]["status"] == (
        "overdue"
    )
    new_deadline = (TODAY + timedelta(days=14)).isoformat()
    response = _put(client, debt, shop.as_a, payment_deadline=new_deadline)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["payment_deadline"] == new_deadline
    assert data["status"] == "pending" and data["days_overdue"] == 0
    [entry] = _updates(client, shop, debt.id)
    assert entry["action"] == "UPDATE"
    assert entry["user_id"] == str(shop.seller_a.id)
    assert entry["changes"]["payment_deadline"] == {
        "old": (TODAY - timedelta(days=4)).isoformat(),
        "new": new_deadline,
    }
    assert entry["changes"]["rescheduled"]["new"] is True


def test_a_reschedule_must_be_in_the_future(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, deadline=5)
    for day in (TODAY, TODAY - timedelta(days=1)):
        body = assert_error(
            _put(client, debt, shop.as_a, payment_deadline=day.isoformat()),
            422,
            "VALIDATION_ERROR",
        )
        assert body["error"]["details"]["fields"][0]["field"] == "payment_deadline"
    # Sending the current (even past) deadline back with other edits is not a reschedule.
    overdue = factory.debt(branch=shop.branch_a, deadline=-2)
    same = (TODAY - timedelta(days=2)).isoformat()
    response = _put(client, overdue, shop.as_a, payment_deadline=same, note="called him")
    assert response.status_code == 200
    assert response.json()["data"]["note"] == "called him"
    [entry] = _updates(client, shop, overdue.id)
    assert "payment_deadline" not in entry["changes"]


def test_the_total_changes_only_while_nothing_is_paid(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, total=1000)
    response = _put(client, debt, shop.as_a, total_amount=1200.5)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["total_amount"] == data["remaining_amount"] == 1200.5
    factory.payment(debt, 200)
    body = assert_error(_put(client, debt, shop.as_a, total_amount=900), 422, "VALIDATION_ERROR")
    assert body["error"]["details"]["fields"][0]["field"] == "total_amount"
    after = client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]
    assert (after["total_amount"], after["paid_amount"], after["remaining_amount"]) == (
        1200.5,
        200,
        1000.5,
    )
    # The same total again is no change, so it is not refused.
    assert _put(client, debt, shop.as_a, total_amount=1200.5).status_code == 200
    assert_error(_put(client, debt, shop.as_a, total_amount=0), 422, "VALIDATION_ERROR")


def test_status_and_amounts_cannot_be_written(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a)
    for field, value in (("status", "paid"), ("remaining_amount", 0), ("branch_id", None)):
        assert_error(_put(client, debt, shop.as_a, **{field: value}), 422, "VALIDATION_ERROR")
    assert client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]["status"] == (
        "pending"
    )


def test_customer_details_correct_the_registry(client, shop, factory):
    customer = factory.customer("Aziz", "+998901234567")
    debt = factory.debt(branch=shop.branch_a, customer=customer)
    other_debt = factory.debt(branch=shop.branch_b, customer=customer)
    response = _put(
        client, debt, shop.as_a, customer_name="Aziz Rahimov", customer_phone="93 000 00 01"
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["customer_phone"] == "+998930000001"
    # Every debt of that person shows the corrected details.
    other = client.get(f"/api/debts/{other_debt.id}", headers=shop.as_b).json()["data"]
    assert (other["customer_name"], other["customer_phone"]) == ("Aziz Rahimov", "+998930000001")
    taken = factory.customer("Someone", "+998935550011")
    assert_error(
        _put(client, debt, shop.as_a, customer_phone=taken.phone, note="x"), 409, "CONFLICT"
    )
    assert client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]["note"] is None


def test_moving_a_debt_to_another_customer(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a)
    other = factory.customer("Bobur", "+998977770000")
    response = _put(client, debt, shop.as_a, customer_id=str(other.id))
    assert response.status_code == 200
    assert response.json()["data"]["customer_name"] == "Bobur"
    [entry] = _updates(client, shop, debt.id)
    assert entry["changes"]["customer_id"]["new"] == str(other.id)
    assert_error(
        _put(client, debt, shop.as_a, customer_id=str(uuid.uuid4())), 422, "VALIDATION_ERROR"
    )


def test_a_paid_debt_is_not_rescheduled(client, shop, factory):
    debt = factory.debt(branch=shop.branch_a, total=100)
    factory.payment(debt, 100)
    assert_error(
        _put(client, debt, shop.as_a, payment_deadline=(TODAY + timedelta(days=40)).isoformat()),
        422,
        "VALIDATION_ERROR",
    )
    assert _put(client, debt, shop.as_a, note="closed").status_code == 200
