"""Many sales at once, through a real server over HTTP, on SQLite and PostgreSQL.

The server runs in its own process with its thread pool, so requests really overlap: on
PostgreSQL they race for row locks, on SQLite they queue for the write lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import select

from carpet_shop.catalog.models import ProductType
from carpet_shop.customers.models import Customer
from carpet_shop.debts.models import Debt
from carpet_shop.inventory.models import MovementKind, StockMovement
from carpet_shop.sales.models import Sale
from tests.factories import PASSWORD
from tests.live import live_server
from tests.shop import Shop

pytestmark = pytest.mark.slow
REQUEST_TIMEOUT_S = 60.0


@pytest.fixture
def server(shop: Shop, database_url: str, tmp_path: Path) -> Iterator[httpx.Client]:
    with (
        live_server(database_url, tmp_path) as base_url,
        httpx.Client(
            base_url=base_url,
            timeout=REQUEST_TIMEOUT_S,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
        ) as http,
    ):
        yield http


def _token(http: httpx.Client, username: str) -> dict[str, str]:
    response = http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


def _at_once(n: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run `call(i)` for i in range(n) in n threads released together."""
    gate = threading.Barrier(n)

    def run(i: int) -> httpx.Response:
        gate.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _codes(responses: list[httpx.Response]) -> Counter[tuple[int, str]]:
    def code(r: httpx.Response) -> str:
        body: dict[str, Any] = r.json()
        return "ok" if body["success"] else str(body["error"]["code"])

    return Counter((r.status_code, code(r)) for r in responses)


def _sale_numbers(shop: Shop) -> list[str]:
    with shop.db.transaction(write=False) as session:
        return sorted(session.scalars(select(Sale.receipt_number)).all())


def _expected_numbers(shop: Shop, n: int) -> list[str]:
    return [f"{shop.branch.code}-{i:06d}" for i in range(1, n + 1)]


def test_fifty_buyers_for_ten_pieces(shop: Shop, server: httpx.Client):
    product = shop.factory.product(shop.branch, stock=10)
    headers = _token(server, shop.seller.username)
    body = {"product_id": str(product.id), "quantity": 1, "amount": 150_000, "payment_type": "cash"}
    responses = _at_once(50, lambda i: server.post("/api/sales", json=body, headers=headers))
    assert _codes(responses) == {(201, "ok"): 10, (409, "INSUFFICIENT_STOCK"): 40}
    assert shop.stock(product) == 0
    assert shop.ledger_total(product) == 0
    sale_moves = shop.count(
        StockMovement,
        StockMovement.product_id == product.id,
        StockMovement.kind == MovementKind.SALE,
    )
    assert sale_moves == 10
    # The 40 refused sales used no numbers: the 10 sales are 1..10.
    assert _sale_numbers(shop) == _expected_numbers(shop, 10)


def test_fifty_cuts_of_half_a_metre_from_a_ten_metre_roll(shop: Shop, server: httpx.Client):
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock="10", buy_price=50_000, sell_price=80_000
    )
    headers = _token(server, shop.seller.username)
    body = {"product_id": str(roll.id), "quantity": 0.5, "amount": 40_000, "payment_type": "card"}
    responses = _at_once(50, lambda i: server.post("/api/sales", json=body, headers=headers))
    assert _codes(responses) == {(201, "ok"): 20, (409, "INSUFFICIENT_STOCK"): 30}
    assert shop.stock(roll) == Decimal("0.00")
    assert shop.ledger_total(roll) == 0
    assert _sale_numbers(shop) == _expected_numbers(shop, 20)


def test_concurrent_receipts_get_distinct_gapless_numbers(shop: Shop, server: httpx.Client):
    products = [shop.factory.product(shop.branch, stock=100) for _ in range(3)]
    second = shop.factory.seller(shop.branch)
    tokens = [_token(server, shop.seller.username), _token(server, second.username)]
    admin = _token(server, shop.admin.username)

    def receipt(i: int) -> httpx.Response:
        # Items in different orders, so the sales also contend for the same rows.
        first, other = products[i % 3], products[(i + 1) % 3]
        body = {
            "items": [
                {"product_id": str(first.id), "quantity": 1, "amount": 150_000},
                {"product_id": str(other.id), "quantity": 2, "amount": 300_000},
            ],
            "payments": [
                {"payment_type": "cash", "amount": 200_000},
                {"payment_type": "card", "amount": 250_000},
            ],
        }
        headers = admin if i % 10 == 0 else tokens[i % 2]
        return server.post("/api/sales", json=body, headers=headers)

    responses = _at_once(40, receipt)
    assert _codes(responses) == {(201, "ok"): 40}
    numbers = [r.json()["data"]["receipt_number"] for r in responses]
    assert sorted(numbers) == _expected_numbers(shop, 40)
    assert _sale_numbers(shop) == _expected_numbers(shop, 40)
    sold: Counter[str] = Counter()
    for r in responses:
        for item in r.json()["data"]["items"]:
            sold[item["product_id"]] += item["quantity"]
    assert sum(sold.values()) == 40 * 3
    for product in products:
        assert shop.stock(product) == 100 - sold[str(product.id)]
        assert shop.ledger_total(product) == shop.stock(product)


def test_concurrent_retries_with_one_key_make_one_sale(shop: Shop, server: httpx.Client):
    product = shop.factory.product(shop.branch, stock=5)
    headers = {**_token(server, shop.seller.username), "Idempotency-Key": "flaky-wifi-7"}
    body = {"product_id": str(product.id), "quantity": 1, "amount": 150_000, "payment_type": "cash"}
    responses = _at_once(20, lambda i: server.post("/api/sales", json=body, headers=headers))
    assert _codes(responses) == {(201, "ok"): 20}
    assert len({r.content for r in responses}) == 1  # every retry got the first answer
    assert sum(1 for r in responses if "idempotent-replayed" not in r.headers) == 1
    assert _sale_numbers(shop) == _expected_numbers(shop, 1)
    assert shop.stock(product) == 4
    assert shop.ledger_total(product) == 4


def _credit_body(product: Any) -> dict[str, Any]:
    # The server runs on the real clock: the deadline is a month from the real today.
    due = datetime.now(UTC).date() + timedelta(days=30)
    return {
        "product_id": str(product.id),
        "quantity": 1,
        "amount": 150_000,
        "payment_type": "debt",
        "customer_name": "Aziz Rahimov",
        "customer_phone": "90 123 45 67",
        "debt_deadline": due.isoformat(),
    }


def test_credit_buyers_racing_for_the_last_pieces_register_one_customer(
    shop: Shop, server: httpx.Client
):
    product = shop.factory.product(shop.branch, stock=10)
    headers = _token(server, shop.seller.username)
    body = _credit_body(product)
    responses = _at_once(30, lambda i: server.post("/api/sales", json=body, headers=headers))
    assert _codes(responses) == {(201, "ok"): 10, (409, "INSUFFICIENT_STOCK"): 20}
    # A new phone in 30 racing requests: one registration, and every debt is that person's.
    assert shop.count(Customer) == 1
    debts = shop.scalars(select(Debt))
    assert len(debts) == 10
    assert len({d.customer_id for d in debts}) == 1
    assert sum(d.remaining_amount for d in debts) == 1_500_000
    assert _sale_numbers(shop) == _expected_numbers(shop, 10)


def test_concurrent_retries_of_a_credit_sale_make_one_sale_and_one_debt(
    shop: Shop, server: httpx.Client
):
    product = shop.factory.product(shop.branch, stock=5)
    headers = {**_token(server, shop.seller.username), "Idempotency-Key": "nasiya-retry-1"}
    body = _credit_body(product)
    responses = _at_once(20, lambda i: server.post("/api/sales", json=body, headers=headers))
    assert _codes(responses) == {(201, "ok"): 20}
    assert len({r.content for r in responses}) == 1
    assert shop.count(Sale) == 1
    assert shop.count(Debt) == 1
    assert shop.count(Customer) == 1
    assert shop.stock(product) == 4
