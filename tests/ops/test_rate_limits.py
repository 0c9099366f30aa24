"""General rate limits: per address and per signed-in user, 429 RATE_LIMITED with
Retry-After, proxy headers believed only from FORWARDED_ALLOW_IPS."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from carpet_shop.core.errors import RateLimited
from carpet_shop.core.rate_limits import MemoryCounts, RateLimiter
from carpet_shop.main import create_app
from tests.factories import assert_error, auth_headers


def _app(settings, db, clock, **limits):
    return create_app(settings=settings.model_copy(update=limits), database=db, clock=clock)


def test_an_address_past_its_limit_gets_429_with_retry_after(settings, db, clock):
    app = _app(settings, db, clock, rate_limit_per_address_per_minute=3)
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/api/products").status_code == 401  # counted, then refused
        refused = client.get("/api/products")
        body = assert_error(refused, 429, "RATE_LIMITED")
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert body["error"]["details"]["retry_after"] == int(refused.headers["Retry-After"])
        assert refused.headers["X-Request-ID"]
        assert "at most 3 a minute" in body["error"]["message"]
        russian = client.get("/api/products", headers={"Accept-Language": "ru"})
        said = assert_error(russian, 429, "RATE_LIMITED")["error"]["message"]
        assert "не более 3 в минуту" in said
        # Probes and scrapes are never limited.
        assert client.get("/health").status_code == 200


def test_a_user_past_the_limit_is_refused_on_any_address(settings, db, clock, factory):
    app = _app(settings, db, clock, rate_limit_per_user_per_minute=2)
    seller = factory.seller(factory.branch())
    with TestClient(app) as client:
        headers = auth_headers(client, seller)
        assert client.get("/api/products", headers=headers).status_code == 200
        assert client.get("/api/products", headers=headers).status_code == 200
        assert_error(client.get("/api/products", headers=headers), 429, "RATE_LIMITED")
        # Another seller at the same address is not this one.
        other = auth_headers(client, factory.seller(factory.branch()))
        assert client.get("/api/products", headers=other).status_code == 200


def test_forwarded_for_is_believed_only_from_the_configured_proxy(settings, db, clock):
    # TestClient's peer address is "testclient".
    trusted = _app(
        settings, db, clock, rate_limit_per_address_per_minute=1, forwarded_allow_ips="testclient"
    )
    with TestClient(trusted) as client:
        for phone in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            response = client.get("/api/products", headers={"X-Forwarded-For": phone})
            assert response.status_code == 401, phone  # each phone its own address
        again = client.get("/api/products", headers={"X-Forwarded-For": "10.0.0.1"})
        assert_error(again, 429, "RATE_LIMITED")
    untrusted = _app(
        settings, db, clock, rate_limit_per_address_per_minute=1, forwarded_allow_ips="127.0.0.1"
    )
    with TestClient(untrusted) as client:
        assert (
            client.get("/api/products", headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 401
        )
        # A client cannot escape its limit by claiming another address.
        spoofed = client.get("/api/products", headers={"X-Forwarded-For": "10.0.0.9"})
        assert_error(spoofed, 429, "RATE_LIMITED")


def test_windows_are_a_minute_and_retry_after_counts_to_the_next():
    now = [6_000.0 + 45]  # 45 s into a window
    limiter = RateLimiter(
        per_user=1, per_address=0, counts=MemoryCounts(), wall_clock=lambda: now[0]
    )

    async def scenario() -> None:
        await limiter.check_user("u")
        await limiter.check_address("1.2.3.4")  # 0 turns the address limit off
        with pytest.raises(RateLimited) as refused:
            await limiter.check_user("u")
        assert refused.value.retry_after_seconds == 15
        now[0] += 15  # the next window
        await limiter.check_user("u")

    asyncio.run(scenario())


def test_the_limits_are_in_the_openapi(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/products"]["get"]
    limited = operation["responses"]["429"]
    assert "RATE_LIMIT_PER_USER_PER_MINUTE" in limited["description"]
    assert "Retry-After" in limited["headers"]
