"""Inventory, debts and profit reports: the lists' filters and scoping, the sums they show."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carpet_shop.catalog.models import ProductType
from tests.analytics.shop import Shop, build_shop, money
from tests.factories import auth_headers
from tests.reports.files import csv_rows, xlsx_rows


def get(client, url, headers, **params):
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response


def test_inventory_per_branch_and_product_with_values(client, factory):
    a, b = factory.branch(name="Chilonzor"), factory.branch(name="Sergeli")
    rug = factory.product(a, name="Rug", buy_price=100_000, sell_price=150_000, stock=3)
    factory.product(a, name="Small", buy_price=10_000, sell_price=15_000, stock=1)
    factory.product(
        b,
        name="Roll",
        type=ProductType.METER,
        stock="12.50",
        buy_price="50000",
        sell_price="80000",
        sell_price_per_meter="80000",
        sizes=[],
    )
    admin = auth_headers(client, factory.admin())
    data = get(client, "/api/reports/inventory", admin).json()["data"]
    rows = {r["product"]: r for r in data["rows"]}
    assert set(rows) == {"Rug", "Small", "Roll"}
    assert money(rows["Rug"]["stock_value"]) == Decimal("450000")
    assert money(rows["Rug"]["stock_cost"]) == Decimal("300000")
    assert money(rows["Roll"]["stock_value"]) == Decimal("1000000")  # 12.5 m × 80,000
    assert rows["Roll"]["unit"] == "m" and money(rows["Roll"]["stock"]) == Decimal("12.50")
    assert rows["Small"]["low_stock"] is True and rows["Rug"]["low_stock"] is False
    assert rows["Rug"]["size"] == "2×3"
    assert money(data["totals"]["stock_value"]) == Decimal("450000") + 15_000 + 1_000_000
    assert data["totals"]["product_count"] == 3 and data["totals"]["low_stock_count"] == 1

    low = get(client, "/api/reports/inventory", admin, low_stock_only="true").json()["data"]
    assert [r["product"] for r in low["rows"]] == ["Small"]
    # The product list's own filters narrow it the same way.
    metres = get(client, "/api/reports/inventory", admin, type="meter").json()["data"]
    assert [r["product"] for r in metres["rows"]] == ["Roll"]

    seller = factory.seller(branch=a)
    headers = auth_headers(client, seller)
    mine = get(client, "/api/reports/inventory", headers).json()["data"]
    assert {r["product"] for r in mine["rows"]} == {"Rug", "Small"}
    assert all("buy_price" not in r and "stock_cost" not in r for r in mine["rows"])
    assert "stock_cost" not in mine["totals"]
    rows_csv, totals_csv = csv_rows(
        get(client, "/api/reports/inventory", headers, format="csv").content
    )
    assert "buy_price" not in totals_csv and len(rows_csv) == 2
    refused = client.get("/api/reports/inventory", params={"branch_id": str(b.id)}, headers=headers)
    assert refused.status_code == 403
    assert rug.id  # made through the service, stock through the ledger


def test_debts_report_is_the_collection_list(client, factory, clock):
    branch = factory.branch()
    other = factory.branch()
    seller = factory.seller(branch=branch)
    late = factory.debt(branch=branch, total=500_000, deadline=-3, note="=1+1")
    soon = factory.debt(branch=branch, total=300_000, deadline=5)
    factory.payment(soon, 100_000)
    factory.debt(branch=other, total=900_000, deadline=2)
    headers = auth_headers(client, seller)

    data = get(client, "/api/reports/debts", headers).json()["data"]
    assert len(data["rows"]) == 2  # the seller's branch only
    first, second = data["rows"]
    assert first["status"] == "overdue" and first["days_overdue"] == 3
    assert money(first["remaining"]) == Decimal("500000")
    assert money(second["paid"]) == Decimal("100000") and second["status"] == "pending"
    assert money(data["totals"]["remaining"]) == Decimal("700000")
    assert data["totals"]["overdue_count"] == 1

    summary = get(client, "/api/debts/summary", headers).json()["data"]
    assert money(summary["outstanding_amount"]) == money(data["totals"]["remaining"])

    overdue = get(client, "/api/reports/debts", headers, status="overdue").json()["data"]
    assert len(overdue["rows"]) == 1
    rows, totals = csv_rows(get(client, "/api/reports/debts", headers, format="csv").content)
    assert rows[0]["note"] == "'=1+1" and rows[0]["deadline"] == late.payment_deadline.isoformat()
    assert money(totals["remaining"]) == Decimal("700000")
    titles, xrows, _, _ = xlsx_rows(
        get(client, "/api/reports/debts", headers, format="xlsx").content
    )
    assert titles[0] == "Customer" and len(xrows) == 2


@pytest.fixture
def shop(factory) -> Shop:
    return build_shop(factory, sales=20)


@pytest.mark.parametrize("group_by", ["day", "week", "month"])
def test_profit_report_totals_equal_the_profit_analytics(client, factory, shop, group_by):
    headers = auth_headers(client, factory.admin())
    params = {"date_from": "2026-02-01", "date_to": "2026-03-20", "group_by": group_by}
    analytics = get(client, "/api/sales/profit", headers, **params).json()["data"]
    data = get(client, "/api/reports/profit", headers, **params).json()["data"]
    for key in ("revenue", "extra_profit", "director_profit"):
        assert money(data["totals"][key]) == money(analytics["totals"][key])
    # The rows add up to the totals, and each period's shares to 100 %.
    total = sum((money(r["director_profit"]) for r in data["rows"]), Decimal("0"))
    assert total == money(data["totals"]["director_profit"])
    periods: dict[str, Decimal] = {}
    for r in data["rows"]:
        periods[r["period"]] = periods.get(r["period"], Decimal("0")) + money(r["share_percent"])
    assert all(v in (Decimal("100"), Decimal("0")) for v in periods.values())
    assert data["group_by"] == group_by
    _, xrows, _total_row, _ = xlsx_rows(
        get(client, "/api/reports/profit", headers, format="xlsx", **params).content
    )
    assert len(xrows) == len(data["rows"])


def test_profit_report_is_the_directors(client, shop):
    headers = auth_headers(client, shop.sellers[0])
    response = client.get("/api/reports/profit", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
