"""Twenty payments racing on one payable over a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal

import httpx2
import pytest

from tests.factories import PASSWORD, SHOP_TZ, make_payable
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


def test_twenty_payments_of_150_on_a_payable_of_1000(factory, database_url, tmp_path):
    admin = factory.admin()
    # The server runs on the real clock; a due date after both the real and the test today.
    due = max(datetime.now(SHOP_TZ).date(), factory.today()) + timedelta(days=30)
    payable = make_payable(factory, total=1000, due_date=due)
    retried = make_payable(factory, total=1000, due_date=due)

    with (
        live_server(database_url, tmp_path, workers=2) as base_url,
        httpx2.Client(
            base_url=base_url, timeout=60, limits=httpx2.Limits(max_connections=40)
        ) as client,
    ):
        login = client.post(
            "/api/auth/login", json={"username": admin.username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}

        responses = _simultaneously(
            client,
            20,
            lambda c: c.post(
                f"/api/payables/{payable.id}/payments", json={"amount": 150}, headers=headers
            ),
        )
        statuses = sorted(r.status_code for r in responses)
        # 6 × 150 = 900 fit in 1000; the seventh would take it below zero.
        assert statuses == [201] * 6 + [422] * 14, [r.text for r in responses]
        for refused in (r for r in responses if r.status_code == 422):
            assert refused.json()["error"]["code"] == "PAYMENT_EXCEEDS_REMAINING"
        accepted = [r.json()["data"] for r in responses if r.status_code == 201]
        remaining_seen = sorted(Decimal(str(a["payable"]["remaining_amount"])) for a in accepted)
        # Each accepted payment saw its own distinct remaining: none was counted twice.
        assert remaining_seen == sorted(Decimal(1000 - 150 * k) for k in range(1, 7))

        final = client.get(f"/api/payables/{payable.id}", headers=headers).json()["data"]
        paid = sum(Decimal(str(p["amount"])) for p in final["payments"])
        assert paid == 900 <= Decimal(str(final["total_amount"]))
        assert final["remaining_amount"] == 100 and final["status"] == "open"
        # The successful responses are exactly the recorded payments.
        assert {p["id"] for p in final["payments"]} == {a["payment"]["id"] for a in accepted}

        # A flaky connection retrying one payment ten times at once pays it once.
        retries = _simultaneously(
            client,
            10,
            lambda c: c.post(
                f"/api/payables/{retried.id}/payments",
                json={"amount": 250, "currency": "UZS"},
                headers={**headers, "Idempotency-Key": "phone-retry-7"},
            ),
        )
        assert {r.status_code for r in retries} == {201}, [r.text for r in retries]
        assert len({r.json()["data"]["payment"]["id"] for r in retries}) == 1
        after = client.get(f"/api/payables/{retried.id}", headers=headers).json()["data"]
        assert after["remaining_amount"] == 750 and len(after["payments"]) == 1
