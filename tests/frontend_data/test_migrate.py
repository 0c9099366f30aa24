"""POST /api/migrate/frontend-data with the example file the repository documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from carpet_shop.debts.models import Debt
from carpet_shop.inventory.models import StockMovement
from carpet_shop.sales.models import Sale
from tests.factories import auth_headers

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "frontend-data.json"


@pytest.fixture
def data(factory) -> dict:
    factory.ensure_sizes(["2×3"])
    factory.collection("Lara")
    return json.loads(EXAMPLE.read_text())


def counts(db) -> tuple[int, int, int]:
    with db.transaction() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (Sale, Debt, StockMovement)
        )


def test_the_example_imports_once_and_keeps_its_figures(client, factory, db, data):
    headers = auth_headers(client, factory.admin())
    url = "/api/migrate/frontend-data"
    dry = client.post(url, params={"dry_run": "true"}, json=data, headers=headers)
    assert dry.status_code == 200, dry.text
    report = dry.json()["data"]
    assert report["dry_run"] is True and report["errors"] == []
    assert (report["users_imported"], report["products_imported"], report["sales_imported"]) == (
        2,
        2,
        2,
    )
    assert report["branches_imported"] == 1 and report["debts_imported"] == 1
    assert any("bekzod" in w for w in report["warnings"])
    assert counts(db) == (0, 0, 0)

    done = client.post(url, json=data, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["data"]["sales_imported"] == 2
    sales, debts, movements = counts(db)
    assert (sales, debts) == (2, 1)

    # The sales keep their dates, amounts and extra profit; the stock is the app's.
    listed = client.get("/api/sales", headers=headers).json()["data"]
    by_amount = {s["amount"]: s for s in listed}
    first = by_amount[1300000]
    assert first["date"].startswith("2026-11-20T")
    assert first["items"][0]["extra_profit"] == 50000
    assert first["items"][0]["director_profit"] == 350000  # 1,250,000 − 900,000
    products = client.get("/api/products", params={"q": "lara"}, headers=headers).json()["data"]
    assert products[0]["quantity"] == 4
    roll = client.get("/api/products", params={"q": "metraj"}, headers=headers).json()["data"]
    assert roll[0]["remaining_length"] == 42.5
    debt = client.get("/api/debts", headers=headers).json()["data"][0]
    assert (debt["total_amount"], debt["paid_amount"], debt["remaining_amount"]) == (
        2500000,
        1000000,
        1500000,
    )
    assert debt["customer_phone"] == "+998901234567"
    login = client.post("/api/auth/login", json={"username": "dilnoza", "password": "dilnoza123"})
    assert login.status_code == 200

    again = client.post(url, json=data, headers=headers)
    assert again.status_code == 200, again.text
    second = again.json()["data"]
    assert second["sales_imported"] == 0 and second["products_imported"] == 0
    assert second["users_imported"] == 0 and second["branches_imported"] == 0
    assert second["already_imported"] >= 6
    assert counts(db) == (sales, debts, movements)


def test_bad_data_imports_nothing_and_names_each_problem(client, factory, db, data):
    headers = auth_headers(client, factory.admin())
    bad = copy.deepcopy(data)
    bad["products"][0]["collection"] = "Nowhere"
    bad["sales"][1]["productId"] = "p9"
    bad["sales"][1].pop("product_id", None)
    bad["debts"][0]["customerPhone"] = "+7 912 345 67 89"
    response = client.post("/api/migrate/frontend-data", json=bad, headers=headers)
    assert response.status_code == 422, response.text
    fields = {f["field"] for f in response.json()["error"]["details"]["fields"]}
    assert fields == {
        "products[p1].collection",
        "sales[s2].product_id",
        "debts[d1].customer_phone",
    }
    assert counts(db) == (0, 0, 0)
    seller = factory.seller()
    refused = client.post(
        "/api/migrate/frontend-data", json=data, headers=auth_headers(client, seller)
    )
    assert refused.status_code == 403
