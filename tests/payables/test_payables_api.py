"""Payables through HTTP: list, detail, filters, and that a seller never sees one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from carpet_shop.currency.models import Currency
from tests.factories import assert_error, assert_ok, auth_headers, make_payable


def test_list_and_detail(client, shop, factory):
    supplier = factory.supplier("Samarqand Gilam")
    today = factory.today()
    payable = make_payable(
        factory, total="2500000.50", supplier=supplier, branch=shop.branch_a, due_date=today
    )
    rows = assert_ok(client.get("/api/payables", headers=shop.as_admin))
    [row] = rows
    assert row["id"] == str(payable.id)
    assert row["supplier_name"] == "Samarqand Gilam"
    assert row["goods_receipt_number"].startswith("GR-")
    assert row["received_on"] == today.isoformat()
    assert row["currency"] == "UZS"
    assert row["total_amount"] == 2500000.5 and row["remaining_amount"] == 2500000.5
    assert row["paid_amount"] == 0
    assert row["status"] == "open" and row["days_overdue"] == 0
    assert row["branch_id"] == str(shop.branch_a.id)

    detail = assert_ok(client.get(f"/api/payables/{payable.id}", headers=shop.as_admin))
    assert detail["payments"] == []
    assert detail["due_date"] == today.isoformat()
    missing = "00000000-0000-0000-0000-000000000000"
    assert_error(client.get(f"/api/payables/{missing}", headers=shop.as_admin), 404, "NOT_FOUND")


def test_filters(client, shop, factory, clock):
    today = factory.today()
    s1, s2 = factory.supplier("Andijon"), factory.supplier("Istanbul Hali")
    early = make_payable(
        factory, total=100, supplier=s1, branch=shop.branch_a, due_date=today + timedelta(days=1)
    )
    late = make_payable(
        factory, total=200, supplier=s2, branch=shop.branch_b, due_date=today + timedelta(days=20)
    )
    paid = make_payable(
        factory, total=300, supplier=s1, branch=shop.branch_b, due_date=today + timedelta(days=5)
    )
    assert (
        client.post(
            f"/api/payables/{paid.id}/payments", json={"amount": 300}, headers=shop.as_admin
        ).status_code
        == 201
    )

    def ids(**params):
        response = client.get("/api/payables", params=params, headers=shop.as_admin)
        return [row["id"] for row in assert_ok(response)]

    assert ids() == [str(early.id), str(paid.id), str(late.id)]  # by due date
    assert ids(supplier_id=s1.id) == [str(early.id), str(paid.id)]
    assert ids(branch_id=shop.branch_b.id) == [str(paid.id), str(late.id)]
    assert ids(status="paid") == [str(paid.id)]
    assert ids(status="open") == [str(early.id), str(late.id)]
    assert ids(due_from=(today + timedelta(days=2)).isoformat()) == [str(paid.id), str(late.id)]
    assert ids(due_to=(today + timedelta(days=5)).isoformat()) == [str(early.id), str(paid.id)]
    assert ids(overdue="true") == []

    # Two days on, the first is overdue: it shows at once, whether or not the job ran.
    clock.advance(timedelta(days=2))
    shop.as_admin = auth_headers(client, shop.admin)  # the old token has expired
    assert ids(overdue="true") == [str(early.id)]
    assert ids(status="overdue") == [str(early.id)]
    assert ids(overdue="false") == [str(paid.id), str(late.id)]
    [row] = assert_ok(
        client.get("/api/payables", params={"status": "overdue"}, headers=shop.as_admin)
    )
    assert row["days_overdue"] == 1

    page = client.get("/api/payables", params={"page_size": 2}, headers=shop.as_admin).json()
    assert page["meta"]["total"] == 3 and len(page["data"]) == 2
    assert_error(
        client.get("/api/payables", params={"status": "pending"}, headers=shop.as_admin),
        422,
        "VALIDATION_ERROR",
    )


def test_a_seller_is_refused_everything(client, shop, factory):
    supplier = factory.supplier()
    payable = make_payable(factory, supplier=supplier, branch=shop.branch_a)
    for url in (
        "/api/payables",
        f"/api/payables/{payable.id}",
        f"/api/suppliers/{supplier.id}/balance",
        f"/api/suppliers/{supplier.id}/statement",
        f"/api/suppliers/{supplier.id}/card",
        "/api/reports/payables",
        "/api/reports/purchases",
        "/api/reports/payables?format=csv",
    ):
        body = assert_error(client.get(url, headers=shop.as_a), 403, "FORBIDDEN")
        assert str(payable.id) not in str(body)
    refused = client.post(
        f"/api/payables/{payable.id}/payments", json={"amount": 10}, headers=shop.as_a
    )
    assert_error(refused, 403, "FORBIDDEN")
    # Nothing was paid.
    detail = assert_ok(client.get(f"/api/payables/{payable.id}", headers=shop.as_admin))
    assert detail["remaining_amount"] == detail["total_amount"] and detail["payments"] == []


@pytest.mark.parametrize("currency", [Currency.UZS, Currency.USD])
def test_a_payable_keeps_the_receipts_currency(client, shop, factory, currency):
    payable = make_payable(factory, total="1234.56", currency=currency, branch=shop.branch_a)
    detail = assert_ok(client.get(f"/api/payables/{payable.id}", headers=shop.as_admin))
    assert detail["currency"] == currency.value
    assert Decimal(str(detail["total_amount"])) == Decimal("1234.56")
