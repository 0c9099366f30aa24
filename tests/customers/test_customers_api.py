from __future__ import annotations

import uuid

from tests.factories import assert_error


def _create(client, headers, name="Aziz Rahimov", phone="90 123 45 67", **extra):
    return client.post(
        "/api/customers", json={"name": name, "phone": phone, **extra}, headers=headers
    )


def _audit(client, shop, entity_id):
    response = client.get(
        "/api/audit-logs", params={"entity_id": str(entity_id)}, headers=shop.as_admin
    )
    assert response.status_code == 200
    return response.json()["data"]


def test_a_seller_registers_a_customer_with_a_normalised_phone(client, shop):
    response = _create(client, shop.as_a, phone="+998 (90) 123-45-67", note="Regular")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True and body["message"] == "Customer created"
    customer = body["data"]
    assert customer["phone"] == "+998901234567"
    assert customer["registered_branch_id"] == str(shop.branch_a.id)
    assert customer["created_by_id"] == str(shop.seller_a.id)
    assert customer["note"] == "Regular"
    [entry] = _audit(client, shop, customer["id"])
    assert entry["action"] == "CREATE"
    assert entry["changes"]["phone"]["new"] == "+998901234567"


def test_a_bad_phone_is_a_validation_error_on_the_field(client, shop):
    body = assert_error(_create(client, shop.as_a, phone="12345"), 422, "VALIDATION_ERROR")
    assert [f["field"] for f in body["error"]["details"]["fields"]] == ["phone"]
    assert_error(_create(client, shop.as_a, phone="+7 901 234 56 78"), 422, "VALIDATION_ERROR")
    assert_error(_create(client, shop.as_a, name=""), 422, "VALIDATION_ERROR")
    assert_error(
        client.post(
            "/api/customers",
            json={"name": "X", "phone": "901234567", "branch_id": str(uuid.uuid4())},
            headers=shop.as_a,
        ),
        422,
        "VALIDATION_ERROR",
    )


def test_the_same_number_in_another_spelling_is_a_conflict(client, shop):
    first = _create(client, shop.as_a, phone="998901234567").json()["data"]
    body = assert_error(_create(client, shop.as_b, phone="90-123-45-67"), 409, "CONFLICT")
    assert body["error"]["details"] == {
        "field": "phone",
        "customer_id": first["id"],
        "customer": {"id": first["id"], "name": first["name"], "phone": "+998901234567"},
    }


def test_the_registry_is_shop_wide_and_searchable(client, shop):
    aziz = _create(client, shop.as_a, name="Aziz Rahimov", phone="901234567").json()["data"]
    _create(client, shop.as_b, name="Dilnoza Karimova", phone="935550011")
    _create(client, shop.as_admin, name="Azamat 100% Aka_", phone="977770000")

    everyone = client.get("/api/customers", headers=shop.as_b).json()
    assert everyone["meta"]["total"] == 3
    assert [c["name"] for c in everyone["data"]] == sorted(c["name"] for c in everyone["data"])

    def names(q, headers=shop.as_b):
        response = client.get("/api/customers", params={"q": q}, headers=headers)
        assert response.status_code == 200
        return [c["name"] for c in response.json()["data"]]

    assert names("aziz") == ["Aziz Rahimov"]
    assert names("AZ") == ["Azamat 100% Aka_", "Aziz Rahimov"]
    assert names("90 123") == ["Aziz Rahimov"]
    assert names("+998 93") == ["Dilnoza Karimova"]
    assert names("100%") == ["Azamat 100% Aka_"]  # wildcards are literal
    assert names("_") == ["Azamat 100% Aka_"]
    assert names("nobody") == []
    page = client.get("/api/customers", params={"page_size": 1, "page": 2}, headers=shop.as_a)
    assert page.json()["meta"] == {"page": 2, "page_size": 1, "total": 3}
    assert client.get(f"/api/customers/{aziz['id']}", headers=shop.as_b).status_code == 200


def test_update_corrects_name_phone_and_note_and_is_audited(client, shop):
    customer = _create(client, shop.as_a).json()["data"]
    other = _create(client, shop.as_a, name="Other", phone="911111111").json()["data"]
    url = f"/api/customers/{customer['id']}"
    response = client.put(url, json={"phone": "99 888 77 66", "note": "new SIM"}, headers=shop.as_b)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["phone"] == "+998998887766"
    assert response.json()["data"]["name"] == "Aziz Rahimov"
    assert_error(
        client.put(url, json={"phone": other["phone"]}, headers=shop.as_a), 409, "CONFLICT"
    )
    assert_error(client.put(url, json={"phone": "1"}, headers=shop.as_a), 422, "VALIDATION_ERROR")
    assert_error(client.put(url, json={"role": "x"}, headers=shop.as_a), 422, "VALIDATION_ERROR")
    cleared = client.put(url, json={"note": None}, headers=shop.as_a).json()["data"]
    assert cleared["note"] is None
    actions = [(e["action"], sorted(e["changes"])) for e in _audit(client, shop, customer["id"])]
    assert ("UPDATE", ["note", "phone"]) in actions
    assert ("UPDATE", ["note"]) in actions
    # Nothing changed: no entry.
    client.put(url, json={"name": "Aziz Rahimov"}, headers=shop.as_a)
    assert len(_audit(client, shop, customer["id"])) == 3


def test_only_the_director_deletes_and_restores(client, shop):
    customer = _create(client, shop.as_a).json()["data"]
    url = f"/api/customers/{customer['id']}"
    assert_error(client.delete(url, headers=shop.as_a), 403, "FORBIDDEN")
    assert client.get(url, headers=shop.as_a).status_code == 200

    assert client.delete(url, headers=shop.as_admin).json()["message"] == "Customer deleted"
    assert_error(client.get(url, headers=shop.as_a), 404, "NOT_FOUND")
    assert_error(client.get(url, headers=shop.as_admin), 404, "NOT_FOUND")
    assert_error(client.put(url, json={"note": "x"}, headers=shop.as_a), 404, "NOT_FOUND")
    assert_error(client.delete(url, headers=shop.as_admin), 404, "NOT_FOUND")
    assert client.get("/api/customers", headers=shop.as_a).json()["meta"]["total"] == 0
    assert_error(
        client.get("/api/customers", params={"include_deleted": True}, headers=shop.as_a),
        403,
        "FORBIDDEN",
    )
    listed = client.get("/api/customers", params={"include_deleted": True}, headers=shop.as_admin)
    assert listed.json()["data"][0]["deleted_at"] is not None

    assert_error(client.post(f"{url}/restore", headers=shop.as_a), 403, "FORBIDDEN")
    restored = client.post(f"{url}/restore", headers=shop.as_admin)
    assert restored.status_code == 200 and restored.json()["data"]["deleted_at"] is None
    assert_error(client.post(f"{url}/restore", headers=shop.as_admin), 409, "CONFLICT")
    actions = [e["action"] for e in _audit(client, shop, customer["id"])]
    assert sorted(actions) == ["CREATE", "DELETE", "UPDATE"]


def test_a_deleted_customer_frees_the_number_and_restore_then_conflicts(client, shop):
    old = _create(client, shop.as_a).json()["data"]
    client.delete(f"/api/customers/{old['id']}", headers=shop.as_admin)
    new = _create(client, shop.as_a, name="New owner")
    assert new.status_code == 201
    body = assert_error(
        client.post(f"/api/customers/{old['id']}/restore", headers=shop.as_admin), 409, "CONFLICT"
    )
    assert body["error"]["details"]["customer_id"] == new.json()["data"]["id"]


def test_a_customer_who_owes_cannot_be_deleted(client, shop, factory):
    customer = factory.customer()
    debt = factory.debt(branch=shop.branch_a, customer=customer, total=300)
    url = f"/api/customers/{customer.id}"
    assert_error(client.delete(url, headers=shop.as_admin), 409, "CONFLICT")
    factory.payment(debt, 300)
    assert client.delete(url, headers=shop.as_admin).status_code == 200
    # The paid debt still reads with the customer's name.
    read = client.get(f"/api/debts/{debt.id}", headers=shop.as_a).json()["data"]
    assert read["customer_name"] == customer.name


def test_unknown_and_malformed_ids(client, shop):
    assert_error(client.get(f"/api/customers/{uuid.uuid4()}", headers=shop.as_a), 404, "NOT_FOUND")
    assert_error(client.get("/api/customers/not-a-uuid", headers=shop.as_a), 404, "NOT_FOUND")
    assert_error(client.get("/api/customers"), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/customers", json={}), 401, "UNAUTHORIZED")


def test_the_profile_shows_only_the_callers_branch(client, shop, factory):
    customer = factory.customer(phone="+998901112233")
    debt_a = factory.debt(branch=shop.branch_a, customer=customer, total=500, deadline=5)
    debt_b = factory.debt(branch=shop.branch_b, customer=customer, total=800, deadline=-2)
    factory.payment(debt_a, 200)
    url = f"/api/customers/{customer.id}"

    as_a = client.get(url, headers=shop.as_a).json()["data"]
    assert [d["id"] for d in as_a["debts"]] == [str(debt_a.id)]
    assert as_a["totals"] == {"outstanding_amount": 300, "overdue_amount": 0, "open_debts_count": 1}

    as_b = client.get(url, headers=shop.as_b).json()["data"]
    assert [d["id"] for d in as_b["debts"]] == [str(debt_b.id)]
    assert as_b["debts"][0]["status"] == "overdue"
    assert as_b["totals"]["overdue_amount"] == 800

    as_admin = client.get(url, headers=shop.as_admin).json()["data"]
    assert [d["id"] for d in as_admin["debts"]] == [str(debt_b.id), str(debt_a.id)]
    assert as_admin["totals"] == {
        "outstanding_amount": 1100,
        "overdue_amount": 800,
        "open_debts_count": 2,
    }
    assert as_admin["purchases"] == [] and as_admin["purchases_count"] == 0
