"""The sales report: its totals are the analytics', its files hold the JSON's rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carpet_shop.catalog.models import ProductType
from tests.analytics.shop import Shop, build_shop, figures, money
from tests.analytics.test_sales_analytics import SALE_KEYS, _filters
from tests.factories import auth_headers
from tests.reports.files import csv_rows, same_value, xlsx_rows

SELLER_KEYS = tuple(k for k in SALE_KEYS if k != "director_profit")
COST_COLUMNS = {"cost", "director_profit"}


@pytest.fixture
def shop(factory) -> Shop:
    return build_shop(factory, sales=24)


def report(client, headers, params: dict[str, Any], fmt: str = "json") -> Any:
    response = client.get("/api/reports/sales", params={**params, "format": fmt}, headers=headers)
    assert response.status_code == 200, response.text
    return response


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_totals_equal_the_analytics_for_the_same_filters(client, factory, shop, data):
    headers = auth_headers(client, factory.admin())
    params = data.draw(_filters(shop))
    analytics = client.get("/api/sales/analytics", params=params, headers=headers)
    assert analytics.status_code == 200, analytics.text
    expected = figures(analytics.json()["data"]["totals"], SALE_KEYS)

    body = report(client, headers, params).json()
    assert body["success"] is True
    assert figures(body["data"]["totals"], SALE_KEYS) == expected
    assert len(body["data"]["rows"]) == expected["item_count"]

    # The CSV's rows are the JSON's rows, value for value, and its totals row the same sums.
    rows, total_row = csv_rows(report(client, headers, params, "csv").content)
    kinds = {c["key"]: c["type"] for c in body["data"]["columns"]}
    if rows:
        assert list(rows[0]) == list(kinds)
    assert len(rows) == len(body["data"]["rows"])
    for from_csv, from_json in zip(rows, body["data"]["rows"], strict=True):
        for key, kind in kinds.items():
            assert same_value(from_json[key], from_csv[key], kind), (key, from_json, from_csv)
    assert total_row["receipt_number"] == "TOTAL"
    assert money(total_row["revenue"]) == expected["revenue"]
    assert money(total_row["director_profit"]) == expected["director_profit"]


def test_the_workbook_reads_back_typed_with_the_same_values(client, factory, shop):
    headers = auth_headers(client, factory.admin())
    params = {"date_from": "2026-02-01", "date_to": "2026-03-10"}
    body = report(client, headers, params).json()["data"]
    response = report(client, headers, params, "xlsx")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"] == (
        'attachment; filename="sales_2026-02-01_2026-03-10.xlsx"'
    )
    titles, rows, total_row, sheet = xlsx_rows(response.content)
    assert titles == [c["title"] for c in body["columns"]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:T{len(rows) + 1}"
    keys = [c["key"] for c in body["columns"]]
    assert len(rows) == len(body["rows"]) > 0
    for values, expected in zip(rows, body["rows"], strict=True):
        cells = dict(zip(keys, values, strict=True))
        # Dates are dates (shop time, as Excel has no time zones), numbers are numbers.
        assert isinstance(cells["date"], dt.datetime)
        assert cells["date"] == dt.datetime.fromisoformat(expected["date"]).replace(tzinfo=None)
        for key in ("amount", "revenue", "extra_profit", "cost", "director_profit"):
            assert isinstance(cells[key], int | float)
            assert Decimal(str(cells[key])).quantize(Decimal("0.01")) == money(expected[key])
        assert cells["receipt_number"] == expected["receipt_number"]
    money_cell = sheet.cell(row=2, column=keys.index("amount") + 1)
    assert "so'm" in money_cell.number_format
    assert total_row[0] == "TOTAL"
    totals = body["totals"]
    assert Decimal(str(total_row[keys.index("revenue")])).quantize(Decimal("0.01")) == money(
        totals["revenue"]
    )


def test_a_sellers_files_have_their_branch_and_no_cost(client, factory, shop):
    seller = shop.sellers[0]
    headers = auth_headers(client, seller)
    own = next(b for b in shop.branches if b.id == seller.branch_id)
    body = report(client, headers, {}).json()["data"]
    keys = {c["key"] for c in body["columns"]}
    assert not keys & COST_COLUMNS
    assert "director_profit" not in body["totals"] and "cost" not in body["totals"]
    assert body["rows"] and {r["branch"] for r in body["rows"]} == {own.name}

    rows, total_row = csv_rows(report(client, headers, {}, "csv").content)
    assert not set(total_row) & COST_COLUMNS
    assert {r["branch"] for r in rows} == {own.name}
    titles, xrows, _, _ = xlsx_rows(report(client, headers, {}, "excel").content)
    assert "Cost" not in titles and "Director's profit" not in titles
    assert len(xrows) == len(rows)

    other = next(b for b in shop.branches if b.id != seller.branch_id)
    refused = client.get(
        "/api/reports/sales", params={"branch_id": str(other.id), "format": "csv"}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "FORBIDDEN"

    analytics = client.get("/api/sales/analytics", headers=headers).json()["data"]["totals"]
    assert figures(body["totals"], SELLER_KEYS) == figures(analytics, SELLER_KEYS)


def test_text_that_a_spreadsheet_would_run_is_escaped(client, factory):
    branch = factory.branch(name="=cmd|' /C calc'!A0")
    seller = factory.seller(branch=branch, full_name="Ойбек Тошматов")
    rug = factory.product(branch, name='=HYPERLINK("http://evil","click")', stock=5)
    roll = factory.product(
        branch, name="+Metraj @ 'sale'", type=ProductType.METER, stock="30", sizes=[]
    )
    factory.sale(seller, (rug, 1, 150_000), (roll, "2.50", 375_000))
    headers = auth_headers(client, factory.admin())

    content = report(client, headers, {}, "csv").content
    rows, _ = csv_rows(content)
    assert rows[0]["product"] == """'=HYPERLINK("http://evil","click")"""
    assert rows[0]["branch"].startswith("'=cmd")
    assert rows[1]["product"] == "'+Metraj @ 'sale'"
    # Cyrillic and Uzbek text survive as UTF-8 (with the BOM Excel needs).
    assert rows[0]["seller"] == "Ойбек Тошматов"
    assert rows[1]["quantity"] == "2.50" and rows[0]["quantity"] == "1"

    _, _xrows, _, sheet = xlsx_rows(report(client, headers, {}, "xlsx").content)
    product_cell = sheet.cell(row=2, column=7)
    assert product_cell.value == '=HYPERLINK("http://evil","click")'
    assert product_cell.data_type == "s"  # text, never a formula

    body = report(client, headers, {}).json()["data"]
    assert body["rows"][0]["product"] == '=HYPERLINK("http://evil","click")'


def test_a_report_needs_a_token_and_a_known_format(client, factory):
    assert client.get("/api/reports/sales").status_code == 401
    headers = auth_headers(client, factory.admin())
    response = client.get("/api/reports/sales", params={"format": "pdf"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_the_specifications_start_and_end_date(client, factory, shop):
    headers = auth_headers(client, factory.admin())
    params = {"start_date": "2026-02-10", "end_date": "2026-02-20"}
    spec = report(client, headers, params).json()["data"]
    ours = report(client, headers, {"date_from": "2026-02-10", "date_to": "2026-02-20"}).json()
    assert spec["rows"] == ours["data"]["rows"]
    assert spec["first_day"] == "2026-02-10" and spec["last_day"] == "2026-02-20"
    response = report(client, headers, params, "csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="sales_2026-02-10_2026-02-20.csv"'
    )
