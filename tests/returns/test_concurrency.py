"""Returns under concurrency, through a real server: one approval wins, pending requests never
add up to more than was sold."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from carpet_shop.inventory.models import MovementKind, StockMovement
from tests.factories import PASSWORD
from tests.live import live_server
from tests.shop import Shop

pytestmark = pytest.mark.slow


def _at_once(n, call):
    gate = threading.Barrier(n)

    def run(i):
        gate.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _token(http, username):
    response = http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


def test_racing_requests_and_approvals(shop: Shop, database_url: str, tmp_path: Path):
    product = shop.factory.product(shop.branch, stock=10)
    view = shop.factory.sale(shop.seller, (product, 3, 450_000))
    item = view.items[0].item
    with (
        live_server(database_url, tmp_path) as base_url,
        httpx.Client(base_url=base_url, timeout=60) as http,
    ):
        seller = _token(http, shop.seller.username)
        admin = _token(http, shop.admin.username)
        body = {
            "sale_id": str(view.sale.id),
            "items": [{"sale_item_id": str(item.id), "quantity": 1}],
            "reason": "DEFECTIVE",
        }
        asked = _at_once(10, lambda i: http.post("/api/returns", json=body, headers=seller))
        codes = Counter(r.status_code for r in asked)
        # 3 sold: three requests of one piece fit, the other seven would pass what was sold.
        assert codes == {201: 3, 422: 7}
        first = next(r for r in asked if r.status_code == 201).json()["data"]["id"]
        approvals = _at_once(10, lambda i: http.put(f"/api/returns/{first}/approve", headers=admin))
        assert Counter(r.status_code for r in approvals) == {200: 1, 409: 9}
        assert all(
            r.json()["error"]["code"] == "CONFLICT" for r in approvals if r.status_code == 409
        )
    assert shop.stock(product) == 8
    assert shop.ledger_total(product) == 8
    returned = shop.count(StockMovement, StockMovement.kind == MovementKind.RETURN)
    assert returned == 1
