"""Suppliers through HTTP: the director's registry (CRUD, search, soft delete, phones)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from carpet_shop.currency.models import Currency
from carpet_shop.goods_receipts.models import GoodsReceipt
from carpet_shop.payables.models import Payable, PayableStatus
from carpet_shop.purchase_orders.models import PurchaseOrder, PurchaseOrderStatus
from carpet_shop.suppliers.repository import SupplierRepository
from tests.factories import assert_error, assert_ok


def _create(client, headers, name="Samarqand Gilam", **extra):
    return client.post("/api/suppliers", json={"name": name, **extra}, headers=headers)


def _audit(client, shop, entity_id):
    response = client.get(
        "/api/audit-logs", params={"entity_id": str(entity_id)}, headers=shop.as_admin
    )
    return assert_ok(response)


def _names(client, shop, **params):
    response = client.get("/api/suppliers", params=params, headers=shop.as_admin)
    return [s["name"] for s in assert_ok(response)]


def test_the_director_creates_a_supplier_with_a_normalised_phone(client, shop):
    response = _create(
        client,
        shop.as_admin,
        name="  Istanbul Halı  ",
        phone="0090 (212) 555-01-02",
        country="Turkey",
        currency="USD",
        note="Pays in dollars",
    )
    supplier = assert_ok(response, 201)
    assert response.json()["message"] == "Supplier created"
    assert supplier["name"] == "Istanbul Halı"
    assert supplier["phone"] == "+902125550102"
    assert supplier["country"] == "Turkey"
    assert supplier["currency"] == "USD"
    assert supplier["note"] == "Pays in dollars"
    assert supplier["created_by_id"] == str(shop.admin.id)
    assert supplier["deleted_at"] is None
    [entry] = _audit(client, shop, supplier["id"])
    assert entry["action"] == "CREATE" and entry["entity_type"] == "supplier"
    assert entry["changes"]["phone"]["new"] == "+902125550102"
    read = assert_ok(client.get(f"/api/suppliers/{supplier['id']}", headers=shop.as_admin))
    assert read == supplier


def test_defaults_uzbek_phones_and_minimal_supplier(client, shop):
    minimal = assert_ok(_create(client, shop.as_admin, name="Andijon Tekstil"), 201)
    assert minimal["currency"] == "UZS"
    assert minimal["phone"] is None and minimal["country"] is None and minimal["note"] is None
    uzbek = assert_ok(_create(client, shop.as_admin, name="Buxoro", phone="90 123 45 67"), 201)
    assert uzbek["phone"] == "+998901234567"
    plus = assert_ok(_create(client, shop.as_admin, name="Xiva", phone="+998 (91) 1234567"), 201)
    assert plus["phone"] == "+998911234567"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "A", "phone": "12345"}, "phone"),
        ({"name": "A", "phone": "+998 90 123"}, "phone"),
        ({"name": "A", "phone": "+1 23"}, "phone"),
        ({"name": "A", "phone": "+0 212 555 0102"}, "phone"),
        ({"name": "A", "phone": "+90 abc"}, "phone"),
        ({"name": "A", "phone": "+1234567890123456"}, "phone"),
        ({"name": "A", "currency": "EUR"}, "currency"),
        ({"name": "A", "country": "x" * 61}, "country"),
        ({"name": "A", "note": "x" * 501}, "note"),
        ({"name": "A", "rating": 5}, "rating"),
    ],
)
def test_bad_fields_are_validation_errors_on_the_field(client, shop, body, field):
    error = assert_error(_create(client, shop.as_admin, **body), 422, "VALIDATION_ERROR")
    assert field in [f["field"] for f in error["error"]["details"]["fields"]]


def test_sellers_are_refused_everything(client, shop, factory):
    supplier = factory.supplier("Hidden")
    path = f"/api/suppliers/{supplier.id}"
    assert_error(_create(client, shop.as_a), 403, "FORBIDDEN")
    assert_error(client.get("/api/suppliers", headers=shop.as_a), 403, "FORBIDDEN")
    assert_error(client.get(path, headers=shop.as_b), 403, "FORBIDDEN")
    assert_error(client.put(path, json={"note": "x"}, headers=shop.as_a), 403, "FORBIDDEN")
    assert_error(client.delete(path, headers=shop.as_a), 403, "FORBIDDEN")
    assert_error(client.post(f"{path}/restore", headers=shop.as_a), 403, "FORBIDDEN")
    assert_error(client.get("/api/suppliers"), 401, "UNAUTHORIZED")


def test_the_same_phone_in_another_spelling_is_a_conflict(client, shop):
    first = assert_ok(_create(client, shop.as_admin, name="First", phone="+90 212 555 01 02"), 201)
    body = assert_error(
        _create(client, shop.as_admin, name="Second", phone="0090-212-555-0102"), 409, "CONFLICT"
    )
    assert body["error"]["details"] == {
        "field": "phone",
        "supplier_id": first["id"],
        "supplier": {"id": first["id"], "name": "First", "phone": "+902125550102"},
    }
    other = assert_ok(_create(client, shop.as_admin, name="Other", phone="901234567"), 201)
    conflict = client.put(
        f"/api/suppliers/{other['id']}", json={"phone": "+902125550102"}, headers=shop.as_admin
    )
    assert assert_error(conflict, 409, "CONFLICT")["error"]["details"]["supplier_id"] == first["id"]
    # A customer with the same number is another registry: no conflict.
    assert (
        client.post(
            "/api/customers", json={"name": "Aziz", "phone": "901234568"}, headers=shop.as_admin
        ).status_code
        == 201
    )
    assert _create(client, shop.as_admin, name="Third", phone="901234568").status_code == 201


def test_search_by_name_and_phone_with_filters_and_pages(client, shop, factory):
    factory.supplier("Oʻzbek Gilam", phone="+998901112233", country="Uzbekistan")
    factory.supplier("ISTANBUL HALI", phone="+902125550102", country="Turkey")
    factory.supplier("Tabriz Farsh", phone="+982112345678", country="Iran", currency=Currency.USD)
    factory.supplier("100% Wool_")

    assert _names(client, shop) == ["100% Wool_", "ISTANBUL HALI", "Oʻzbek Gilam", "Tabriz Farsh"]
    assert _names(client, shop, q="istanbul") == ["ISTANBUL HALI"]
    assert _names(client, shop, q="o'zbek") == ["Oʻzbek Gilam"]  # any apostrophe
    assert _names(client, shop, q="O‘ZBEK") == ["Oʻzbek Gilam"]
    assert _names(client, shop, q="212 555") == ["ISTANBUL HALI"]
    assert _names(client, shop, q="+98 21") == ["Tabriz Farsh"]
    assert _names(client, shop, q="90 111") == ["Oʻzbek Gilam"]
    assert _names(client, shop, q="100%") == ["100% Wool_"]  # wildcards are literal
    assert _names(client, shop, q="_") == ["100% Wool_"]
    assert _names(client, shop, q="nobody") == []
    assert _names(client, shop, country="turkey") == ["ISTANBUL HALI"]
    assert _names(client, shop, currency="USD") == ["Tabriz Farsh"]
    assert _names(client, shop, currency="USD", q="istanbul") == []
    page = client.get("/api/suppliers", params={"page": 2, "page_size": 3}, headers=shop.as_admin)
    body = page.json()
    assert body["meta"] == {"page": 2, "page_size": 3, "total": 4}
    assert [s["name"] for s in body["data"]] == ["Tabriz Farsh"]
    assert_error(
        client.get("/api/suppliers", params={"page_size": 201}, headers=shop.as_admin),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.get("/api/suppliers", params={"currency": "EUR"}, headers=shop.as_admin),
        422,
        "VALIDATION_ERROR",
    )


def test_update_changes_only_what_is_sent_and_is_audited(client, shop):
    supplier = assert_ok(
        _create(client, shop.as_admin, phone="901234567", country="Uzbekistan", note="n"), 201
    )
    path = f"/api/suppliers/{supplier['id']}"
    updated = assert_ok(
        client.put(
            path,
            json={"name": "Kashan Carpets", "currency": "USD", "note": None},
            headers=shop.as_admin,
        )
    )
    assert updated["name"] == "Kashan Carpets"
    assert updated["currency"] == "USD"
    assert updated["note"] is None
    assert updated["phone"] == "+998901234567" and updated["country"] == "Uzbekistan"
    assert _names(client, shop, q="kashan") == ["Kashan Carpets"]
    entries = _audit(client, shop, supplier["id"])
    update = next(e for e in entries if e["action"] == "UPDATE")
    assert update["changes"]["name"] == {"old": "Samarqand Gilam", "new": "Kashan Carpets"}
    assert update["changes"]["currency"] == {"old": "UZS", "new": "USD"}
    assert update["changes"]["note"] == {"old": "n", "new": None}
    assert "phone" not in update["changes"]
    cleared = assert_ok(client.put(path, json={"phone": None}, headers=shop.as_admin))
    assert cleared["phone"] is None
    for field in ("name", "currency"):
        error = assert_error(
            client.put(path, json={field: None}, headers=shop.as_admin), 422, "VALIDATION_ERROR"
        )
        assert [f["field"] for f in error["error"]["details"]["fields"]] == [field]
    assert_error(
        client.put(f"/api/suppliers/{uuid.uuid4()}", json={"note": "x"}, headers=shop.as_admin),
        404,
        "NOT_FOUND",
    )


def test_soft_delete_hides_frees_the_phone_and_restore_brings_it_back(client, shop):
    supplier = assert_ok(_create(client, shop.as_admin, name="Gone", phone="901234567"), 201)
    path = f"/api/suppliers/{supplier['id']}"
    deleted = client.delete(path, headers=shop.as_admin)
    assert assert_ok(deleted) is None and deleted.json()["message"] == "Supplier deleted"
    assert_error(client.get(path, headers=shop.as_admin), 404, "NOT_FOUND")
    assert_error(client.delete(path, headers=shop.as_admin), 404, "NOT_FOUND")
    assert _names(client, shop) == []
    listed = assert_ok(
        client.get("/api/suppliers", params={"include_deleted": True}, headers=shop.as_admin)
    )
    assert [s["name"] for s in listed] == ["Gone"] and listed[0]["deleted_at"] is not None

    restored = assert_ok(client.post(f"{path}/restore", headers=shop.as_admin))
    assert restored["deleted_at"] is None
    assert _names(client, shop) == ["Gone"]
    assert_error(client.post(f"{path}/restore", headers=shop.as_admin), 409, "CONFLICT")
    actions = [e["action"] for e in _audit(client, shop, supplier["id"])]
    assert sorted(actions) == ["CREATE", "DELETE", "UPDATE"]

    # Deleted again, its number is taken by a new supplier: restoring it is a conflict.
    assert_ok(client.delete(path, headers=shop.as_admin))
    newcomer = assert_ok(_create(client, shop.as_admin, name="New", phone="+998901234567"), 201)
    body = assert_error(client.post(f"{path}/restore", headers=shop.as_admin), 409, "CONFLICT")
    assert body["error"]["details"]["supplier_id"] == newcomer["id"]
    assert_error(
        client.post(f"/api/suppliers/{uuid.uuid4()}/restore", headers=shop.as_admin),
        404,
        "NOT_FOUND",
    )


def test_a_supplier_owed_money_or_goods_cannot_be_deleted(client, shop, factory):
    owed, waiting = factory.supplier("Owed"), factory.supplier("Waiting")
    now, today = factory.clock.now(), factory.today()
    with factory.db.transaction() as session:
        order = PurchaseOrder(
            number="PO-000001",
            supplier_id=waiting.id,
            branch_id=shop.branch_a.id,
            status=PurchaseOrderStatus.ORDERED,
            created_at=now,
            updated_at=now,
        )
        receipt = GoodsReceipt(
            number="GR-000001",
            supplier_id=owed.id,
            branch_id=shop.branch_a.id,
            received_on=today,
            on_credit=True,
            due_date=today,
            total_uzs=Decimal(1000),
            created_at=now,
            updated_at=now,
        )
        session.add_all([order, receipt])
        session.flush()
        payable = Payable(
            supplier_id=owed.id,
            branch_id=shop.branch_a.id,
            goods_receipt_id=receipt.id,
            currency=Currency.UZS,
            total_amount=Decimal(1000),
            remaining_amount=Decimal(1000),
            due_date=today,
            created_at=now,
            updated_at=now,
        )
        session.add(payable)

    def delete(supplier):
        return client.delete(f"/api/suppliers/{supplier.id}", headers=shop.as_admin)

    assert_error(delete(waiting), 409, "CONFLICT")
    assert_error(delete(owed), 409, "CONFLICT")
    with factory.db.transaction() as session:
        session.get(PurchaseOrder, order.id).status = PurchaseOrderStatus.RECEIVED
        paid = session.get(Payable, payable.id)
        paid.remaining_amount, paid.status = Decimal(0), PayableStatus.PAID
    assert_ok(delete(waiting))
    assert_ok(delete(owed))


def test_unknown_and_malformed_ids(client, shop):
    assert_error(
        client.get(f"/api/suppliers/{uuid.uuid4()}", headers=shop.as_admin), 404, "NOT_FOUND"
    )
    assert_error(client.get("/api/suppliers/not-an-id", headers=shop.as_admin), 404, "NOT_FOUND")


def test_the_factory_makes_suppliers_through_the_service(client, shop, factory):
    supplier = factory.supplier(phone="90 765 43 21", note="via factory")
    read = assert_ok(client.get(f"/api/suppliers/{supplier.id}", headers=shop.as_admin))
    assert read["phone"] == "+998907654321" and read["note"] == "via factory"
    assert [e["action"] for e in _audit(client, shop, supplier.id)] == ["CREATE"]


def _first_check_misses(monkeypatch, cls, name):
    """The first lookup answers none, as it would for a request racing another: the insert
    then meets the other's row at the unique index."""
    real = getattr(cls, name)
    calls = []

    def racing(self, *args, **kwargs):
        calls.append(args)
        return None if len(calls) == 1 else real(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, racing)
    return calls


def test_a_phone_taken_by_a_concurrent_request_is_a_conflict_not_a_500(client, shop, monkeypatch):
    first = assert_ok(_create(client, shop.as_admin, name="First", phone="901234567"), 201)
    calls = _first_check_misses(monkeypatch, SupplierRepository, "phone_taken")
    body = assert_error(
        _create(client, shop.as_admin, name="Racer", phone="+998901234567"), 409, "CONFLICT"
    )
    assert len(calls) == 2
    assert body["error"]["details"]["supplier_id"] == first["id"]
    assert _names(client, shop) == ["First"]
    other = assert_ok(_create(client, shop.as_admin, name="Other"), 201)
    _first_check_misses(monkeypatch, SupplierRepository, "phone_taken")
    update = client.put(
        f"/api/suppliers/{other['id']}", json={"phone": "901234567"}, headers=shop.as_admin
    )
    assert assert_error(update, 409, "CONFLICT")["error"]["details"]["supplier_id"] == first["id"]
    read = assert_ok(client.get(f"/api/suppliers/{other['id']}", headers=shop.as_admin))
    assert read["phone"] is None


def test_a_name_that_folds_longer_is_still_stored_and_found(client, shop):
    name = "ﬀ" * 120  # each ligature folds to "ff": 240 characters to search by
    supplier = assert_ok(_create(client, shop.as_admin, name=name), 201)
    assert supplier["name"] == name
    assert _names(client, shop, q="ffff") == [name]
