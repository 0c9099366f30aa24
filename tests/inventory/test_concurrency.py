"""Many transfers and stock counts of one product at once, through a real server over HTTP.

The service runs as its own process (uvicorn, on a free loopback port) on the test's database,
so requests really overlap: on PostgreSQL as concurrent transactions, on SQLite as writers
queueing for the lock. Stock must never go below zero and the ledger must explain it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx2
import pytest
from sqlalchemy import select

from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.inventory.models import MovementKind, StockMovement
from carpet_shop.transfers.models import Transfer, TransferStatus
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, TwoBranches

pytestmark = pytest.mark.slow
STARTUP_LIMIT_SECONDS = 60
REQUEST_TIMEOUT_SECONDS = 120


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(settings, db, tmp_path) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": TEST_SECRET,
        "ENVIRONMENT": "test",
        "UPLOADS_DIR": str(tmp_path / "server-uploads"),
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "carpet_shop.main:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server stopped: {log_path.read_text()[-2000:]}")
            try:
                if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


def _token(base: str, username: str) -> dict[str, str]:
    response = httpx2.post(
        f"{base}/api/auth/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


def _all_at_once(base: str, calls: list[tuple[str, str, dict, dict]]) -> list[httpx2.Response]:
    def run(call):
        method, path, headers, body = call
        with httpx2.Client(base_url=base, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            return client.request(method, path, headers=headers, json=body)

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(run, calls))


def _ledger(db, product_id):
    with db.transaction() as session:
        product = session.get(Product, product_id)
        movements = session.scalars(
            select(StockMovement)
            .where(StockMovement.product_id == product_id)
            .order_by(StockMovement.created_at)
        ).all()
    return product, movements


def _assert_consistent(product, movements) -> None:
    assert product.stock >= 0
    running = Decimal(0)
    for movement in movements:
        running += movement.delta
        assert movement.balance_after == running
        assert movement.balance_after >= 0
    assert running == product.stock


def test_concurrent_transfers_take_exactly_the_stock(client, factory, db, server):
    shop = TwoBranches.build(client, factory)
    product = shop.product(quantity=20)
    admin = _token(server, shop.users["admin"].username)
    body = {"to_branch_id": str(shop.branch_b.id), "quantity": 1}
    calls = [("POST", f"/api/products/{product.id}/transfer", admin, body)] * 30

    responses = _all_at_once(server, calls)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 20, 409: 10}, [r.text for r in responses if r.status_code >= 500]
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {r["error"]["code"] for r in refused} == {"INSUFFICIENT_STOCK"}
    after, movements = _ledger(db, product.id)
    assert after.quantity == 0
    _assert_consistent(after, movements)
    outs = [m for m in movements if m.kind == MovementKind.TRANSFER_OUT]
    assert sorted(m.balance_after for m in outs) == [Decimal(n) for n in range(20)]


def test_transfers_counts_receipts_and_cancels_at_once_keep_the_ledger(client, factory, db, server):
    shop = TwoBranches.build(client, factory)
    roll = shop.product(type=ProductType.METER, length="50")
    admin = _token(server, shop.users["admin"].username)
    editor = _token(server, shop.users["editor_a"].username)
    receiver = _token(server, shop.users["editor_b"].username)
    early = [factory.transfer(roll, shop.branch_b, "2.5") for _ in range(4)]

    calls = []
    for n in range(24):
        body = {"to_branch_id": str(shop.branch_b.id), "quantity": 3.25, "complete": n % 3 == 0}
        calls.append(("POST", f"/api/products/{roll.id}/transfer", admin, body))
        if n % 3 == 1:
            counted = {"remaining_length": [0, 12.5, 30][n % 3 + n % 2], "reason": "count"}
            calls.append(("POST", f"/api/products/{roll.id}/adjust", editor, counted))
    for transfer in early:
        calls.append(("POST", f"/api/transfers/{transfer.id}/receive", receiver, None))
        calls.append(("POST", f"/api/transfers/{transfer.id}/cancel", admin, None))

    responses = _all_at_once(server, calls)

    assert all(r.status_code in (200, 201, 409) for r in responses), [
        r.text for r in responses if r.status_code not in (200, 201, 409)
    ]
    codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes <= {"INSUFFICIENT_STOCK", "CONFLICT"}
    # Each early transfer was either received or cancelled, never both.
    for transfer in early:
        outcomes = [
            r.status_code
            for r, call in zip(responses, calls, strict=True)
            if str(transfer.id) in call[1]
        ]
        assert sorted(outcomes) == [200, 409]

    after, movements = _ledger(db, roll.id)
    _assert_consistent(after, movements)
    with db.transaction() as session:
        transfers = session.scalars(select(Transfer).where(Transfer.product_id == roll.id)).all()
        targets = {t.target_product_id for t in transfers if t.target_product_id}
        received = sum((session.get(Product, target).stock for target in targets), Decimal(0))
        for target in targets:
            target_movements = session.scalars(
                select(StockMovement).where(StockMovement.product_id == target)
            ).all()
            assert sum(m.delta for m in target_movements) == session.get(Product, target).stock
    # One product in branch B received every transfer of the roll: same goods, one line.
    assert len(targets) == 1
    in_transit = sum(
        (t.quantity for t in transfers if t.status == TransferStatus.IN_TRANSIT), Decimal(0)
    )
    brought_in = sum(
        (m.delta for m in movements if m.kind in (MovementKind.INITIAL, MovementKind.ADJUSTMENT)),
        Decimal(0),
    )
    assert after.stock + in_transit + received == brought_in


def test_transfers_both_ways_at_once_do_not_deadlock(client, factory, db, server):
    shop = TwoBranches.build(client, factory)
    in_a = shop.product(name="Lara", quantity=30)
    in_b = shop.product(branch=shop.branch_b, name="Lara", quantity=30)
    admin = _token(server, shop.users["admin"].username)
    editor_a = _token(server, shop.users["editor_a"].username)
    editor_b = _token(server, shop.users["editor_b"].username)
    calls = []
    for n in range(12):
        for product, to in ((in_a, shop.branch_b), (in_b, shop.branch_a)):
            body = {"to_branch_id": str(to.id), "quantity": 2, "complete": True}
            calls.append(("POST", f"/api/products/{product.id}/transfer", admin, body))
        if n % 4 == 0:
            count = {"quantity": 20 + n, "reason": "count"}
            calls.append(("POST", f"/api/products/{in_a.id}/adjust", editor_a, count))
            calls.append(("POST", f"/api/products/{in_b.id}/adjust", editor_b, count))

    responses = _all_at_once(server, calls)

    assert all(r.status_code in (200, 201, 409) for r in responses), [
        r.text for r in responses if r.status_code not in (200, 201, 409)
    ]
    for product in (in_a, in_b):
        after, movements = _ledger(db, product.id)
        _assert_consistent(after, movements)
    # Same goods both ways: each side received onto the product already there.
    with db.transaction() as session:
        targets = set(session.scalars(select(Transfer.target_product_id)).all())
    assert targets <= {in_a.id, in_b.id}
