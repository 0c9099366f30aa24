"""Simultaneous payments over HTTP against a running server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal

import httpx2
import pytest

from tests.factories import PASSWORD, SHOP_TZ
from tests.live import live_server

pytestmark = pytest.mark.slow


def _simultaneously(client, n, request):
    """Fire `n` copies of `request` at once (all threads released together)."""
    gate = threading.Barrier(n)

    def one(_):
        gate.wait(timeout=30)
        return request(client)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def test_twenty_payments_of_100_on_a_debt_of_1000(factory, database_url, tmp_path):
    branch = factory.branch()
    seller = factory.seller(branch)
    # The server runs on the real clock; a deadline after both the real and the test today.
    deadline = max(datetime.now(SHOP_TZ).date(), factory.today()) + timedelta(days=30)
    debt = factory.debt(branch=branch, total=1000, deadline=deadline)
    retried = factory.debt(branch=branch, total=1000, deadline=deadline)

    with (
        live_server(database_url, tmp_path, workers=2) as base_url,
        httpx2.Client(
            base_url=base_url, timeout=60, limits=httpx2.Limits(max_connections=40)
        ) as client,
    ):
        login = client.post(
            "/api/auth/login", json={"username": seller.username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}

        responses = _simultaneously(
            client,
            20,
            lambda c: c.post(
                f"/api/debts/{debt.id}/payments", json={"amount": 100}, headers=headers
            ),
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * 10 + [422] * 10, [r.text for r in responses]
        for refused in (r for r in responses if r.status_code == 422):
            body = refused.json()
            assert body["success"] is False
            assert body["error"]["code"] == "PAYMENT_EXCEEDS_REMAINING"
        remaining_seen = sorted(
            Decimal(str(r.json()["data"]["debt"]["remaining_amount"]))
            for r in responses
            if r.status_code == 201
        )
        # Each accepted payment saw its own distinct remaining: none was counted twice.
        assert remaining_seen == [Decimal(100 * k) for k in range(10)]

        final = client.get(f"/api/debts/{debt.id}", headers=headers).json()["data"]
        assert final["remaining_amount"] == 0 and final["status"] == "paid"
        assert final["paid_amount"] == 1000
        history = client.get(f"/api/debts/{debt.id}/payments", headers=headers).json()
        assert history["meta"]["total"] == 10
        assert sum(Decimal(str(p["amount"])) for p in history["data"]) == 1000

        # A flaky connection retrying one payment ten times at once pays it once.
        retries = _simultaneously(
            client,
            10,
            lambda c: c.post(
                f"/api/debts/{retried.id}/payments",
                json={"amount": 250},
                headers={**headers, "Idempotency-Key": "phone-retry-7"},
            ),
        )
        assert {r.status_code for r in retries} == {201}, [r.text for r in retries]
        assert len({r.json()["data"]["payment"]["id"] for r in retries}) == 1
        after = client.get(f"/api/debts/{retried.id}", headers=headers).json()["data"]
        assert after["remaining_amount"] == 750
