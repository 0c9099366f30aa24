"""Purchases by supplier and the payables list as reports (director)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from carpet_shop.currency.models import Currency
from tests.factories import assert_error, auth_headers, make_payable
from tests.reports.files import csv_rows, xlsx_rows


def get(client, url, headers, **params):
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response


def money(value) -> Decimal:
    return Decimal(str(value))


def test_purchases_by_supplier_and_period(client, factory):
    today = factory.today()
    branch, other = factory.branch(), factory.branch()
    andijon, kashan = (
        factory.supplier("Andijon Gilam"),
        factory.supplier("Kashan", currency=Currency.USD),
    )
    make_payable(factory, total=1_000_000, supplier=andijon, branch=branch, received_on=today)
    make_payable(
        factory,
        total="250000.50",
        supplier=andijon,
        branch=other,
        received_on=today - timedelta(days=2),
    )
    # 300 USD at 12 650.37 = 3 795 111 so'm.
    make_payable(
        factory,
        total=300,
        currency=Currency.USD,
        rate="12650.37",
        supplier=kashan,
        branch=branch,
        received_on=today,
    )
    # Before the period: left out.
    make_payable(
        factory, total=5, supplier=kashan, branch=branch, received_on=today - timedelta(days=40)
    )
    headers = auth_headers(client, factory.admin())
    period = {"date_from": (today - timedelta(days=7)).isoformat(), "date_to": today.isoformat()}

    data = get(client, "/api/reports/purchases", headers, **period).json()["data"]
    assert data["report"] == "purchases" and data["first_day"] == period["date_from"]
    rows = {r["supplier"]: r for r in data["rows"]}
    assert list(rows) == ["Andijon Gilam", "Kashan"]
    assert rows["Andijon Gilam"]["receipt_count"] == 2
    assert money(rows["Andijon Gilam"]["total_uzs"]) == Decimal("1250000.50")
    assert money(rows["Andijon Gilam"]["total_usd"]) == 0
    assert rows["Kashan"]["receipt_count"] == 1
    assert money(rows["Kashan"]["total_uzs"]) == Decimal("3795111.00")
    assert money(rows["Kashan"]["total_usd"]) == 300
    assert data["totals"]["receipt_count"] == 3
    assert money(data["totals"]["total_uzs"]) == Decimal("5045111.50")

    only = get(client, "/api/reports/purchases", headers, branch_id=other.id).json()["data"]
    assert [(r["supplier"], r["receipt_count"]) for r in only["rows"]] == [("Andijon Gilam", 1)]
    one = get(client, "/api/reports/purchases", headers, supplier_id=kashan.id).json()["data"]
    assert one["rows"][0]["receipt_count"] == 2  # every day when no period is given

    csv_response = get(client, "/api/reports/purchases", headers, format="csv", **period)
    assert "attachment" in csv_response.headers["content-disposition"]
    assert csv_response.headers["content-type"].startswith("text/csv")
    csv_data, totals = csv_rows(csv_response.content)
    assert [
        (r["supplier"], r["receipt_count"], r["total_uzs"], r["total_usd"]) for r in csv_data
    ] == [
        ("Andijon Gilam", "2", "1250000.50", "0.00"),
        ("Kashan", "1", "3795111.00", "300.00"),
    ]
    assert totals["supplier"] == "TOTAL" and totals["total_uzs"] == "5045111.50"
    titles, xrows, _, _ = xlsx_rows(
        get(client, "/api/reports/purchases", headers, format="excel", **period).content
    )
    assert titles == ["Supplier", "Receipts", "Total, so'm", "Total, USD"]
    assert [r[0] for r in xrows] == ["Andijon Gilam", "Kashan"]
    assert Decimal(str(xrows[1][2])) == Decimal("3795111")
    assert_error(
        client.get(
            "/api/reports/purchases",
            params={"date_from": today.isoformat(), "date_to": "2020-01-01"},
            headers=headers,
        ),
        422,
        "VALIDATION_ERROR",
    )


def test_payables_report_is_the_payables_list(client, factory):
    today = factory.today()
    branch = factory.branch("Chilonzor")
    supplier = factory.supplier("Andijon Gilam")
    late = make_payable(
        factory,
        total=1_000_000,
        supplier=supplier,
        branch=branch,
        due_date=today - timedelta(days=4),
    )
    dollars = make_payable(
        factory,
        total="1200.50",
        currency=Currency.USD,
        supplier=supplier,
        branch=branch,
        due_date=today + timedelta(days=10),
    )
    headers = auth_headers(client, factory.admin())
    paid = client.post(
        f"/api/payables/{late.id}/payments", json={"amount": 250_000}, headers=headers
    )
    assert paid.status_code == 201
    client.post(
        f"/api/payables/{dollars.id}/payments",
        json={"amount": "200.50", "currency": "USD"},
        headers=headers,
    )

    data = get(client, "/api/reports/payables", headers).json()["data"]
    first, second = data["rows"]
    assert first["supplier"] == "Andijon Gilam" and first["receipt_number"].startswith("GR-")
    assert first["branch"] == "Chilonzor" and first["currency"] == "UZS"
    assert money(first["total"]) == 1_000_000 and money(first["paid"]) == 250_000
    assert money(first["remaining"]) == 750_000
    assert first["status"] == "overdue" and first["days_overdue"] == 4
    assert first["due_date"] == (today - timedelta(days=4)).isoformat()
    assert second["currency"] == "USD" and money(second["remaining"]) == 1000
    assert second["status"] == "open" and second["days_overdue"] == 0
    totals = data["totals"]
    assert totals["payable_count"] == 2 and totals["overdue_count"] == 1
    assert money(totals["remaining_uzs"]) == 750_000 and money(totals["remaining_usd"]) == 1000

    overdue = get(client, "/api/reports/payables", headers, overdue="true").json()["data"]
    assert len(overdue["rows"]) == 1

    rows, csv_totals = csv_rows(get(client, "/api/reports/payables", headers, format="csv").content)
    assert [(r["currency"], r["remaining"], r["status"]) for r in rows] == [
        ("UZS", "750000.00", "overdue"),
        ("USD", "1000.00", "open"),
    ]
    assert csv_totals["supplier"] == "TOTAL"
    assert csv_totals["remaining"] == ""  # never one sum of two currencies
    titles, xrows, _, _ = xlsx_rows(
        get(client, "/api/reports/payables", headers, format="xlsx").content
    )
    assert titles[:3] == ["Supplier", "Receipt", "Received"] and len(xrows) == 2
