"""The sellers' commission rate on the users API: set by the director only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import assert_error, auth_headers


def test_admin_sets_a_sellers_rate(client, factory):
    admin = auth_headers(client, factory.admin())
    branch = factory.branch()
    created = client.post(
        "/api/users",
        json={
            "username": "earner",
            "password": "secret123",
            "branch_id": str(branch.id),
            "commission_rate": 2.5,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()["data"]
    assert user["commission_rate"] == 2.5
    updated = client.put(f"/api/users/{user['id']}", json={"commission_rate": 3}, headers=admin)
    assert updated.json()["data"]["commission_rate"] == 3
    unchanged = client.put(f"/api/users/{user['id']}", json={"full_name": "X"}, headers=admin)
    assert unchanged.json()["data"]["commission_rate"] == 3


def test_a_seller_cannot_set_their_own_rate(client, factory):
    seller = factory.seller(commission_rate=Decimal("1"))
    headers = auth_headers(client, seller)
    refused = client.put(f"/api/users/{seller.id}", json={"commission_rate": 50}, headers=headers)
    assert_error(refused, 403, "FORBIDDEN")
    me = client.get(f"/api/users/{seller.id}", headers=headers)
    assert me.json()["data"]["commission_rate"] == 1


@pytest.mark.parametrize("rate", [-1, 100.01, 2.555, "NaN"])
def test_rates_are_percentages(client, factory, rate):
    admin = auth_headers(client, factory.admin())
    seller = factory.seller()
    response = client.put(f"/api/users/{seller.id}", json={"commission_rate": rate}, headers=admin)
    assert_error(response, 422, "VALIDATION_ERROR")


def test_directors_earn_no_commission(client, factory):
    admin = auth_headers(client, factory.admin())
    refused = client.post(
        "/api/users",
        json={"username": "boss2", "password": "secret123", "role": "admin", "commission_rate": 1},
        headers=admin,
    )
    assert_error(refused, 422, "VALIDATION_ERROR")
    seller = factory.seller(commission_rate=Decimal("5"))
    promoted = client.put(f"/api/users/{seller.id}", json={"role": "admin"}, headers=admin)
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["data"]["commission_rate"] == 0
