from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from carpet_shop.main import create_app
from tests.factories import PASSWORD, assert_error


@pytest.fixture
def limited_client(settings, db, clock):
    app = create_app(
        settings=settings.model_copy(update={"failed_logins_per_minute_per_ip": 3}),
        database=db,
        clock=clock,
    )
    with TestClient(app) as client:
        yield client


def test_failed_logins_from_one_address_are_slowed_down(limited_client, factory, clock):
    seller = factory.seller()
    for name in ("ghost1", "ghost2", seller.username):
        body = {"username": name, "password": "wrong-password"}
        assert_error(limited_client.post("/api/auth/login", json=body), 401, "INVALID_CREDENTIALS")

    # Even the right password waits: the address has used up its failures for the minute.
    right = {"username": seller.username, "password": PASSWORD}
    response = limited_client.post("/api/auth/login", json=right)
    body = assert_error(response, 429, "RATE_LIMITED")
    assert int(response.headers["Retry-After"]) == 60
    assert body["error"]["details"]["retry_after"] == 60

    clock.advance(timedelta(seconds=61))
    assert limited_client.post("/api/auth/login", json=right).status_code == 200


def test_successful_logins_do_not_count(limited_client, factory):
    seller = factory.seller()
    for _ in range(6):
        response = limited_client.post(
            "/api/auth/login", json={"username": seller.username, "password": PASSWORD}
        )
        assert response.status_code == 200
