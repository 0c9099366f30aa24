"""Receipts of one order at the same moment, over HTTP against a running server, on SQLite
and PostgreSQL: no order line is received twice, and the stock matches what was accepted."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx2
import pytest

from tests.factories import PASSWORD
from tests.live import live_server

pytestmark = pytest.mark.slow


def _simultaneously(client, bodies, headers):
    gate = threading.Barrier(len(bodies))

    def one(body):
        gate.wait(timeout=30)
        return client.post("/api/goods-receipts", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


def test_two_receipts_of_the_same_order_at_once(factory, database_url, tmp_path):
    branch = factory.branch()
    admin = factory.admin()
    supplier = factory.supplier()
    carpet = factory.product(branch, sizes=["2×3"], stock=0)
    # A roll of 30 m on hand; the order brings a second 30 m onto it.
    roll = factory.product(branch, type="meter", sizes=["4×30"], length=30)

    with (
        live_server(database_url, tmp_path, workers=2) as base_url,
        httpx2.Client(base_url=base_url, timeout=60) as client,
    ):
        login = client.post(
            "/api/auth/login", json={"username": admin.username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        created = client.post(
            "/api/purchase-orders",
            headers=headers,
            json={
                "supplier_id": str(supplier.id),
                "branch_id": str(branch.id),
                "lines": [
                    {"product_id": str(carpet.id), "quantity": 5, "buy_price": 90000},
                    {"product_id": str(roll.id), "quantity": "30", "buy_price": 25000},
                ],
            },
        )
        assert created.status_code == 201, created.text
        order_id = created.json()["data"]["id"]
        placed = client.post(f"/api/purchase-orders/{order_id}/order", headers=headers)
        assert placed.status_code == 200, placed.text

        def body(pieces, metres):
            return {
                "purchase_order_id": order_id,
                "supplier_id": str(supplier.id),
                "branch_id": str(branch.id),
                "lines": [
                    {"product_id": str(carpet.id), "quantity": pieces},
                    {"product_id": str(roll.id), "quantity": metres},
                ],
            }

        # Both want all that remains: exactly one takes it.
        responses = _simultaneously(client, [body(5, "30"), body(5, "30")], headers)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201, 409], [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 409).json()
        assert refused["error"]["code"] == "CONFLICT"
        assert refused["error"]["details"]["reason"] == "over_receipt"

        order = client.get(f"/api/purchase-orders/{order_id}", headers=headers).json()["data"]
        assert order["status"] == "received"
        assert [x["received_quantity"] for x in order["lines"]] == [5, 30]
        piece = client.get(f"/api/products/{carpet.id}", headers=headers).json()["data"]
        metre = client.get(f"/api/products/{roll.id}", headers=headers).json()["data"]
        assert piece["quantity"] == 5
        assert Decimal(str(metre["remaining_length"])) == 60
        receipts = client.get(
            "/api/goods-receipts", params={"purchase_order_id": order_id}, headers=headers
        ).json()
        assert receipts["meta"]["total"] == 1


def test_many_small_receipts_racing_for_an_order(factory, database_url, tmp_path):
    branch = factory.branch()
    admin = factory.admin()
    supplier = factory.supplier()
    carpet = factory.product(branch, sizes=["2×3"], stock=0)

    with (
        live_server(database_url, tmp_path, workers=2) as base_url,
        httpx2.Client(
            base_url=base_url, timeout=60, limits=httpx2.Limits(max_connections=20)
        ) as client,
    ):
        login = client.post(
            "/api/auth/login", json={"username": admin.username, "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        created = client.post(
            "/api/purchase-orders",
            headers=headers,
            json={
                "supplier_id": str(supplier.id),
                "branch_id": str(branch.id),
                "lines": [{"product_id": str(carpet.id), "quantity": 6, "buy_price": 1000}],
            },
        )
        order_id = created.json()["data"]["id"]
        client.post(f"/api/purchase-orders/{order_id}/order", headers=headers)
        body = {
            "purchase_order_id": order_id,
            "supplier_id": str(supplier.id),
            "branch_id": str(branch.id),
            "lines": [{"product_id": str(carpet.id), "quantity": 1}],
        }
        responses = _simultaneously(client, [body] * 10, headers)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * 6 + [409] * 4, [r.text for r in responses]
        numbers = sorted(r.json()["data"]["number"] for r in responses if r.status_code == 201)
        # Gapless: refused receipts gave their numbers back.
        assert numbers == [f"GR-{n:06d}" for n in range(1, 7)]
        piece = client.get(f"/api/products/{carpet.id}", headers=headers).json()["data"]
        assert piece["quantity"] == 6
        moves = client.get(f"/api/products/{carpet.id}/movements", headers=headers).json()
        assert sum(m["delta"] for m in moves["data"]) == 6
