from __future__ import annotations

import uuid
from datetime import date, timedelta

from tests.factories import assert_error

TODAY = date(2026, 3, 10)  # conftest's T0, in Tashkent


def _new(client, headers, **body):
    payload = {
        "customer_name": "Aziz Rahimov",
        "customer_phone": "90 123 45 67",
        "total_amount": 1500000,
        "payment_deadline": (TODAY + timedelta(days=30)).isoformat(),
        **body,
    }
    return client.post("/api/debts", json=payload, headers=headers)


def _count(client, headers, path="/api/customers"):
    return client.get(path, headers=headers).json()["meta"]["total"]


def test_a_seller_opens_a_debt_for_a_new_customer(client, shop):
    response = _new(client, shop.as_a, note="Qizil gilam 3x4", total_amount=1500000.5)
    assert response.status_code == 201, response.text
    debt = response.json()["data"]
    assert debt["branch_id"] == str(shop.branch_a.id)
    assert debt["seller_id"] == debt["created_by_id"] == str(shop.seller_a.id)
    assert debt["customer_name"] == "Aziz Rahimov"
    assert debt["customer_phone"] == "+998901234567"
    assert debt["total_amount"] == debt["remaining_amount"] == 1500000.5
    assert debt["paid_amount"] == 0 and debt["returned_amount"] == 0
    assert debt["status"] == "pending" and debt["days_overdue"] == 0
    assert debt["note"] == "Qizil gilam 3x4" and debt["sale_id"] is None
    # The customer was registered, and a second debt by phone finds them again.
    again = _new(client, shop.as_b, customer_name="Aziz aka", customer_phone="+998901234567")
    assert again.json()["data"]["customer_id"] == debt["customer_id"]
    assert again.json()["data"]["customer_name"] == "Aziz Rahimov"
    assert _count(client, shop.as_a) == 1


def test_a_debt_by_customer_id(client, shop, factory):
    customer = factory.customer()
    response = _new(
        client,
        shop.as_admin,
        customer_name=None,
        customer_phone=None,
        customer_id=str(customer.id),
        branch_id=str(shop.branch_b.id),
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["customer_id"] == str(customer.id)
    assert response.json()["data"]["branch_id"] == str(shop.branch_b.id)
    assert response.json()["data"]["seller_id"] == str(shop.admin.id)


def test_the_deadline_must_be_after_today_in_shop_time(client, shop, clock):
    for deadline in (TODAY, TODAY - timedelta(days=1)):
        body = assert_error(
            _new(client, shop.as_a, payment_deadline=deadline.isoformat()),
            422,
            "VALIDATION_ERROR",
        )
        assert body["error"]["details"]["fields"][0]["field"] == "payment_deadline"
    # 00:30 on the 11th in Tashkent, while UTC is still on the 10th.
    clock.current = clock.current.replace(hour=19, minute=30)
    assert_error(
        _new(client, shop.as_a, payment_deadline=(TODAY + timedelta(days=1)).isoformat()),
        422,
        "VALIDATION_ERROR",
    )
    assert _new(client, shop.as_a, payment_deadline="2026-03-12").status_code == 201


def test_nothing_is_written_when_a_debt_is_refused(client, shop):
    # The customer would have been new: a refused debt must not leave them behind.
    assert_error(
        _new(client, shop.as_a, payment_deadline=TODAY.isoformat()), 422, "VALIDATION_ERROR"
    )
    assert_error(_new(client, shop.as_a, branch_id=str(shop.branch_b.id)), 403, "FORBIDDEN")
    assert_error(_new(client, shop.as_admin), 422, "VALIDATION_ERROR")  # no branch
    assert_error(_new(client, shop.as_admin, branch_id=str(uuid.uuid4())), 422, "VALIDATION_ERROR")
    assert _count(client, shop.as_admin) == 0
    assert _count(client, shop.as_admin, "/api/debts") == 0
    audit = client.get("/api/audit-logs", params={"entity_type": "customer"}, headers=shop.as_admin)
    assert audit.json()["meta"]["total"] == 0


def test_body_validation(client, shop, factory):
    customer = factory.customer()

    def fields(response):
        body = assert_error(response, 422, "VALIDATION_ERROR")
        return [f["field"] for f in body["error"]["details"]["fields"]]

    assert fields(_new(client, shop.as_a, total_amount=0)) == ["total_amount"]
    assert fields(_new(client, shop.as_a, total_amount=-5)) == ["total_amount"]
    assert fields(_new(client, shop.as_a, total_amount=10.005)) == ["total_amount"]
    assert fields(_new(client, shop.as_a, total_amount="1e400")) == ["total_amount"]
    assert fields(_new(client, shop.as_a, customer_phone="12")) == ["customer_phone"]
    assert fields(_new(client, shop.as_a, customer_phone=None)) == ["customer_phone"]
    assert fields(_new(client, shop.as_a, customer_name=None)) == ["customer_name"]
    assert fields(_new(client, shop.as_a, customer_id=str(customer.id))) == ["customer_id"]
    assert fields(
        _new(
            client,
            shop.as_a,
            customer_name=None,
            customer_phone=None,
            customer_id=str(uuid.uuid4()),
        )
    ) == ["customer_id"]
    assert fields(_new(client, shop.as_a, status="paid")) == ["status"]
    assert fields(_new(client, shop.as_a, remaining_amount=1)) == ["remaining_amount"]
    assert fields(_new(client, shop.as_a, payment_deadline="tomorrow")) == ["payment_deadline"]
    assert fields(_new(client, shop.as_a, sale_id=str(uuid.uuid4()))) == ["sale_id"]
    bad_json = client.post(
        "/api/debts", content=b"{", headers={**shop.as_a, "Content-Type": "application/json"}
    )
    assert_error(bad_json, 400, "BAD_REQUEST")


def test_branch_isolation_both_ways(client, shop, factory):
    mine = factory.debt(branch=shop.branch_a)
    theirs = factory.debt(branch=shop.branch_b)
    ok = client.get(f"/api/debts/{mine.id}", headers=shop.as_a)
    assert ok.status_code == 200
    for method, suffix, body in (
        ("GET", "", None),
        ("PUT", "", {"note": "x"}),
        ("GET", "/payments", None),
        ("POST", "/payments", {"amount": 10}),
    ):
        response = client.request(
            method, f"/api/debts/{theirs.id}{suffix}", json=body, headers=shop.as_a
        )
        assert_error(response, 403, "FORBIDDEN")
    listed = client.get("/api/debts", headers=shop.as_a).json()
    assert [d["id"] for d in listed["data"]] == [str(mine.id)]
    assert_error(
        client.get("/api/debts", params={"branch_id": str(shop.branch_b.id)}, headers=shop.as_a),
        403,
        "FORBIDDEN",
    )
    assert_error(
        client.get(
            "/api/debts/summary", params={"branch_id": str(shop.branch_b.id)}, headers=shop.as_a
        ),
        403,
        "FORBIDDEN",
    )
    # The director sees both, and may filter.
    assert client.get("/api/debts", headers=shop.as_admin).json()["meta"]["total"] == 2
    only_b = client.get(
        "/api/debts", params={"branch_id": str(shop.branch_b.id)}, headers=shop.as_admin
    ).json()["data"]
    assert [d["id"] for d in only_b] == [str(theirs.id)]
    assert client.get(f"/api/debts/{theirs.id}", headers=shop.as_admin).status_code == 200
    # Nothing changed by the refused calls.
    assert client.get(f"/api/debts/{theirs.id}", headers=shop.as_b).json()["data"]["note"] is None


def test_unknown_debt_and_no_token(client, shop):
    missing = uuid.uuid4()
    assert_error(client.get(f"/api/debts/{missing}", headers=shop.as_a), 404, "NOT_FOUND")
    assert_error(
        client.post(f"/api/debts/{missing}/payments", json={"amount": 1}, headers=shop.as_a),
        404,
        "NOT_FOUND",
    )
    assert_error(client.get(f"/api/debts/{missing}/payments", headers=shop.as_a), 404, "NOT_FOUND")
    assert_error(client.put(f"/api/debts/{missing}", json={}, headers=shop.as_a), 404, "NOT_FOUND")
    for path in ("/api/debts", "/api/debts/summary", f"/api/debts/{missing}"):
        assert_error(client.get(path), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/debts", json={}), 401, "UNAUTHORIZED")
    assert_error(
        client.delete(f"/api/debts/{missing}", headers=shop.as_admin), 405, "METHOD_NOT_ALLOWED"
    )


def test_list_filters_and_order(client, shop, factory):
    aziz = factory.customer("Aziz Rahimov", "+998901234567")
    dilnoza = factory.customer("Dilnoza Karimova", "+998935550011")
    late = factory.debt(branch=shop.branch_a, customer=aziz, total=400, deadline=-3)
    soon = factory.debt(branch=shop.branch_a, customer=dilnoza, total=500, deadline=2)
    later = factory.debt(branch=shop.branch_b, customer=aziz, total=600, deadline=20)
    paid = factory.debt(branch=shop.branch_b, customer=dilnoza, total=700, deadline=10)
    factory.payment(paid, 700)

    def ids(**params):
        response = client.get("/api/debts", params=params, headers=shop.as_admin)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["data"]]

    assert ids() == [str(d.id) for d in (late, soon, paid, later)]  # by deadline
    assert ids(status="overdue") == [str(late.id)]
    assert ids(overdue=True) == [str(late.id)]
    assert ids(overdue=False) == [str(d.id) for d in (soon, paid, later)]
    assert ids(status="pending") == [str(soon.id), str(later.id)]
    assert ids(status="paid") == [str(paid.id)]
    assert ids(customer_id=str(aziz.id)) == [str(late.id), str(later.id)]
    assert ids(q="dilnoza") == [str(soon.id), str(paid.id)]
    assert ids(q="90 123 45") == [str(late.id), str(later.id)]
    assert ids(deadline_from="2026-03-12", deadline_to="2026-03-20") == [
        str(soon.id),
        str(paid.id),
    ]
    assert ids(status="overdue", branch_id=str(shop.branch_b.id)) == []
    page = client.get("/api/debts", params={"page_size": 2, "page": 2}, headers=shop.as_admin)
    assert page.json()["meta"] == {"page": 2, "page_size": 2, "total": 4}
    assert [d["id"] for d in page.json()["data"]] == [str(paid.id), str(later.id)]
    assert_error(
        client.get("/api/debts", params={"status": "late"}, headers=shop.as_admin),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.get("/api/debts", params={"page_size": 201}, headers=shop.as_admin),
        422,
        "VALIDATION_ERROR",
    )
    only_a = client.get("/api/debts", params={"status": "overdue"}, headers=shop.as_a).json()
    assert only_a["meta"]["total"] == 1
